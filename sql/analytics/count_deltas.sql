-- The count in progress keyed by bucket, ready to replace or add to the stored sums:
-- one temp table per stored table (delta_<table>; pair_tone, group_articles and
-- group_entities are keyed by bucket already).
-- Inputs: scope_groups, group_totals, group_marginals, group_articles, pair_counts.

create or replace temp table delta_bucket_totals as
select g.bucket, g.bucket_start, g.context, t.n_contexts, a.n_articles
from group_totals as t
join scope_groups as g using (grp)
join group_articles as a on a.bucket = g.bucket and a.bucket_start = g.bucket_start;

create or replace temp table delta_entity_marginals as
select g.bucket, g.bucket_start, g.context, m.entity_id, m.n
from group_marginals as m
join scope_groups as g using (grp);

-- a view: the pair counts are the largest delta, written once where they are stored
create or replace temp view delta_cooccurrence_counts as
select g.bucket, g.bucket_start, g.context, p.entity_a, p.entity_b, p.n::bigint as n
from pair_counts as p
join scope_groups as g using (grp);
