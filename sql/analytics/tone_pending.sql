-- One row per sentence naming two or more entities that has no tone score for its current
-- span, numbered for batching, with its text (titles are sentence 0). Stale scores (the
-- sentence moved or vanished after a re-tag) are deleted first. Only the articles not
-- counted yet are looked at when tone_scope.new_only is set (a count that adds articles:
-- the others were scored when they were counted), so a small update stays small.

create or replace temp table tone_articles as
select article_id
from tagged_articles
where not (select new_only from tone_scope)
   or article_id not in (select article_id from counted_articles);

delete from sentence_tone as t
where t.article_id in (select article_id from tone_articles)
  and not exists (
    select 1 from sentences as s
    where s.article_id = t.article_id and s.sentence_id = t.sentence_id
      and s.start_char = t.start_char and s.end_char = t.end_char);

-- The window numbers the keys alone, then the texts are joined: sorting the texts inside
-- the window cost twice as much (a final order keeps each batch's rows together on disk).
-- The texts are read by rowid: a join would read every article's text to keep a few.
create or replace temp table tone_pending as
with shared as (  -- two or more distinct entities (min < max: no distinct-count hash table)
    select article_id, sentence_id
    from mentions
    semi join tone_articles using (article_id)
    group by all
    having min(entity_id) < max(entity_id)
), pending as (
    select row_number() over (order by s.article_id, s.sentence_id) as row_no,
           s.article_id, s.sentence_id, s.start_char, s.end_char
    from sentences as s
    semi join shared as h on h.article_id = s.article_id and h.sentence_id = s.sentence_id
    anti join (  -- the scores of these articles only: no hash table of every score
        select article_id, sentence_id from sentence_tone semi join tone_articles using (article_id)
    ) as t on t.article_id = s.article_id and t.sentence_id = s.sentence_id
), texts as (
    select article_id, title, text
    from articles
    where rowid in (select rowid from articles semi join pending using (article_id))
)
select p.row_no, p.article_id, p.sentence_id, p.start_char, p.end_char,
       substr(case when p.sentence_id = 0 then a.title else a.text end,
              p.start_char + 1, p.end_char - p.start_char) as sentence
from pending as p
join texts as a on a.article_id = p.article_id
order by p.row_no;
