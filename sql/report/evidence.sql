-- One row per sentence behind each pair of `report_pairs` (sql/report/pair_list.sql). For
-- each article naming both (the $per_bucket latest of each $bucket, $max_articles latest in
-- all, per pair): the sentences naming both (at most 3), or else the first sentence naming
-- each; with the article's date, title, link, and the spans of the pair's mentions within
-- the sentence. The pairs' sentences are in `report_pair_sentences`
-- (sql/report/pair_sentences.sql); titles, links and texts are read by rowid for the kept
-- articles alone (a join would read every article's text to keep a few).
-- With $theme set, only sentences naming both and tagged with that theme count. One query
-- for every pair page of the report.
with eligible as (
    select *
    from report_pair_sentences
    where $theme is null
       or (has_a and has_b
           and (article_id, sentence_id) in (
               select (article_id, sentence_id) from report_themes where theme = $theme))
),
pair_articles as (
    select a, b, article_id, bool_or(has_a and has_b) as same_sentence,
           min(sentence_id) filter (where has_a) as first_a,
           min(sentence_id) filter (where has_b) as first_b
    from eligible
    group by a, b, article_id
    having bool_or(has_a) and bool_or(has_b)
),
dated as (
    select p.*, a.published_at, date_trunc($bucket, a.published_at)::date as bucket_start
    from pair_articles as p
    join articles as a using (article_id)
),
per_bucket as (
    select *,
           count(*) over (partition by a, b, bucket_start) as articles_in_bucket
    from dated
    qualify row_number() over (
        partition by a, b, bucket_start order by published_at desc, article_id) <= $per_bucket
),
kept as materialized (
    select *
    from per_bucket
    qualify row_number() over (
        partition by a, b order by published_at desc, article_id) <= $max_articles
),
chosen as materialized (
    select k.*, e.sentence_id, e.spans
    from kept as k
    join eligible as e using (a, b, article_id)
    where (k.same_sentence and e.has_a and e.has_b)
       or (not k.same_sentence and e.sentence_id in (k.first_a, k.first_b))
    qualify row_number() over (partition by k.a, k.b, k.article_id order by e.sentence_id) <= 3
),
texts as materialized (
    select article_id, title, url, external_id, text
    from articles
    where rowid in (select rowid from articles semi join kept using (article_id))
)
select c.a, c.b, c.bucket_start, c.articles_in_bucket, c.published_at, c.article_id, t.title,
       t.url, t.external_id, c.same_sentence, c.sentence_id,
       substr(case when c.sentence_id = 0 then t.title else t.text end,
              s.start_char + 1, s.end_char - s.start_char) as sentence,
       list_transform(c.spans, lambda m: {'start': m.start - s.start_char,
                                            'end': m.end - s.start_char}) as spans
from chosen as c
join texts as t using (article_id)
join sentences as s on s.article_id = c.article_id and s.sentence_id = c.sentence_id
order by c.a, c.b, c.published_at desc, c.article_id, c.sentence_id;
