-- One row per period × entity among $ids: 'all' time and each of the $periods latest
-- buckets ($bucket), with the articles naming the entity (node sizes in the network).
with recent as (
    select bucket_start
    from report_buckets
    where bucket = $bucket and context = 'document'
    order by bucket_start desc
    limit $periods
)
select bucket, bucket_start, entity_id, name, kind, n_articles
from report_entities
where list_contains($ids, entity_id)
  and (bucket = 'all' or (bucket = $bucket and bucket_start in (select bucket_start from recent)))
order by bucket, bucket_start, entity_id;
