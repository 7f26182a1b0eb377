-- The count in progress per bucket: group_articles, one row per bucket (articles in scope);
-- group_entities, one row per bucket × entity (articles and mentions naming it).
-- Inputs: scope_buckets, scope_article_entities.

create or replace temp table group_articles as
select bucket, bucket_start, count(*) as n_articles
from scope_buckets
group by all;

create or replace temp table group_entities as
select b.bucket, b.bucket_start, p.entity_id,
       count(*) as n_articles, sum(p.n_mentions) as n_mentions
from scope_article_entities as p
join scope_buckets as b using (article_no)
group by all;
