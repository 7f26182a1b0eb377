-- One row per entity pair among the $limit that rose most and the $limit that fell most in
-- the latest $bucket (starting $latest) against its rolling baseline, from the
-- `pair_changes` view (z-score of articles naming both against the buckets before); with
-- the measure ($measure) now and, for NPMI, its baseline mean. Pairs with fewer than $min_n
-- articles now and before are out. Only the latest bucket is computed (`pair_changes_since`,
-- the view's own macro, given a constant date so that DuckDB filters the scan with it):
-- the whole view would compute every bucket there is.
with latest as (
    select $latest::date as bucket_start
),
changes as materialized (
    select entity_a, entity_b, name_a, name_b, bucket_start, baseline_buckets, n,
           baseline_mean_n, baseline_max_n, z_n, baseline_mean_npmi
    from pair_changes_since($bucket, 'document', $latest::date)
),
scored as (
    select p.entity_a, p.entity_b, p.name_a, p.name_b,
           p.bucket_start as latest_start, p.baseline_buckets,
           p.n as n_latest, p.baseline_mean_n as n_previous, p.z_n as change,
           p.baseline_mean_npmi
    from changes as p
    where p.bucket_start = (select bucket_start from latest)
      and greatest(p.n, p.baseline_max_n) >= $min_n
),
now as (
    select entity_a, entity_b, columns(lambda c: c = $measure) as value_latest
    from report_cooccurrence
    where bucket = $bucket and context = 'document'
      and bucket_start = (select bucket_start from latest)
)
select s.*, now.value_latest,
       case when $measure = 'npmi' then s.baseline_mean_npmi end as value_previous,
       case when s.change > 0 then 'rose' else 'fell' end as direction
from scored as s
left join now using (entity_a, entity_b)
where s.change <> 0
qualify row_number() over (
    partition by s.change > 0 order by abs(s.change) desc, s.name_a, s.name_b) <= $limit
order by s.change desc, s.name_a, s.name_b;
