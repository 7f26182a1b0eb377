-- One row per period × pair of entities both among $ids, named together in at least $min_n
-- articles: 'all' time and each of the $periods latest buckets ($bucket), with the measure
-- ($measure) as `value` (network edges and heatmap cells).
-- (`in (select unnest($ids))` filters the table scan, under the view's joins.)
with recent as (
    select distinct bucket_start
    from report_cooccurrence
    where bucket = $bucket and context = 'document'
    order by bucket_start desc
    limit $periods
)
select bucket, bucket_start, entity_a, entity_b, name_a, name_b, n,
       columns(lambda c: c = $measure) as value
from report_cooccurrence
where context = 'document' and n >= $min_n
  and entity_a in (select unnest($ids)) and entity_b in (select unnest($ids))
  and (bucket = 'all' or (bucket = $bucket and bucket_start in (select bucket_start from recent)))
order by bucket, bucket_start, entity_a, entity_b;
