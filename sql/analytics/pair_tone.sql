-- One row per bucket × entity pair (entity_a < entity_b): the mean VADER compound score of
-- the sentences in scope naming both (tone_mean) and how many were scored (tone_n).
-- Scores are decimals of four places, so the sum is exact and the mean reproducible.
create or replace temp table pair_tone as
with scored as (
    select distinct m.article_no, m.sentence_id, m.entity_id, t.compound
    from scope_mentions as m
    join scope_articles as a using (article_no)
    join sentence_tone as t on t.article_id = a.article_id and t.sentence_id = m.sentence_id
)
select b.bucket, b.bucket_start, x.entity_id as entity_a, y.entity_id as entity_b,
       sum(x.compound)::double / count(*) as tone_mean,
       count(*)::integer as tone_n
from scored as x
join scored as y
  on x.article_no = y.article_no and x.sentence_id = y.sentence_id
 and x.entity_id < y.entity_id
join scope_buckets as b on b.article_no = x.article_no
group by all;
