-- One row per bucket × context × entity pair: the touched buckets' rows of
-- `cooccurrence_counts` are replaced by the rows of the count in progress (pair_rows, see
-- analytics/pair_measures.sql); the `cooccurrence` view computes the measures from them.
-- Inputs: touched_buckets, pair_rows.

delete from cooccurrence_counts as c
using touched_buckets as t
where c.bucket = t.bucket and c.bucket_start = t.bucket_start;

insert into cooccurrence_counts by name
select * from pair_rows;
