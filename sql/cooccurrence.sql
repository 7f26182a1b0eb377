-- One row per bucket × context × entity pair: the touched buckets' rows are replaced by the
-- rows of the count in progress (pair_measures, see analytics/pair_measures.sql for the
-- measures and their formulas). Inputs: touched_buckets, pair_measures.

delete from cooccurrence as c
using touched_buckets as t
where c.bucket = t.bucket and c.bucket_start = t.bucket_start;

insert into cooccurrence by name
select * from pair_measures;
