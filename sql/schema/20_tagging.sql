-- Tagging's tables beyond the core ones. Created if missing; every statement is idempotent.

-- entities: the country a place, person or organisation belongs to, and a Wikidata id
alter table entities add column if not exists country_iso3 varchar;
alter table entities add column if not exists wikidata varchar;

-- one row per (article, entity): mentions, salience in [0, 1] and whether the entity is
-- the story's focus; the dateline's country has a row even if the text never names it
create table if not exists article_entities (
    article_id varchar not null,
    entity_id integer not null,
    n_mentions integer not null,
    salience double not null,
    focus boolean not null
);

-- one row per (article, sentence, theme) with keyword hits; sentence 0 is the title, a
-- null sentence means the whole article (GDELT records carry article-level themes)
create table if not exists themes (
    article_id varchar not null,
    sentence_id integer,
    theme varchar not null,
    n_hits integer not null,
    keywords varchar not null
);
alter table themes alter column sentence_id drop not null;

-- one row per article with a wire dateline (`PASADENA, Calif., March 3 -`)
create table if not exists datelines (
    article_id varchar primary key,
    place varchar not null,
    entity_id integer,
    country_entity_id integer
);

-- one row per article × focus country: what `cooccur eval` scores, and what a
-- focus-only co-occurrence counts
create or replace view focus_countries as
select ae.article_id, e.entity_id, e.name, e.iso3, ae.salience
from article_entities as ae
join entities as e using (entity_id)
where ae.focus and e.kind = 'country';
