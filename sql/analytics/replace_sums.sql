-- Replaces the touched buckets' stored sums (pair counts, denominators, marginals, tone
-- sums, entity counts) with those of the count in progress, which covered every article of
-- those buckets. Inputs: touched_buckets, delta_* (count_deltas.sql), pair_tone,
-- group_articles, group_entities.

delete from cooccurrence_counts as r using touched_buckets as t
where r.bucket = t.bucket and r.bucket_start = t.bucket_start;
insert into cooccurrence_counts select * from delta_cooccurrence_counts;

delete from bucket_totals as r using touched_buckets as t
where r.bucket = t.bucket and r.bucket_start = t.bucket_start;
insert into bucket_totals select * from delta_bucket_totals;

delete from entity_marginals as r using touched_buckets as t
where r.bucket = t.bucket and r.bucket_start = t.bucket_start;
insert into entity_marginals select * from delta_entity_marginals;

delete from pair_tone_sums as r using touched_buckets as t
where r.bucket = t.bucket and r.bucket_start = t.bucket_start;
insert into pair_tone_sums select * from pair_tone;

delete from bucket_articles as r using touched_buckets as t
where r.bucket = t.bucket and r.bucket_start = t.bucket_start;
insert into bucket_articles select * from group_articles;

delete from entity_count_sums as r using touched_buckets as t
where r.bucket = t.bucket and r.bucket_start = t.bucket_start;
insert into entity_count_sums select * from group_entities;
