-- Schema 4 → 5: `pair_count_sums` repeated `cooccurrence_counts.n` row for row (one row per
-- bucket × context × entity pair in both); a count that adds articles now adds to the n of
-- `cooccurrence_counts` itself (sql/analytics/load_sums.sql), so the copy is dropped. The
-- stored counts stay valid: no recount follows.
drop table if exists pair_count_sums;
