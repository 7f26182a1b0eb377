-- One row per pair of `report_pairs` (sql/report/pair_list.sql) × bucket ($bucket) × theme
-- in which the pair is named in one sentence tagged with that theme: such sentences, and the
-- articles holding them. One query for every pair page of the report.
with pair_sentences as (
    select w.a, w.b, m.article_id, m.sentence_id
    from mentions as m
    join (select a, b, unnest([a, b]) as entity_id from report_pairs) as w using (entity_id)
    group by w.a, w.b, m.article_id, m.sentence_id
    having count(distinct m.entity_id) = 2
)
select p.a, p.b, date_trunc($bucket, a.published_at)::date as bucket_start, t.theme,
       count(*) as n_sentences, count(distinct p.article_id) as n_articles
from pair_sentences as p
join report_themes as t using (article_id, sentence_id)
join articles as a using (article_id)
group by all
order by p.a, p.b, bucket_start, t.theme;
