-- One row per bucket (not 'all') × entity named in it: frequency, share of the bucket's
-- articles, and change against the previous bucket of the same kind (the previous bucket
-- holding no articles gives null changes; holding articles but not the entity, a zero
-- base), plus the share over the 3 buckets ending at this one.
create or replace view entity_timeline as
with frequency as (
    select f.*, bucket_ordinal(f.bucket, f.bucket_start) as ordinal
    from entity_frequency as f
    where f.bucket <> 'all'
),
buckets as (
    select distinct bucket, bucket_start, n_articles,
           bucket_ordinal(bucket, bucket_start) as ordinal
    from bucket_totals
    where bucket <> 'all'
),
rolling as (
    select f.bucket, f.bucket_start, f.entity_id,
           sum(f.n_articles) over (
               partition by f.bucket, f.entity_id order by f.ordinal
               range between 2 preceding and current row) as n_articles_rolling
    from frequency as f
),
bucket_rolling as (
    select b.bucket, b.bucket_start,
           sum(b.n_articles) over (
               partition by b.bucket order by b.ordinal
               range between 2 preceding and current row) as bucket_articles_rolling
    from buckets as b
)
select f.bucket, f.bucket_start, f.entity_id, f.name, f.kind,
       f.n_articles, f.n_mentions, f.share_of_articles,
       case when pb.bucket is not null then coalesce(p.n_articles, 0) end
           as previous_n_articles,
       case when pb.bucket is not null then coalesce(p.share_of_articles, 0.0) end
           as previous_share,
       f.n_articles - previous_n_articles as n_articles_change,
       f.share_of_articles - previous_share as share_change,
       r.n_articles_rolling / br.bucket_articles_rolling::double as share_rolling
from frequency as f
left join buckets as pb on pb.bucket = f.bucket and pb.ordinal = f.ordinal - 1
left join frequency as p
  on p.bucket = f.bucket and p.entity_id = f.entity_id and p.ordinal = f.ordinal - 1
join rolling as r
  on r.bucket = f.bucket and r.bucket_start = f.bucket_start and r.entity_id = f.entity_id
join bucket_rolling as br on br.bucket = f.bucket and br.bucket_start = f.bucket_start;
