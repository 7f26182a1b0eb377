-- One row per bucket ($bucket) × theme in which the pair ($a, $b) is named in one sentence
-- tagged with that theme: such sentences, and the articles holding them.
with pair_sentences as (
    select article_id, sentence_id
    from mentions
    where entity_id in ($a, $b)
    group by article_id, sentence_id
    having count(distinct entity_id) = 2
)
select date_trunc($bucket, a.published_at)::date as bucket_start, t.theme,
       count(*) as n_sentences, count(distinct p.article_id) as n_articles
from pair_sentences as p
join report_themes as t using (article_id, sentence_id)
join articles as a using (article_id)
group by all
order by bucket_start, t.theme;
