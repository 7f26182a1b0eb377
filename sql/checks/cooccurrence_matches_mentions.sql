-- Document pairs whose count summed over all buckets differs from the articles naming both in `mentions` (one row per pair).
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
from_table as (
    select entity_a, entity_b, sum(n) as n
    from cooccurrence
    where context = 'document'
    group by all
)
select entity_a, entity_b, m.n as n_in_mentions, t.n as n_in_cooccurrence
from from_mentions as m
full join from_table as t using (entity_a, entity_b)
where m.n is distinct from t.n;
