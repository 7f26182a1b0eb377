-- Pair rows not stored as entity_a < entity_b (one row per bad pair row).
-- fix: recompute the tables with `cooccur run`
select *
from cooccurrence
where entity_a >= entity_b and context <> 'window_ordered';
