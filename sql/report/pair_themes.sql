-- One row per pair of `report_pairs` (sql/report/pair_list.sql) × bucket ($bucket) × theme
-- in which the pair is named in one sentence tagged with that theme: such sentences, and the
-- articles holding them. One query for every pair page of the report, run only when the
-- database has a `themes` table: the themes of the pairs' sentences are read from it directly
-- (`report_themes`, distinct over every sentence, cost ten times more at 1M articles).
with both_named as (
    select a, b, article_id, sentence_id from report_pair_sentences where has_a and has_b
),
tagged as (
    select distinct article_id, sentence_id, theme
    from themes
    semi join both_named using (article_id, sentence_id)
)
select p.a, p.b, date_trunc($bucket, a.published_at)::date as bucket_start, t.theme,
       count(*) as n_sentences, count(distinct p.article_id) as n_articles
from both_named as p
join tagged as t using (article_id, sentence_id)
join articles as a using (article_id)
group by all
order by p.a, p.b, bucket_start, t.theme;
