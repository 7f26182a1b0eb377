-- One row per bucket × context × entity pair of a count made on demand (count_pairs, not
-- stored): pair_rows, its counts, marginals and tone sums (the columns of the
-- `cooccurrence_rows` view), and pair_measures, the same rows with names and measures (macro
-- `with_measures`, formulas in sql/schema/30_analytics.sql and README "Measures and views").
-- Both are views: computed once, as their rows are selected.
-- Input: pair_counts, group_marginals, group_totals, scope_groups, pair_tone, and
-- $k, kept in measure_settings (a view takes no parameters).
create or replace temp table measure_settings as select $k::integer as window_k;

create or replace temp view pair_rows as
select g.bucket, g.bucket_start, g.context, p.entity_a, p.entity_b,
       p.n::bigint as n, ma.n::bigint as n_a, mb.n::bigint as n_b,
       t.n_contexts::bigint as n_contexts,
       tone.tone_sum, tone.tone_n::bigint as tone_n,
       case when g.context like 'window%' then s.window_k end as window_k
from pair_counts as p
join scope_groups as g using (grp)
join group_marginals as ma on ma.grp = p.grp and ma.entity_id = p.entity_a
join group_marginals as mb on mb.grp = p.grp and mb.entity_id = p.entity_b
join group_totals as t on t.grp = p.grp
cross join measure_settings as s
left join pair_tone as tone
  on tone.bucket = g.bucket and tone.bucket_start = g.bucket_start
 and tone.entity_a = least(p.entity_a, p.entity_b)
 and tone.entity_b = greatest(p.entity_a, p.entity_b);

create or replace temp view pair_measures as
select * from with_measures('pair_rows');
