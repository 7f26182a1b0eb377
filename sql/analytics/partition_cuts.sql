-- The first entities of the $parts ranges that split group $grp's pair instances about
-- evenly (an entity's weight: half its partners over the contexts naming it).
with sizes as (
    select unit, count(*) as c from unit_entities where grp = $grp group by unit
),
weights as (
    select u.entity_id, sum((s.c - 1) / 2.0) as w
    from unit_entities as u
    join sizes as s using (unit)
    where u.grp = $grp
    group by u.entity_id
),
cumulative as (
    select entity_id, sum(w) over (order by entity_id) / sum(w) over () as f from weights
)
select distinct min(c.entity_id) as cut
from cumulative as c
join range(1, $parts) as t(i) on c.f >= t.i / $parts
group by t.i
order by cut;
