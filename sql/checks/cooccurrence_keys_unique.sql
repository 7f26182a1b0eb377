-- Pair rows that appear more than once for one bucket, context and pair (one row per key).
-- fix: recompute the tables with `cooccur run`
select bucket, bucket_start, context, entity_a, entity_b, count(*) as copies
from cooccurrence
group by all
having count(*) > 1;
