-- One row per bucket × context × entity pair of the count in progress, with every measure
-- (a view: computed once, as its rows are stored or selected).
-- N = n_contexts; the 2×2 table of contexts: k11 = n, k12 = n_a − n, k21 = n_b − n,
-- k22 = N − n_a − n_b + n. Formulas (references in README "Measures and views"):
--   pmi            = ln(n·N / (n_a·n_b))                         Church & Hanks 1990
--   npmi           = pmi / −ln(n/N), 1 when n = N                 Bouma 2009
--   jaccard        = n / (n_a + n_b − n)                          Jaccard 1901
--   dice           = 2n / (n_a + n_b)                             Dice 1945
--   assoc_strength = n / (n_a·n_b)                                van Eck & Waltman 2009
--   lift           = n·N / (n_a·n_b)  (= exp(pmi))
--   llr            = 2 Σ k_ij·ln(k_ij / E_ij), E_ij = row_i·col_j / N   Dunning 1993 (G²)
--   llr_p          = P(χ²₁ ≥ llr)
-- Input: pair_counts, group_marginals, group_totals, scope_groups, pair_tone, and
-- $k, kept in measure_settings (a view takes no parameters).
create or replace temp table measure_settings as select $k::integer as window_k;

create or replace temp view pair_measures as
with counted as (
    select g.bucket, g.bucket_start, g.context, p.entity_a, p.entity_b,
           p.n, ma.n as n_a, mb.n as n_b, t.n_contexts,
           p.n::double as k11, (ma.n - p.n)::double as k12, (mb.n - p.n)::double as k21,
           (t.n_contexts - ma.n - mb.n + p.n)::double as k22,
           ma.n::double as row_a, mb.n::double as col_b, t.n_contexts::double as total
    from pair_counts as p
    join scope_groups as g using (grp)
    join group_marginals as ma on ma.grp = p.grp and ma.entity_id = p.entity_a
    join group_marginals as mb on mb.grp = p.grp and mb.entity_id = p.entity_b
    join group_totals as t on t.grp = p.grp
),
measured as (
    select c.*,
           ln(k11 * total / (row_a * col_b)) as pmi,
           2.0 * (g_term(k11, row_a * col_b / total)
                  + g_term(k12, row_a * (total - col_b) / total)
                  + g_term(k21, (total - row_a) * col_b / total)
                  + g_term(k22, (total - row_a) * (total - col_b) / total)) as llr
    from counted as c
)
select m.bucket, m.bucket_start, m.context, m.entity_a, m.entity_b,
       ea.name as name_a, eb.name as name_b,
       m.n, m.n_a, m.n_b, m.n_contexts,
       m.pmi,
       case when m.n = m.n_contexts then 1.0 else m.pmi / -ln(k11 / total) end as npmi,
       k11 / (row_a + col_b - k11) as jaccard,
       2.0 * k11 / (row_a + col_b) as dice,
       k11 / (row_a * col_b) as assoc_strength,
       k11 * total / (row_a * col_b) as lift,
       m.llr,
       chi2_sf_1df(m.llr) as llr_p,
       t.tone_sum::double / t.tone_n as tone_mean,
       t.tone_n::integer as tone_n,
       ea.kind as kind_a,
       eb.kind as kind_b,
       case when m.context like 'window%' then s.window_k end as window_k
from measured as m
join entities as ea on ea.entity_id = m.entity_a
join entities as eb on eb.entity_id = m.entity_b
cross join measure_settings as s
left join pair_tone as t
  on t.bucket = m.bucket and t.bucket_start = m.bucket_start
 and t.entity_a = least(m.entity_a, m.entity_b) and t.entity_b = greatest(m.entity_a, m.entity_b);
