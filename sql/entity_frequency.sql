-- One row per bucket × entity: articles and mentions naming it, and its share of the
-- bucket's articles (volume-normalised, so busy months do not look like trends). The touched
-- buckets' rows are replaced. Inputs: touched_buckets, scope_mentions, scope_buckets.

delete from entity_frequency as f
using touched_buckets as t
where f.bucket = t.bucket and f.bucket_start = t.bucket_start;

insert into entity_frequency
with bucket_articles as (
    select bucket, bucket_start, count(*) as n_articles
    from scope_buckets
    group by all
),
per_article as (
    select article_no, entity_id, count(*) as n_mentions
    from scope_mentions
    group by all
)
select b.bucket, b.bucket_start, p.entity_id, e.name, e.kind,
       count(*) as n_articles,
       sum(p.n_mentions) as n_mentions,
       count(*) / any_value(t.n_articles) as share_of_articles
from per_article as p
join scope_buckets as b using (article_no)
join entities as e using (entity_id)
join bucket_articles as t on t.bucket = b.bucket and t.bucket_start = b.bucket_start
group by b.bucket, b.bucket_start, p.entity_id, e.name, e.kind;
