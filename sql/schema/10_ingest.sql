-- GDELT GKG records' own annotations, kept beside their articles (source = 'gdelt').

-- one row per entity mention GDELT extracted: kind person | org | country | theme;
-- iso3 for countries (FIPS 10-4 mapped), char_offset as GDELT gives it (approximate)
create table if not exists gkg_entities (
    article_id varchar not null,
    kind varchar not null,
    name varchar not null,
    iso3 varchar,
    char_offset integer
);

-- one row per GDELT article: the document tone (V1.5TONE's first field, -100..100)
create table if not exists gkg_tone (
    article_id varchar not null,
    tone double not null
);
