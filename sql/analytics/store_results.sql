-- Replaces the touched buckets' denominators, marginals and update times with this count's,
-- and records which articles the tables now reflect. Inputs: touched_buckets, scope_groups,
-- group_totals, group_marginals, scope_buckets.

delete from bucket_totals as r
using touched_buckets as t
where r.bucket = t.bucket and r.bucket_start = t.bucket_start;

insert into bucket_totals
select g.bucket, g.bucket_start, g.context, t.n_contexts, a.n_articles
from group_totals as t
join scope_groups as g using (grp)
join (select bucket, bucket_start, count(*) as n_articles
      from scope_buckets group by all) as a
  on a.bucket = g.bucket and a.bucket_start = g.bucket_start;

delete from entity_marginals as r
using touched_buckets as t
where r.bucket = t.bucket and r.bucket_start = t.bucket_start;

insert into entity_marginals
select g.bucket, g.bucket_start, g.context, m.entity_id, m.n
from group_marginals as m
join scope_groups as g using (grp);

delete from bucket_updates as r
using touched_buckets as t
where r.bucket = t.bucket and r.bucket_start = t.bucket_start;

insert into bucket_updates
select bucket, bucket_start, $updated_at::timestamp from touched_buckets;

delete from counted_articles
where article_id not in (select article_id from tagged_articles);

insert into counted_articles
select article_id, published_at from changed_articles
where article_id in (select article_id from tagged_articles);
