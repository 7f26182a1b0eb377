-- Schema 2 → 3: the pair and frequency tables gain a `bucket` column and many measures.
-- They are derived from mentions, so the old ones are dropped; the schema files create the
-- new ones empty and the next `cooccur run` recomputes every bucket.
drop table if exists cooccurrence;
drop table if exists entity_frequency;
drop table if exists bucket_totals;
drop table if exists entity_marginals;
drop table if exists counted_articles;
drop table if exists bucket_updates;
drop table if exists analytics_settings;
