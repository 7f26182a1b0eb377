-- Upserts the gazetteer: one row per entity key (ids are stable once given) and one row
-- per (alias, entity). Inputs: gazetteer_entities(key, name, kind, iso3, country_iso3,
-- wikidata), gazetteer_aliases(alias, key).

insert into entities (key, name, kind, iso3, country_iso3, wikidata)
select key, name, kind, iso3, country_iso3, wikidata
from gazetteer_entities
where key not in (select key from entities)
order by key;

update entities
set name = g.name, kind = g.kind, iso3 = g.iso3, country_iso3 = g.country_iso3,
    wikidata = g.wikidata
from gazetteer_entities as g
where entities.key = g.key
  and (entities.name <> g.name or entities.kind <> g.kind
       or entities.iso3 is distinct from g.iso3
       or entities.country_iso3 is distinct from g.country_iso3
       or entities.wikidata is distinct from g.wikidata);

-- aliases of entities found in text (not in the gazetteer) are kept
delete from aliases
where entity_id in (select entity_id from entities where key in (select key from gazetteer_entities))
   or entity_id not in (select entity_id from entities);
insert into aliases
select a.alias, e.entity_id
from gazetteer_aliases as a
join entities as e using (key);
