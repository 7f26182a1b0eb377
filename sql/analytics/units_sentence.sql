-- Sentence contexts (sentence 0 is the title): one row per group × sentence × entity it
-- names, and the number of sentences per group (N). With $theme_filter only sentences tagged
-- with the theme count (theme_sentences; a null sentence_id there stands for every sentence).

create or replace temp table scope_sentences as
select a.article_no, s.sentence_id
from sentences as s
join scope_articles as a using (article_id)
where not $theme_filter::boolean
   or exists (select 1 from theme_sentences as t
              where t.article_id = s.article_id
                and (t.sentence_id is null or t.sentence_id = s.sentence_id));

insert into unit_entities
select g.grp, d.article_no::bigint * 65536 + d.sentence_id as unit, d.entity_id
from (select m.article_no, m.sentence_id, m.entity_id
      from scope_sentence_entities as m
      semi join scope_sentences as s
        on s.article_no = m.article_no and s.sentence_id = m.sentence_id) as d
join scope_buckets as b using (article_no)
join scope_groups as g
  on g.bucket = b.bucket and g.bucket_start = b.bucket_start and g.context = 'sentence';

-- sentences counted per article first: a row per article × bucket kind, not per sentence
insert into group_totals
select g.grp, sum(s.n_sentences) as n_contexts
from (select article_no, count(*) as n_sentences from scope_sentences group by all) as s
join scope_buckets as b using (article_no)
join scope_groups as g
  on g.bucket = b.bucket and g.bucket_start = b.bucket_start and g.context = 'sentence'
group by g.grp;
