-- One row per bucket size counted ('day' … 'year', 'all'): how many distinct buckets hold
-- counted articles, to choose a bucket that gives a readable timeline, and the latest.
select bucket, count(distinct bucket_start) as n_buckets, max(bucket_start) as latest
from report_buckets
group by bucket;
