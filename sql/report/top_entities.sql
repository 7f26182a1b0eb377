-- One row per entity, the $limit named in the most articles over all time.
select entity_id, name, kind, n_articles, n_mentions, share_of_articles
from report_entities
where bucket = 'all'
order by n_articles desc, name
limit $limit;
