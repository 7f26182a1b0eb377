-- Records when the touched buckets were recomputed and which articles the tables now
-- reflect. Inputs: touched_buckets, changed_articles.

delete from bucket_updates as r
using touched_buckets as t
where r.bucket = t.bucket and r.bucket_start = t.bucket_start;

insert into bucket_updates
select bucket, bucket_start, $updated_at::timestamp from touched_buckets;

delete from counted_articles
where article_id in (select article_id from changed_articles where not tagged);

insert into counted_articles
select article_id, published_at from changed_articles
where tagged;
