-- One row per bucket (kind × start) holding tagged articles, for a count on demand (filters):
-- $buckets the kinds, $bucket_start one bucket start or null for all of them.

create or replace temp table touched_buckets as
select distinct k.bucket, bucket_start_of(k.bucket, a.published_at) as bucket_start
from articles as a
cross join (select unnest($buckets::varchar[]) as bucket) as k
where a.article_id in (select article_id from tagged_articles)
  and ($bucket_start::date is null
       or bucket_start_of(k.bucket, a.published_at) = $bucket_start::date);

-- nothing is added to stored sums on demand (scope.sql reads it with $only_changed false)
create or replace temp table changed_articles (
    article_id varchar, published_at timestamp, tagged boolean
);
