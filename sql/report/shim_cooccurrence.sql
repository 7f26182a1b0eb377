-- The report's pair rows (`report_cooccurrence`: one row per bucket × context × entity
-- pair, as stored in the `cooccurrence` view) and its buckets (`report_buckets`: one row
-- per bucket × context holding counted articles). Queries that need only which buckets
-- exist read `report_buckets`: the view joins every pair row with its marginals.
create or replace temp view report_cooccurrence as
select * from cooccurrence;

create or replace temp view report_buckets as
select bucket, bucket_start, context
from bucket_totals;
