-- One row per bucket of kind $bucket holding articles, first to last: pair ($a, $b)'s counts
-- in context $context (0 where absent), its measures, and rolling ones over the $rolling
-- buckets ending at each (n, n_a, n_b, N summed, PMI and NPMI recomputed from the sums).
with buckets as (
    select bucket_start, n_contexts, bucket_ordinal(bucket, bucket_start) as ordinal
    from bucket_totals
    where bucket = $bucket and context = $context
),
series as (
    select b.bucket_start, b.ordinal, b.n_contexts,
           coalesce(p.n, 0) as n, coalesce(ma.n, 0) as n_a, coalesce(mb.n, 0) as n_b,
           p.pmi, p.npmi, p.jaccard, p.dice, p.assoc_strength, p.lift, p.llr, p.llr_p,
           p.tone_mean, p.tone_n
    from buckets as b
    left join cooccurrence as p
      on p.bucket = $bucket and p.context = $context and p.bucket_start = b.bucket_start
     and p.entity_a = $a and p.entity_b = $b
    left join entity_marginals as ma
      on ma.bucket = $bucket and ma.context = $context and ma.bucket_start = b.bucket_start
     and ma.entity_id = $a
    left join entity_marginals as mb
      on mb.bucket = $bucket and mb.context = $context and mb.bucket_start = b.bucket_start
     and mb.entity_id = $b
),
rolled as (
    select s.*,
           sum(s.n) over w as n_rolling,
           sum(s.n_a) over w as n_a_rolling,
           sum(s.n_b) over w as n_b_rolling,
           sum(s.n_contexts) over w as n_contexts_rolling
    from series as s
    window w as (order by s.ordinal range between $preceding preceding and current row)
)
select bucket_start, n, n_a, n_b, n_contexts, pmi, npmi, jaccard, dice, assoc_strength, lift,
       llr, llr_p, tone_mean, tone_n,
       n_rolling, n_a_rolling, n_b_rolling, n_contexts_rolling,
       case when n_rolling > 0
            then ln(n_rolling * n_contexts_rolling::double
                    / (n_a_rolling * n_b_rolling::double)) end as pmi_rolling,
       case when n_rolling = 0 then null
            when n_rolling = n_contexts_rolling then 1.0
            else ln(n_rolling * n_contexts_rolling::double
                    / (n_a_rolling * n_b_rolling::double))
                 / -ln(n_rolling / n_contexts_rolling::double) end as npmi_rolling
from rolled
order by bucket_start;
