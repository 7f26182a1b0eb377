-- One row per month × entity: articles and mentions naming it, and its share of the
-- month's articles (volume-normalised, so busy months do not look like trends).

create or replace table entity_frequency as
with monthly_articles as (
    select date_trunc('month', published_at)::date as bucket_start,
           count(*) as bucket_articles
    from articles
    group by all
)
select date_trunc('month', a.published_at)::date as bucket_start,
       m.entity_id,
       e.name,
       e.kind,
       count(distinct m.article_id) as n_articles,
       count(*) as n_mentions,
       count(distinct m.article_id) / any_value(t.bucket_articles) as share_of_articles
from mentions as m
join articles as a using (article_id)
join entities as e using (entity_id)
join monthly_articles as t on t.bucket_start = date_trunc('month', a.published_at)::date
group by all
order by bucket_start, entity_id;
