-- Upserts the gazetteer: one row per entity key (ids are stable once given) and one row
-- per (alias, entity). Inputs: gazetteer_entities(key, name, kind, iso3),
-- gazetteer_aliases(alias, key).

insert into entities (key, name, kind, iso3)
select key, name, kind, iso3
from gazetteer_entities
where key not in (select key from entities)
order by key;

update entities
set name = g.name, kind = g.kind, iso3 = g.iso3
from gazetteer_entities as g
where entities.key = g.key
  and (entities.name <> g.name or entities.kind <> g.kind
       or entities.iso3 is distinct from g.iso3);

delete from aliases;
insert into aliases
select a.alias, e.entity_id
from gazetteer_aliases as a
join entities as e using (key);
