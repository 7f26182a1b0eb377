-- Schema 5 → 6: `cooccurrence_counts` keeps only n. Its other columns repeated the sum
-- tables (n_a, n_b from `entity_marginals`, n_contexts from `bucket_totals`, tone from
-- `pair_tone_sums`, window_k from `analytics_settings`), so a count adding 1,000 articles
-- rewrote every row of the all-time bucket; the `cooccurrence_rows` view now joins them.
-- The stored counts stay valid: no recount follows. (A database older than schema 4 has no
-- `cooccurrence_counts` yet: the schema files create it narrow.)
drop view if exists cooccurrence;
alter table if exists cooccurrence_counts drop column if exists n_a;
alter table if exists cooccurrence_counts drop column if exists n_b;
alter table if exists cooccurrence_counts drop column if exists n_contexts;
alter table if exists cooccurrence_counts drop column if exists tone_sum;
alter table if exists cooccurrence_counts drop column if exists tone_n;
alter table if exists cooccurrence_counts drop column if exists window_k;
