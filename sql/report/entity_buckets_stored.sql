-- `report_entities` (see entity_buckets.sql) from the count stage's `entity_frequency`, when
-- it holds the report's bucket ($bucket) and 'all' time: the same numbers, already counted
-- (recounting them from every mention cost a third of the report at 1M articles).
create or replace temp table report_entities as
select bucket, bucket_start, entity_id, n_articles, n_mentions, share_of_articles, name, kind
from entity_frequency
where bucket in ($bucket, 'all');
