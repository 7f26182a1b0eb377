-- One row per bucket ('month' as stored, plus 'all') × context × entity pair, for a
-- `cooccurrence` table that holds monthly rows only (no `bucket` column).
-- 'all' rows: pair counts summed over months (each article and sentence belongs to exactly
-- one month, so the sums are exact), marginals and totals counted over all time, and PMI /
-- NPMI by the same formulas as sql/cooccurrence.sql. Dropped once `bucket = 'all'` is stored.
create or replace temp view report_cooccurrence as
with pair_totals as (
    select context, entity_a, entity_b,
           any_value(name_a) as name_a, any_value(name_b) as name_b,
           min(bucket_start) as bucket_start, sum(n)::bigint as n
    from cooccurrence
    group by context, entity_a, entity_b
),
marginals as (
    select 'document' as context, entity_id, count(distinct article_id) as n_entity
    from mentions
    group by entity_id
    union all
    select 'sentence', entity_id, count(distinct (article_id, sentence_id))
    from mentions
    group by entity_id
),
totals as (
    select 'document' as context, count(*) as n_contexts from articles
    union all
    select 'sentence', count(*) from sentences
),
all_time as (
    select p.bucket_start, p.context, p.entity_a, p.entity_b, p.name_a, p.name_b, p.n,
           ma.n_entity as n_a, mb.n_entity as n_b, t.n_contexts
    from pair_totals as p
    join marginals as ma on ma.context = p.context and ma.entity_id = p.entity_a
    join marginals as mb on mb.context = p.context and mb.entity_id = p.entity_b
    join totals as t on t.context = p.context
)
select 'month' as bucket, * from cooccurrence
union all by name
select 'all' as bucket, *,
       ln(n * n_contexts / (n_a * n_b)) as pmi,
       case when n = n_contexts then 1.0
            else ln(n * n_contexts / (n_a * n_b)) / -ln(n / n_contexts) end as npmi
from all_time;
