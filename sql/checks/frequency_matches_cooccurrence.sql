-- Entities whose articles in a bucket differ between `entity_frequency` and the document marginals of `cooccurrence` (one row per bucket and entity).
-- fix: the tables come from different runs; `cooccur run` recomputes both
with marginals as (
    select bucket, bucket_start, entity_a as entity_id, n_a as n from cooccurrence
    where context = 'document'
    union
    select bucket, bucket_start, entity_b, n_b from cooccurrence
    where context = 'document'
)
select m.bucket, m.bucket_start, m.entity_id, m.n as n_in_cooccurrence,
       f.n_articles as n_in_frequency
from marginals as m
left join entity_frequency as f using (bucket, bucket_start, entity_id)
where f.n_articles is distinct from m.n;
