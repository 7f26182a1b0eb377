-- One row per bucket (not 'all') × context × entity pair that co-occurs in it: the bucket's
-- counts and measures, plus rolling ones over the 3 buckets ending at this one (n, n_a, n_b
-- and N summed over the buckets that exist in that span, NPMI and PMI recomputed from the
-- sums) for smoother trends. Any other span: `cooccur pairs A B --rolling N`.
create or replace view pair_timeline as
with pairs as (
    select c.*,
           bucket_ordinal(c.bucket, c.bucket_start) as ordinal,
           sum(c.n) over (
               partition by c.bucket, c.context, c.entity_a, c.entity_b
               order by bucket_ordinal(c.bucket, c.bucket_start)
               range between 2 preceding and current row) as n_rolling
    from cooccurrence as c
    where c.bucket <> 'all'
),
marginals as (
    select m.bucket, m.bucket_start, m.context, m.entity_id,
           sum(m.n) over (
               partition by m.bucket, m.context, m.entity_id
               order by bucket_ordinal(m.bucket, m.bucket_start)
               range between 2 preceding and current row) as n_rolling
    from entity_marginals as m
    where m.bucket <> 'all'
),
totals as (
    select t.bucket, t.bucket_start, t.context,
           sum(t.n_contexts) over (
               partition by t.bucket, t.context
               order by bucket_ordinal(t.bucket, t.bucket_start)
               range between 2 preceding and current row) as n_rolling
    from bucket_totals as t
    where t.bucket <> 'all'
),
rolled as (
    select p.*,
           ma.n_rolling as n_a_rolling,
           mb.n_rolling as n_b_rolling,
           t.n_rolling as n_contexts_rolling
    from pairs as p
    join marginals as ma
      on ma.bucket = p.bucket and ma.bucket_start = p.bucket_start
     and ma.context = p.context and ma.entity_id = p.entity_a
    join marginals as mb
      on mb.bucket = p.bucket and mb.bucket_start = p.bucket_start
     and mb.context = p.context and mb.entity_id = p.entity_b
    join totals as t
      on t.bucket = p.bucket and t.bucket_start = p.bucket_start and t.context = p.context
)
select bucket, bucket_start, context, entity_a, entity_b, name_a, name_b, kind_a, kind_b,
       n, n_a, n_b, n_contexts, pmi, npmi, jaccard, dice, assoc_strength, lift, llr, llr_p,
       tone_mean, tone_n, window_k,
       n_rolling, n_a_rolling, n_b_rolling, n_contexts_rolling,
       ln(n_rolling * n_contexts_rolling::double / (n_a_rolling * n_b_rolling::double))
           as pmi_rolling,
       case when n_rolling = n_contexts_rolling then 1.0
            else ln(n_rolling * n_contexts_rolling::double
                    / (n_a_rolling * n_b_rolling::double))
                 / -ln(n_rolling / n_contexts_rolling::double)
       end as npmi_rolling
from rolled;
