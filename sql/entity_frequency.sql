-- One row per bucket × entity: articles and mentions naming it, and its share of the
-- bucket's articles (volume-normalised, so busy months do not look like trends). The touched
-- buckets' rows are replaced from the stored sums. Inputs: touched_buckets,
-- entity_count_sums, bucket_articles.

delete from entity_frequency as f
using touched_buckets as t
where f.bucket = t.bucket and f.bucket_start = t.bucket_start;

insert into entity_frequency
select s.bucket, s.bucket_start, s.entity_id, e.name, e.kind,
       s.n_articles, s.n_mentions,
       s.n_articles / b.n_articles as share_of_articles
from entity_count_sums as s
semi join touched_buckets as t using (bucket, bucket_start)
join bucket_articles as b using (bucket, bucket_start)
join entities as e using (entity_id);
