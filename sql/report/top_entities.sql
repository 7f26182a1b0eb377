-- One row per entity, the $limit most frequent over all time by articles naming them.
select entity_id, any_value(name) as name, any_value(kind) as kind,
       sum(n_articles)::bigint as n_articles, sum(n_mentions)::bigint as n_mentions
from entity_frequency
group by entity_id
order by n_articles desc, name
limit $limit;
