-- One row per bucket (kind × start) to recompute: the buckets of articles tagged since the
-- last count and of counted articles whose tags are gone, or with $full those of every tagged
-- article. Input: $buckets (bucket kinds), $full.

-- changed_articles: one row per article tagged but not counted (tagged true) or counted
-- but no longer tagged (tagged false); one full join of the two key tables finds both
create or replace temp table changed_articles as
with diff as (
    select t.article_id as tagged_id, c.article_id as counted_id, c.published_at
    from tagged_articles as t
    full join counted_articles as c on c.article_id = t.article_id
    where t.article_id is null or c.article_id is null
)
select a.article_id, a.published_at, true as tagged
from diff as d
join articles as a on a.article_id = d.tagged_id
union all
select counted_id, published_at, false
from diff
where tagged_id is null;

create or replace temp table touched_buckets as
select distinct k.bucket, bucket_start_of(k.bucket, c.published_at) as bucket_start
from (select published_at from changed_articles
      where not $full::boolean
      union all
      select a.published_at from articles as a
      where $full::boolean and a.article_id in (select article_id from tagged_articles)) as c
cross join (select unnest($buckets::varchar[]) as bucket) as k;
