-- One row per group × entity: the document/paragraph/sentence contexts naming it (n_a).
insert into group_marginals
select grp, entity_id, count(*) as n
from unit_entities
group by all;
