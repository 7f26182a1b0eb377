-- One row: the size and time span of the database, for the report header.
select (select count(*) from articles) as articles,
       (select min(published_at)::date from articles) as first_date,
       (select max(published_at)::date from articles) as last_date,
       (select count(distinct entity_id) from mentions) as entities_found,
       (select count(*) from mentions) as mentions,
       (select count(*) from (select distinct entity_a, entity_b from cooccurrence
                              where context = 'document')) as pairs,
       (select count(*) from quarantine) as quarantined,
       (select max(ingested_at) from articles) as last_ingest;
