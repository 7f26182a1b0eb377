-- Drops from unit_entities the entities named in fewer than $min_support contexts of their
-- group: none of their pairs can reach the minimum support (n ≤ min(n_a, n_b)).
delete from unit_entities as u
using group_marginals as m
where m.grp = u.grp and m.entity_id = u.entity_id and m.n < $min_support;
