-- One row per bucket ($bucket) × entity among $ids that is named in it: articles and
-- mentions naming it, and its share of the bucket's articles.
select entity_id, name, kind, bucket_start, n_articles, n_mentions, share_of_articles
from report_entities
where bucket = $bucket and list_contains($ids, entity_id)
order by name, bucket_start;
