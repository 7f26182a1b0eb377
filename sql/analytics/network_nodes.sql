-- One row per entity named in bucket ($bucket, $bucket_start) in $context contexts: its
-- name, kind and the contexts naming it (node size in a network export).
select m.entity_id, e.name, e.kind, m.n
from entity_marginals as m
join entities as e using (entity_id)
where m.bucket = $bucket and m.bucket_start = $bucket_start::date and m.context = $context
order by m.entity_id;
