-- Turns GDELT's pre-extracted entities into cooccur's: one `entities` row per new person,
-- organisation or country key, one `mentions` row per GDELT mention (sentence 0, span =
-- GDELT's offset, surface = the name), one `tagged_articles` row per GDELT article —
-- for GDELT articles not tagged yet. GKG themes are not entities: they become `themes` rows.

-- GDELT articles not tagged yet: the one anti join against `tagged_articles`.
create or replace temp table gkg_new as
select article_id
from articles
where source = 'gdelt'
  and article_id not in (select article_id from tagged_articles);

create or replace temp table gkg_pending as
select g.article_id,
       g.kind,
       g.name,
       g.iso3,
       coalesce(g.char_offset, 0) as char_offset,
       case when g.kind = 'country' then 'country:' || g.iso3
            else g.kind || ':' || lower(regexp_replace(trim(g.name), '\s+', ' ', 'g'))
       end as key
from gkg_entities as g
semi join gkg_new using (article_id)
where g.kind in ('person', 'org', 'country')
  and (g.kind <> 'country' or g.iso3 is not null)
  and trim(g.name) <> '';

insert into entities (key, name, kind, iso3)
select key, min(name), min(kind), min(iso3)
from gkg_pending
where key not in (select key from entities)
group by key
order by key;

insert into mentions (article_id, entity_id, sentence_id, start_char, end_char, surface)
select p.article_id, e.entity_id, 0, p.char_offset, p.char_offset, p.name
from gkg_pending as p
join entities as e using (key);

-- GKG themes become cooccur themes for the whole article (sentence_id null): a GKG theme
-- maps when a token sequence of the map is one of its parts (`MILITARY` in
-- `TAX_MILITARY_TITLE`). Input: gkg_theme_map(gkg_token, theme) from data/gkg_themes.csv.
insert into themes (article_id, sentence_id, theme, n_hits, keywords)
select g.article_id, null, m.theme, count(*), string_agg(distinct g.name, ', ' order by g.name)
from gkg_entities as g
semi join gkg_new using (article_id)
join gkg_theme_map as m on position('_' || m.gkg_token || '_' in '_' || g.name || '_') > 0
where g.kind = 'theme'
group by g.article_id, m.theme;

insert into tagged_articles (article_id)
select article_id
from gkg_new;

drop table gkg_pending;
drop table gkg_new;
