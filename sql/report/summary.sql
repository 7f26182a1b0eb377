-- One row: the size and time span of the database, for the report header. Pairs: the
-- all-time rows, one per pair named together in any bucket (its count is the sum of theirs,
-- so no pruning drops it there); with no all-time bucket stored, sql/report/pairs.sql counts
-- them (a distinct over every bucket cost most of this query at 1M articles). The stored
-- counts, not the `cooccurrence` view: counting rows needs none of its joins.
select (select count(*) from articles) as articles,
       (select min(published_at)::date from articles) as first_date,
       (select max(published_at)::date from articles) as last_date,
       (select count(distinct entity_id) from mentions) as entities_found,
       (select count(*) from mentions) as mentions,
       (select count(*) from cooccurrence_counts
        where context = 'document' and bucket = 'all') as pairs,
       (select count(*) from quarantine) as quarantined,
       (select max(ingested_at) from articles) as last_ingest;
