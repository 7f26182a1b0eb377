-- Operations tables: run history and applied migrations. Idempotent; an older database
-- gets them through sql/migrations/002_runs.sql.

-- one row per pipeline run (its Prefect flow-run id), written at start and at finish
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

-- one row per migration applied to this file (a new file starts at the current version)
create table if not exists schema_migrations (
    version integer primary key,
    name varchar not null,
    applied_at timestamp not null
);
