-- One row per bucket × entity pair (entity_a < entity_b): the sum of the VADER compound
-- scores of the sentences in scope naming both (tone_sum) and how many were scored (tone_n).
-- Scores are decimals of four places, so sums are exact and add up across counts; the
-- mean (tone_mean) is taken when the measures are computed.
create or replace temp table pair_tone as
with scored as (
    select distinct m.article_no, m.sentence_id, m.entity_id, t.compound
    from scope_sentence_entities as m
    join scope_articles as a using (article_no)
    join sentence_tone as t on t.article_id = a.article_id and t.sentence_id = m.sentence_id
)
select b.bucket, b.bucket_start, x.entity_id as entity_a, y.entity_id as entity_b,
       sum(x.compound)::decimal(18, 4) as tone_sum,
       count(*) as tone_n
from scored as x
join scored as y
  on x.article_no = y.article_no and x.sentence_id = y.sentence_id
 and x.entity_id < y.entity_id
join scope_buckets as b on b.article_no = x.article_no
group by all;
