-- Writes one tagged batch. Inputs: batch_articles(article_id), batch_sentences,
-- batch_mentions(article_id, entity_key, sentence_id, start_char, end_char, surface),
-- batch_entities(key, name, kind, iso3): people and organisations found in the text,
-- batch_article_entities(article_id, entity_key, n_mentions, salience, focus),
-- batch_themes, batch_datelines(article_id, place, entity_key, country_key),
-- batch_tone(article_id, sentence_id, start_char, end_char, compound): sentence tone scored
-- while tagging (empty when tagging leaves tone to the count stage).

insert into entities (key, name, kind, iso3)
select key, any_value(name), any_value(kind), any_value(iso3)
from batch_entities
where key not in (select key from entities)
  and key in (select entity_key from batch_mentions)
group by key
order by key;

insert into aliases
select distinct lower(b.name), e.entity_id
from batch_entities as b
join entities as e using (key)
where e.entity_id not in (select entity_id from aliases);

insert into sentences
select article_id, sentence_id, start_char, end_char from batch_sentences;

insert into mentions
select m.article_id, e.entity_id, m.sentence_id, m.start_char, m.end_char, m.surface
from batch_mentions as m
join entities as e on e.key = m.entity_key;

insert into article_entities
select a.article_id, e.entity_id, a.n_mentions, a.salience, a.focus
from batch_article_entities as a
join entities as e on e.key = a.entity_key;

insert into themes
select article_id, sentence_id, theme, n_hits, keywords from batch_themes;

insert into datelines
select d.article_id, d.place, e.entity_id, c.entity_id
from batch_datelines as d
left join entities as e on e.key = d.entity_key
left join entities as c on c.key = d.country_key;

-- an article tagged again replaces its scores (the count stage drops stale ones otherwise)
delete from sentence_tone where article_id in (select article_id from batch_tone);

insert into sentence_tone
select article_id, sentence_id, start_char, end_char, round(compound, 4)::decimal(5, 4)
from batch_tone;

insert into tagged_articles
select article_id from batch_articles;
