-- One row per bucket ($bucket) holding articles: how many (to find the busiest stretch of
-- time when long empty gaps split the database, e.g. two corpora decades apart).
select date_trunc($bucket, published_at)::date as bucket_start, count(*) as n_articles
from articles
group by all
order by bucket_start;
