-- cooccur's tables. Created if missing; every statement is idempotent.

-- one row per setting of the database (schema_version, tagger_version)
create table if not exists meta (
    key varchar primary key,
    value varchar not null
);

-- one row per input file ingested: lets a re-run skip files that did not change
create table if not exists sources (
    path varchar primary key,
    size bigint not null,
    mtime double not null,
    sha256 varchar not null,
    format varchar not null,
    n_records integer not null,
    n_articles integer not null,
    n_quarantined integer not null,
    ingested_at timestamp not null
);

-- one row per article version: article_id hashes the identity (canonical URL, else the
-- normalised text) with the content, so the same text at the same URL is stored once
create table if not exists articles (
    article_id varchar primary key,
    source varchar not null,
    source_path varchar not null,
    external_id varchar,
    url varchar,
    title varchar,
    text varchar not null,
    published_at timestamp not null,
    date_inferred boolean not null,
    ingested_at timestamp not null,
    canonical_url varchar,
    content_hash varchar,
    version integer not null default 1
);
-- databases made before these columns existed get them (idempotent)
alter table articles add column if not exists canonical_url varchar;
alter table articles add column if not exists content_hash varchar;
alter table articles add column if not exists version integer default 1;

-- one row per input record (or whole input) that could not be ingested, with the reason
create table if not exists quarantine (
    source_path varchar not null,
    line integer,
    reason varchar not null,
    raw varchar,
    quarantined_at timestamp not null,
    byte_offset bigint,
    reason_code varchar,
    raw_bytes blob
);
alter table quarantine add column if not exists byte_offset bigint;
alter table quarantine add column if not exists reason_code varchar;
alter table quarantine add column if not exists raw_bytes blob;

-- one row per canonical entity; key is the stable identity ('country:ITA')
create sequence if not exists entity_ids start 1;
create table if not exists entities (
    entity_id integer primary key default nextval('entity_ids'),
    key varchar not null unique,
    name varchar not null,
    kind varchar not null,
    iso3 varchar
);

-- one row per surface form that resolves to an entity (lower-cased)
create table if not exists aliases (
    alias varchar not null,
    entity_id integer not null
);

-- one row per sentence; sentence 0 is the title, its span counts within the title
create table if not exists sentences (
    article_id varchar not null,
    sentence_id integer not null,
    start_char integer not null,
    end_char integer not null
);

-- one row per entity mention; spans count within the title (sentence 0) or the text
create table if not exists mentions (
    article_id varchar not null,
    entity_id integer not null,
    sentence_id integer not null,
    start_char integer not null,
    end_char integer not null,
    surface varchar not null
);

-- one row per article the current tagger has processed (zero mentions included)
create table if not exists tagged_articles (
    article_id varchar primary key
);
