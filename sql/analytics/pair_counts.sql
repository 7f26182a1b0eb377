-- One row per group × entity pair (entity_a < entity_b) of one part of the unit contexts'
-- pair counts: n, the documents/paragraphs/sentences naming both, at least min_support.
-- Counted by `cooccur.pair_kernel` over unit_entities and handed over as `kernel_part` (NumPy
-- arrays grp, entity_a, entity_b, n), one part at a time.
insert into pair_counts
select grp, entity_a, entity_b, n
from kernel_part;
