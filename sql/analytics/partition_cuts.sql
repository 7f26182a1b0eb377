-- The first entities of $parts ranges splitting group $grp's rows of unit_entities into
-- about equal parts (quantiles of entity_id: one cheap pass).
select distinct unnest(
    quantile_disc(entity_id, list_transform(range(1, $parts), lambda i: i / $parts))
) as cut
from unit_entities
where grp = $grp
order by cut;
