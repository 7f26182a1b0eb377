-- One row per pair of `report_pairs` (sql/report/pair_list.sql) × sentence naming either
-- entity, in the articles naming both: whether it names each, and the spans of their
-- mentions (offsets in the title or text). Set once after `report_pairs`, for the pair
-- queries (pair_themes, evidence): grouping every mention of the pairs' entities by sentence
-- cost most of those queries at 1M articles; articles naming both are found first.
create or replace temp table report_pair_sentences as
with named as materialized (  -- one row per mention of an entity of the pairs
    select m.entity_id, m.article_id, m.sentence_id, m.start_char, m.end_char
    from mentions as m
    semi join (select unnest([a, b]) as entity_id from report_pairs) using (entity_id)
),
articles_of as (
    select distinct entity_id, article_id from named
),
both_named as materialized (
    select p.a, p.b, x.article_id
    from report_pairs as p
    join articles_of as x on x.entity_id = p.a
    join articles_of as y on y.entity_id = p.b and y.article_id = x.article_id
)
select p.a, p.b, n.article_id, n.sentence_id,
       bool_or(n.entity_id = p.a) as has_a, bool_or(n.entity_id = p.b) as has_b,
       -- sorted after: `list(… order by start_char)` sorted inside the aggregate, 2× the time
       list_sort(list({'start': n.start_char, 'end': n.end_char})) as spans
from both_named as p
join named as n on n.article_id = p.article_id and n.entity_id in (p.a, p.b)
group by p.a, p.b, n.article_id, n.sentence_id;
