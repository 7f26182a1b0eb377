-- One row per entity pair named together in articles ingested at or after $since:
-- how many of those articles name both (the "top pairs this run" of the run summary).
with new_mentions as (
    select distinct m.article_id, m.entity_id
    from mentions as m
    join articles as a using (article_id)
    where a.ingested_at >= $since
)
select ea.name as name_a, eb.name as name_b, count(*) as articles
from new_mentions as x
join new_mentions as y on x.article_id = y.article_id and x.entity_id < y.entity_id
join entities as ea on ea.entity_id = x.entity_id
join entities as eb on eb.entity_id = y.entity_id
group by all
order by articles desc, name_a, name_b
limit $limit;
