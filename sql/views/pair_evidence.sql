-- One row per sentence × pair of entities both named in it (entity_a < entity_b): the
-- article, its date and title, the sentence with every mention of either entity marked
-- **like this**, and the sentence's tone when scored. Filter a bucket with
-- bucket_start_of('month', published_at) = date '2025-04-01' (or `cooccur evidence`).
create or replace view pair_evidence as
with named as (
    select distinct article_id, sentence_id, entity_id from mentions
),
hits as (
    select x.article_id, x.sentence_id, x.entity_id as entity_a, y.entity_id as entity_b
    from named as x
    join named as y
      on y.article_id = x.article_id and y.sentence_id = x.sentence_id
     and x.entity_id < y.entity_id
),
marks as (
    select h.article_id, h.sentence_id, h.entity_a, h.entity_b,
           m.start_char, m.end_char, s.start_char as sentence_start,
           s.end_char as sentence_end,
           case when h.sentence_id = 0 then a.title else a.text end as body,
           lag(m.end_char) over w as previous_end,
           lead(m.start_char) over w as next_start
    from hits as h
    join mentions as m
      on m.article_id = h.article_id and m.sentence_id = h.sentence_id
     and m.entity_id in (h.entity_a, h.entity_b)
    join sentences as s on s.article_id = h.article_id and s.sentence_id = h.sentence_id
    join articles as a on a.article_id = h.article_id
    window w as (partition by h.article_id, h.sentence_id, h.entity_a, h.entity_b
                 order by m.start_char)
),
pieces as (
    select article_id, sentence_id, entity_a, entity_b,
           string_agg(
               substr(body, coalesce(previous_end, sentence_start) + 1,
                      start_char - coalesce(previous_end, sentence_start))
               || '**' || substr(body, start_char + 1, end_char - start_char) || '**'
               || case when next_start is null
                       then substr(body, end_char + 1, greatest(sentence_end - end_char, 0))
                       else '' end,
               '' order by start_char) as snippet
    from marks
    group by article_id, sentence_id, entity_a, entity_b
)
select p.entity_a, p.entity_b, ea.name as name_a, eb.name as name_b,
       p.article_id, a.published_at, a.title, a.source, p.sentence_id, p.snippet,
       t.compound::double as tone
from pieces as p
join articles as a on a.article_id = p.article_id
join entities as ea on ea.entity_id = p.entity_a
join entities as eb on eb.entity_id = p.entity_b
left join sentence_tone as t on t.article_id = p.article_id and t.sentence_id = p.sentence_id;
