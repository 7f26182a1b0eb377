-- One row per bucket × entity pair (entity_a < entity_b): the sum of the VADER compound
-- scores of the sentences in scope naming both (tone_sum) and how many were scored (tone_n).
-- Scores are decimals of four places, so sums are exact and add up across counts; the
-- mean (tone_mean) is taken when the measures are computed. Summed per article first (an
-- article names most of its pairs in several sentences), then per bucket: fewer rows for
-- the join with the article's buckets and the bucket-keyed aggregation.
create or replace temp table pair_tone as
with scored as (
    select distinct m.article_no, m.sentence_id, m.entity_id, t.compound
    from scope_mentions as m
    join scope_articles as a using (article_no)
    join sentence_tone as t on t.article_id = a.article_id and t.sentence_id = m.sentence_id
), per_article as (
    select x.article_no, x.entity_id as entity_a, y.entity_id as entity_b,
           sum(x.compound) as tone_sum, count(*) as tone_n
    from scored as x
    join scored as y
      on x.article_no = y.article_no and x.sentence_id = y.sentence_id
     and x.entity_id < y.entity_id
    group by all
)
select b.bucket, b.bucket_start, p.entity_a, p.entity_b,
       sum(p.tone_sum)::decimal(18, 4) as tone_sum,
       sum(p.tone_n)::bigint as tone_n
from per_article as p
join scope_buckets as b using (article_no)
group by all;
