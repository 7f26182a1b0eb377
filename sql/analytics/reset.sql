-- Forgets every analytics result so the next count is a full recompute.
delete from cooccurrence_counts;
delete from entity_frequency;
delete from bucket_totals;
delete from entity_marginals;
delete from counted_articles;
delete from bucket_updates;
delete from pair_tone_sums;
delete from bucket_articles;
delete from entity_count_sums;
