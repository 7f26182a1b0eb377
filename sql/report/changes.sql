-- One row per entity pair among the $limit that rose most and the $limit that fell most from
-- the previous to the latest $bucket (starting $latest): share of each bucket's articles
-- naming both (so a short or partial latest bucket is compared fairly), counts, and the
-- measure ($measure). Pairs named together fewer than $min_n times across the two buckets
-- are left out.
with latest as (
    select $latest::date as bucket_start
),
previous as (
    select max(bucket_start) as bucket_start
    from report_buckets
    where bucket = $bucket and context = 'document'
      and bucket_start < (select bucket_start from latest)
),
rows as (
    select bucket_start, entity_a, entity_b, name_a, name_b, n, n_contexts,
           columns(lambda c: c = $measure) as value
    from report_cooccurrence
    where bucket = $bucket and context = 'document'
      and bucket_start in ((select bucket_start from latest), (select bucket_start from previous))
),
totals as (
    select bucket_start, any_value(n_contexts) as n_articles
    from rows
    group by bucket_start
),
pairs as (
    select entity_a, entity_b, any_value(name_a) as name_a, any_value(name_b) as name_b,
           coalesce(any_value(n) filter (where bucket_start = (select bucket_start from latest)),
                    0) as n_latest,
           coalesce(any_value(n) filter (where bucket_start = (select bucket_start from previous)),
                    0) as n_previous,
           any_value(value) filter (where bucket_start = (select bucket_start from latest))
               as value_latest,
           any_value(value) filter (where bucket_start = (select bucket_start from previous))
               as value_previous
    from rows
    group by entity_a, entity_b
),
changes as (
    select p.*,
           (select bucket_start from latest) as latest_start,
           (select bucket_start from previous) as previous_start,
           p.n_latest / tl.n_articles as share_latest,
           coalesce(p.n_previous / tp.n_articles, 0) as share_previous,
           p.n_latest / tl.n_articles - coalesce(p.n_previous / tp.n_articles, 0) as change
    from pairs as p
    cross join (select n_articles from totals
                where bucket_start = (select bucket_start from latest)) as tl
    left join (select n_articles from totals
               where bucket_start = (select bucket_start from previous)) as tp on true
    where p.n_latest + p.n_previous >= $min_n
      and (select bucket_start from previous) is not null
)
select *, case when change > 0 then 'rose' else 'fell' end as direction
from changes
where change <> 0
qualify row_number() over (partition by change > 0 order by abs(change) desc, name_a, name_b)
        <= $limit
order by change desc, name_a, name_b;
