-- One row per entity pair, the $limit most co-mentioned in documents over all time.
select entity_a, entity_b, any_value(name_a) as name_a, any_value(name_b) as name_b,
       sum(n)::bigint as n_documents
from cooccurrence
where context = 'document'
group by entity_a, entity_b
order by n_documents desc, name_a, name_b
limit $limit;
