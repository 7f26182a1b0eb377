-- Paragraph contexts: the title is paragraph 0; the text's paragraphs (separated by exactly
-- "\n\n" in normalised text) are numbered from 1. One row per group × paragraph × entity
-- it names, and the number of paragraphs per group (N).

insert into unit_entities
select g.grp, d.article_no::bigint * 65536 + d.paragraph_no as unit, d.entity_id
from (
    select distinct m.article_no, m.entity_id,
           case when m.sentence_id = 0 then 0
                else len(string_split(substr(a.text, 1, m.start_char), e'\n\n'))
           end as paragraph_no
    from scope_mentions as m
    join scope_texts as a using (article_no)
) as d
join scope_buckets as b using (article_no)
join scope_groups as g
  on g.bucket = b.bucket and g.bucket_start = b.bucket_start and g.context = 'paragraph';

insert into group_totals
select g.grp,
       sum(case when coalesce(a.title, '') <> '' then 1 else 0 end
           + case when a.text <> '' then len(string_split(a.text, e'\n\n')) else 0 end)
           as n_contexts
from scope_texts as a
join scope_buckets as b using (article_no)
join scope_groups as g
  on g.bucket = b.bucket and g.bucket_start = b.bucket_start and g.context = 'paragraph'
group by g.grp;
