-- One row per pair change (view pair_changes) in $bucket buckets and $context contexts,
-- for one bucket ($bucket_start) or all, or only those the latest count recomputed. The
-- view's macro is given the earliest bucket wanted ($since, a constant: DuckDB then reads
-- those buckets and the 4 before them, not every bucket there is).
select bucket_start, name_a, name_b, n, baseline_mean_n, change_n, z_n,
       npmi, baseline_mean_npmi, change_npmi, z_npmi, baseline_buckets, in_last_run
from pair_changes_since($bucket, $context, $since::date)
where ($bucket_start::date is null or bucket_start = $bucket_start::date)
  and (not $last_run::boolean or in_last_run);
