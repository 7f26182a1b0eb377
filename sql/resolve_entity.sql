-- One row per entity whose name or alias is $name (case-insensitive), most mentioned first.
select e.entity_id, e.name, e.kind
from entities as e
where lower(e.name) = lower($name)
   or e.entity_id in (select entity_id from aliases where alias = lower($name))
order by (select count(*) from mentions as m where m.entity_id = e.entity_id) desc, e.entity_id;
