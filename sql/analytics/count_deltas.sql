-- The count in progress keyed by bucket, ready to replace or add to the stored sums:
-- one temp table per stored table (delta_<table>; the pair counts stay in pair_counts,
-- keyed by group, until load_sums.sql or cooccurrence.sql reads them).
-- Inputs: scope_groups, group_totals, group_marginals, group_articles.

create or replace temp table delta_bucket_totals as
select g.bucket, g.bucket_start, g.context, t.n_contexts, a.n_articles
from group_totals as t
join scope_groups as g using (grp)
join group_articles as a on a.bucket = g.bucket and a.bucket_start = g.bucket_start;

create or replace temp table delta_entity_marginals as
select g.bucket, g.bucket_start, g.context, m.entity_id, m.n
from group_marginals as m
join scope_groups as g using (grp);
