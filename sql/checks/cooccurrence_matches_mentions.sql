-- Document pairs whose count summed over the buckets of one granularity differs from the articles naming both in `mentions` (one row per pair).
-- fix: the pair tables are stale (a run stopped after tagging); `cooccur run` recomputes them
with article_entities as (
    select distinct article_id, entity_id from mentions
),
from_mentions as (
    select x.entity_id as entity_a, y.entity_id as entity_b, count(*) as n
    from article_entities as x
    join article_entities as y on x.article_id = y.article_id and x.entity_id < y.entity_id
    group by all
),
granularities as (
    select distinct bucket from cooccurrence where context = 'document'
),
expected as (
    select g.bucket, m.entity_a, m.entity_b, m.n
    from granularities as g
    cross join from_mentions as m
),
from_table as (
    select bucket, entity_a, entity_b, sum(n) as n
    from cooccurrence
    where context = 'document'
    group by all
)
select bucket, entity_a, entity_b, e.n as n_in_mentions, t.n as n_in_cooccurrence
from expected as e
full join from_table as t using (bucket, entity_a, entity_b)
where e.n is distinct from t.n;
