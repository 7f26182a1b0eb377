-- Schema 3 → 4: `cooccurrence` becomes a view computing the measures from the new table
-- `cooccurrence_counts` (sql/schema/30_analytics.sql). The old table is derived from
-- mentions, so it is dropped, and the settings are forgotten so that the next count
-- recomputes every bucket (the schema files create the view and the settings table again).
drop table if exists cooccurrence;
drop table if exists analytics_settings;
