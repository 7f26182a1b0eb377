-- One row per period × pair of entities both among $ids, named together in at least $min_n
-- articles: 'all' time and each of the $periods latest buckets ($bucket), with the measure
-- ($measure) as `value` (network edges and heatmap cells).
-- (`list_contains` filters the table scan, under the view's joins; `in (select unnest(…))`
-- is a semi join that DuckDB keeps above them, after every pair of the buckets is joined.)
with recent as (
    select bucket_start
    from report_buckets
    where bucket = $bucket and context = 'document'
    order by bucket_start desc
    limit $periods
)
select bucket, bucket_start, entity_a, entity_b, name_a, name_b, n,
       columns(lambda c: c = $measure) as value
from report_cooccurrence
where context = 'document' and n >= $min_n
  and list_contains($ids, entity_a) and list_contains($ids, entity_b)
  and (bucket = 'all' or (bucket = $bucket and bucket_start in (select bucket_start from recent)))
order by bucket, bucket_start, entity_a, entity_b;
