-- The touched buckets' stored sums as the inputs of pair_measures.sql (scope_groups,
-- group_totals, group_marginals, pair_counts, pair_tone), after add_sums.sql has added the
-- new articles to them. Pair counts are not a sum table of their own: the stored n of
-- `cooccurrence_counts` plus the count in progress (pair_counts, keyed by the count's
-- groups), from which cooccurrence.sql then rewrites those rows.
-- Inputs: touched_buckets, scope_groups and pair_counts of the count, $contexts.

create or replace temp table delta_pair_counts as
select g.bucket, g.bucket_start, g.context, p.entity_a, p.entity_b, p.n::bigint as n
from pair_counts as p
join scope_groups as g using (grp);

create or replace temp table scope_groups as
select row_number() over (order by t.bucket, t.bucket_start, c.context)::integer as grp,
       t.bucket, t.bucket_start, c.context
from touched_buckets as t
cross join (select unnest($contexts::varchar[]) as context) as c;

create or replace temp table group_totals as
select g.grp, s.n_contexts
from bucket_totals as s
join scope_groups as g using (bucket, bucket_start, context);

create or replace temp table group_marginals as
select g.grp, s.entity_id, s.n
from entity_marginals as s
join scope_groups as g using (bucket, bucket_start, context);

create or replace temp table pair_counts as
select g.grp, s.entity_a, s.entity_b, sum(s.n) as n
from (
    select c.bucket, c.bucket_start, c.context, c.entity_a, c.entity_b, c.n
    from cooccurrence_counts as c
    semi join touched_buckets as t using (bucket, bucket_start)
    union all
    select * from delta_pair_counts
) as s
join scope_groups as g using (bucket, bucket_start, context)
group by all;

create or replace temp table pair_tone as
select s.*
from pair_tone_sums as s
semi join touched_buckets as t using (bucket, bucket_start);
