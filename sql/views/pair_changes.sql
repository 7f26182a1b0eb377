-- One row per bucket (not 'all') × context × entity pair present in the bucket or in the 4
-- buckets before it, with support (the larger of n now and the baseline's largest n) at
-- least 3: how far n and NPMI moved from that rolling baseline. Baseline buckets without
-- the pair count as n = 0; its NPMI baseline uses the buckets where it was present.
--   z_n    = (n − mean n) / max(sd n, 1)
--   z_npmi = (npmi − mean npmi) / max(sd npmi, 0.05)   (null without 2 baseline values)
-- The floors keep a pair appearing from nothing large but finite. in_last_run marks the
-- buckets the latest count recomputed: "what is new since the last run".
--
-- pair_changes_since(which_bucket, which_context, since) is the same for one bucket kind, one
-- context and the buckets from `since` on (null: all): it reads only those buckets and the 4
-- before them, so the report's latest week costs one week, not every bucket there is.
create or replace macro pair_changes_since(which_bucket, which_context, since) as table
with read as materialized (
    select c.bucket, c.bucket_start, c.context, c.entity_a, c.entity_b, c.n, c.npmi,
           bucket_ordinal(c.bucket, c.bucket_start) as ordinal
    from cooccurrence as c
    where c.bucket <> 'all'
      and (which_bucket is null or c.bucket = which_bucket)
      and (which_context is null or c.context = which_context)
      and (since is null
           or case when which_bucket is null
                   then bucket_ordinal(c.bucket, c.bucket_start)
                        >= bucket_ordinal(c.bucket, since::date) - 4
                   -- the same for one bucket kind, as a bound DuckDB filters the scan with
                   else c.bucket_start >= date_trunc(which_bucket, since::date - case which_bucket
                            when 'day' then interval 4 day
                            when 'week' then interval 28 day
                            when 'month' then interval 4 month
                            when 'quarter' then interval 12 month
                            else interval 4 year end)::date
              end)
),
-- a pair never named in 3 contexts of one bucket read here fails the support filter in
-- every bucket (its baseline rows are rows read): left out before the baseline's join,
-- which multiplies rows by 4 (at 1M articles' weeks, 10.7M rows → 4.0M)
present as (
    select r.*
    from read as r
    semi join (select bucket, context, entity_a, entity_b from read group by all
               having max(n) >= 3) using (bucket, context, entity_a, entity_b)
),
buckets as (
    select bucket, bucket_start, context, bucket_ordinal(bucket, bucket_start) as ordinal
    from bucket_totals
    where bucket <> 'all'
      and (which_bucket is null or bucket = which_bucket)
      and (which_context is null or context = which_context)
),
baseline_size as (
    select b.bucket, b.bucket_start, b.context, count(p.ordinal) as n_buckets
    from (select * from buckets where since is null or bucket_start >= since) as b
    left join buckets as p
      on p.bucket = b.bucket and p.context = b.context
     and p.ordinal between b.ordinal - 4 and b.ordinal - 1
    group by all
),
baseline as (
    select b.bucket, b.bucket_start, b.context, p.entity_a, p.entity_b,
           sum(p.n) as sum_n, sum(p.n * p.n) as sum_n2, max(p.n) as max_n,
           avg(p.npmi) as mean_npmi, stddev_pop(p.npmi) as sd_npmi,
           count(*) as n_present
    from (select * from buckets where since is null or bucket_start >= since) as b
    join present as p
      on p.bucket = b.bucket and p.context = b.context
     and p.ordinal between b.ordinal - 4 and b.ordinal - 1
    group by b.bucket, b.bucket_start, b.context, p.entity_a, p.entity_b
),
joined as (
    select coalesce(c.bucket, l.bucket) as bucket,
           coalesce(c.bucket_start, l.bucket_start) as bucket_start,
           coalesce(c.context, l.context) as context,
           coalesce(c.entity_a, l.entity_a) as entity_a,
           coalesce(c.entity_b, l.entity_b) as entity_b,
           coalesce(c.n, 0) as n,
           c.npmi,
           coalesce(l.sum_n, 0) as sum_n,
           coalesce(l.sum_n2, 0) as sum_n2,
           coalesce(l.max_n, 0) as baseline_max_n,
           l.mean_npmi,
           l.sd_npmi,
           coalesce(l.n_present, 0) as baseline_present
    from present as c
    full join baseline as l
      on l.bucket = c.bucket and l.bucket_start = c.bucket_start and l.context = c.context
     and l.entity_a = c.entity_a and l.entity_b = c.entity_b
),
scored as (
    select j.*, s.n_buckets as baseline_buckets,
           j.sum_n / s.n_buckets::double as baseline_mean_n,
           sqrt(greatest(j.sum_n2 / s.n_buckets::double
                         - (j.sum_n / s.n_buckets::double) ^ 2, 0.0)) as baseline_sd_n
    from joined as j
    join baseline_size as s
      on s.bucket = j.bucket and s.bucket_start = j.bucket_start and s.context = j.context
    where s.n_buckets > 0 and greatest(j.n, j.baseline_max_n) >= 3
)
select s.bucket, s.bucket_start, s.context, s.entity_a, s.entity_b, ea.name as name_a,
       eb.name as name_b, ea.kind as kind_a, eb.kind as kind_b,
       s.n, s.baseline_mean_n, s.baseline_sd_n, s.baseline_max_n,
       s.baseline_buckets, s.baseline_present,
       s.n - s.baseline_mean_n as change_n,
       (s.n - s.baseline_mean_n) / greatest(s.baseline_sd_n, 1.0) as z_n,
       s.npmi, s.mean_npmi as baseline_mean_npmi,
       s.npmi - s.mean_npmi as change_npmi,
       case when s.baseline_present >= 2 and s.npmi is not null
            then (s.npmi - s.mean_npmi) / greatest(s.sd_npmi, 0.05) end as z_npmi,
       u.updated_at = (select max(updated_at) from bucket_updates) as in_last_run
from scored as s
join entities as ea on ea.entity_id = s.entity_a  -- names joined once, not carried along
join entities as eb on eb.entity_id = s.entity_b
left join bucket_updates as u on u.bucket = s.bucket and u.bucket_start = s.bucket_start;

create or replace view pair_changes as
select * from pair_changes_since(null, null, null);
