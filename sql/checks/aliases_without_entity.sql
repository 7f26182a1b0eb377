-- Aliases that point at no entity (one row per alias).
-- fix: the next `cooccur run` rewrites aliases from the gazetteer
select al.*
from aliases as al
anti join entities as e using (entity_id);
