-- One row per bucket size stored in the report's pair table ('day' … 'year'): how many
-- distinct buckets hold co-mentions, to choose a bucket that gives a readable timeline.
select bucket, count(distinct bucket_start) as n_buckets
from report_cooccurrence
where bucket <> 'all'
group by bucket;
