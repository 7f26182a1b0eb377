-- Mentions whose entity is not in `entities` (one row per orphan mention).
-- fix: the gazetteer lost an entity that is still mentioned; delete these mentions or restore the entity, then `cooccur run`
select m.*
from mentions as m
anti join entities as e using (entity_id);
