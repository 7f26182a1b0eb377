-- One row per bucket ($bucket) × partner among $ids in which entity $x and that partner are
-- named together: articles naming both, and the measure ($measure).
-- (`list_contains` filters the table scan, under the view's joins.)
select case when entity_a = $x then entity_b else entity_a end as partner_id,
       case when entity_a = $x then name_b else name_a end as partner,
       bucket_start, n, columns(lambda c: c = $measure) as value
from report_cooccurrence
where bucket = $bucket and context = 'document'
  and ((entity_a = $x and list_contains($ids, entity_b))
       or (entity_b = $x and list_contains($ids, entity_a)))
order by partner, bucket_start;
