-- Document contexts: one row per group × article × entity it names, and the number of
-- articles per group (N).

insert into unit_entities
select g.grp, d.article_no::bigint as unit, d.entity_id
from scope_article_entities as d
join scope_buckets as b using (article_no)
join scope_groups as g
  on g.bucket = b.bucket and g.bucket_start = b.bucket_start and g.context = 'document';

insert into group_totals
select g.grp, count(*) as n_contexts
from scope_buckets as b
join scope_groups as g
  on g.bucket = b.bucket and g.bucket_start = b.bucket_start and g.context = 'document'
group by g.grp;
