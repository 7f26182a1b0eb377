-- Schema 1 → 2: run history (`runs`) and the record of applied migrations. Runs inside
-- one transaction with its version stamp (see cooccur.store.apply_migrations).

create table if not exists runs (
    run_id varchar primary key,
    flow_name varchar not null,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,
    articles_new bigint,
    articles_skipped bigint,
    articles_quarantined bigint,
    parameters json,
    message varchar
);

create table if not exists schema_migrations (
    version integer primary key,
    name varchar not null,
    applied_at timestamp not null
);
