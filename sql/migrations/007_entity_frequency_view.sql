-- Schema 6 → 7: `entity_frequency` becomes a view over the sums it was rewritten from
-- (`entity_count_sums`, `bucket_articles`, `entities`; sql/schema/30_analytics.sql), so a
-- count no longer rewrites the touched buckets' rows. The sums stay valid: no recount.
drop table if exists entity_frequency;
