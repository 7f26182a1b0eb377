-- One row per group × unit (document, paragraph or sentence) × entity it names: the pair
-- kernel's input, unordered (the kernel sorts it faster than an `order by` here).
select grp, unit, entity_id
from unit_entities;
