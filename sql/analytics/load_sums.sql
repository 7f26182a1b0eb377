-- The touched buckets' stored sums as the inputs of pair_measures.sql (scope_groups,
-- group_totals, group_marginals, pair_counts, pair_tone), after add_sums.sql has added the
-- new articles to them. Inputs: touched_buckets, $contexts (context kinds).

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
select g.grp, s.entity_a, s.entity_b, s.n
from pair_count_sums as s
join scope_groups as g using (bucket, bucket_start, context);

create or replace temp table pair_tone as
select s.*
from pair_tone_sums as s
semi join touched_buckets as t using (bucket, bucket_start);
