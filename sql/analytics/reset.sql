-- Forgets every analytics result so the next count is a full recompute. `counted_articles`
-- stays: a full count touches the buckets of every tagged article (touched_buckets.sql with
-- $full), and deleting and re-inserting a million keys of its index cost ≈ 20 s at 1M.
delete from cooccurrence_counts;
delete from bucket_totals;
delete from entity_marginals;
delete from bucket_updates;
delete from pair_tone_sums;
delete from bucket_articles;
delete from entity_count_sums;
