-- One row per bucket (kind × start) to recompute: the buckets of articles tagged since the
-- last count and of counted articles whose tags are gone. Input: $buckets (bucket kinds).

create or replace temp table changed_articles as
select a.article_id, a.published_at
from articles as a
where a.article_id in (select article_id from tagged_articles)
  and a.article_id not in (select article_id from counted_articles)
union all
select c.article_id, c.published_at
from counted_articles as c
where c.article_id not in (select article_id from tagged_articles);

create or replace temp table touched_buckets as
select distinct k.bucket, bucket_start_of(k.bucket, c.published_at) as bucket_start
from changed_articles as c
cross join (select unnest($buckets::varchar[]) as bucket) as k;
