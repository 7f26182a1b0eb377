-- One row per bucket × entity for the report's bucket ($bucket: 'day' … 'year') and for
-- 'all' time: articles and mentions naming the entity and its share of the bucket's
-- articles. Same definition as `entity_frequency`, counted from the mentions when that
-- table does not hold both buckets (else entity_buckets_stored.sql reads it).
create or replace temp table report_entities as
with dated as (  -- one row per article × entity: its mentions, so no count is distinct
    select m.article_id, m.entity_id, date_trunc($bucket, a.published_at)::date as bucket_start,
           count(*) as n_mentions
    from mentions as m
    join articles as a using (article_id)
    group by m.article_id, m.entity_id, a.published_at
),
bucket_articles as (
    select date_trunc($bucket, published_at)::date as bucket_start, count(*) as n_bucket
    from articles
    group by all
),
per_bucket as (
    select $bucket as bucket, d.bucket_start, d.entity_id,
           count(*) as n_articles, sum(d.n_mentions)::bigint as n_mentions,
           count(*) / any_value(t.n_bucket) as share_of_articles
    from dated as d
    join bucket_articles as t using (bucket_start)
    group by all
),
all_time as (
    select 'all' as bucket, min(bucket_start) as bucket_start, entity_id,
           count(*) as n_articles, sum(n_mentions)::bigint as n_mentions,
           count(*) / (select count(*) from articles) as share_of_articles
    from dated
    group by entity_id
)
select b.*, e.name, e.kind
from (select * from per_bucket union all select * from all_time) as b
join entities as e using (entity_id);
