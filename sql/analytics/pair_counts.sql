-- The pair kernel. One row per group × entity pair (entity_a < entity_b) named together in
-- at least $min_support contexts of the group: n, the contexts naming both. Runs once per
-- partition: groups $grp_lo … $grp_hi and first entities $entity_lo ≤ entity_a < $entity_hi,
-- so the hash table holds one partition's pairs at a time (peak memory). Input:
-- unit_entities; the second entity is above the first, so below $entity_lo it is skipped.
insert into pair_counts
select x.grp, x.entity_id as entity_a, y.entity_id as entity_b, count(*)::integer as n
from unit_entities as x
join unit_entities as y
  on x.grp = y.grp and x.unit = y.unit and x.entity_id < y.entity_id
where x.grp between $grp_lo and $grp_hi
  and x.entity_id >= $entity_lo and x.entity_id < $entity_hi
  and y.grp between $grp_lo and $grp_hi
  and y.entity_id > $entity_lo
group by all
having count(*) >= $min_support;
