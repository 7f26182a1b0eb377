-- One row per month × context (document | sentence) × unordered entity pair
-- (entity_a < entity_b): contexts naming both (n), each (n_a, n_b), all contexts of that
-- kind in the month (n_contexts), and pointwise mutual information:
--   pmi  = ln( n · n_contexts / (n_a · n_b) )             (Church & Hanks 1990)
--   npmi = pmi / −ln( n / n_contexts ), 1 when n = n_contexts   (Bouma 2009)

create or replace table cooccurrence as
with entity_contexts as (
    select distinct
           'document' as context,
           date_trunc('month', a.published_at)::date as bucket_start,
           m.article_id,
           -1 as sentence_id,
           m.entity_id
    from mentions as m
    join articles as a using (article_id)
    union all
    select distinct
           'sentence',
           date_trunc('month', a.published_at)::date,
           m.article_id,
           m.sentence_id,
           m.entity_id
    from mentions as m
    join articles as a using (article_id)
),
marginals as (
    select context, bucket_start, entity_id, count(*) as n_entity
    from entity_contexts
    group by all
),
context_totals as (
    select 'document' as context,
           date_trunc('month', published_at)::date as bucket_start,
           count(*) as n_contexts
    from articles
    group by all
    union all
    select 'sentence',
           date_trunc('month', a.published_at)::date,
           count(*)
    from sentences as s
    join articles as a using (article_id)
    group by all
),
pairs as (
    select x.context, x.bucket_start, x.entity_id as entity_a, y.entity_id as entity_b,
           count(*) as n
    from entity_contexts as x
    join entity_contexts as y
      on x.context = y.context
     and x.article_id = y.article_id
     and x.sentence_id = y.sentence_id
     and x.entity_id < y.entity_id
    group by all
),
counted as (
    select p.bucket_start, p.context, p.entity_a, p.entity_b,
           ea.name as name_a, eb.name as name_b,
           p.n, ma.n_entity as n_a, mb.n_entity as n_b, t.n_contexts
    from pairs as p
    join marginals as ma
      on ma.context = p.context and ma.bucket_start = p.bucket_start
     and ma.entity_id = p.entity_a
    join marginals as mb
      on mb.context = p.context and mb.bucket_start = p.bucket_start
     and mb.entity_id = p.entity_b
    join context_totals as t on t.context = p.context and t.bucket_start = p.bucket_start
    join entities as ea on ea.entity_id = p.entity_a
    join entities as eb on eb.entity_id = p.entity_b
)
select *,
       ln(n * n_contexts / (n_a * n_b)) as pmi,
       case when n = n_contexts then 1.0
            else ln(n * n_contexts / (n_a * n_b)) / -ln(n / n_contexts) end as npmi
from counted
order by bucket_start, context, entity_a, entity_b;
