-- One row: the pairs of entities named together in at least one article, in any bucket (the
-- summary's count when no all-time bucket is stored).
select count(*) as pairs
from (select distinct entity_a, entity_b from cooccurrence_counts where context = 'document');
