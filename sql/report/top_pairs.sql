-- One row per entity pair, the $limit named together in the most articles over all time,
-- with the chosen measure ($measure, a column of cooccurrence) as `value`.
select entity_a, entity_b, name_a, name_b, n as n_documents,
       columns(lambda c: c = $measure) as value
from report_cooccurrence
where bucket = 'all' and context = 'document'
order by n_documents desc, name_a, name_b
limit $limit;
