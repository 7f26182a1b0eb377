-- One row per group of unit_entities: the pair instances its contexts hold (Σ c·(c−1)/2
-- over contexts naming c entities), to split the pair kernel into bounded parts.
select grp, sum(c * (c - 1) // 2)::bigint as instances
from (select grp, unit, count(*) as c from unit_entities group by all)
group by grp
order by grp;
