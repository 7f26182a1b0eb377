-- One row per GDELT GKG file fetched under one filter: a repeated fetch skips what is
-- 'ingested'; 'failed' files (bad MD5, missing, unreadable) are tried again next time.
create table if not exists gdelt_files (
    url varchar not null,
    filter_key varchar not null,
    name varchar not null,
    stream varchar not null,
    size bigint not null,
    md5 varchar not null,
    status varchar not null,
    reason varchar,
    rows_read integer,
    rows_kept integer,
    fetched_at timestamp not null,
    primary key (url, filter_key)
);
