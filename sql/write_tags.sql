-- Writes one tagged batch. Inputs: batch_articles(article_id), batch_sentences,
-- batch_mentions(article_id, entity_key, sentence_id, start_char, end_char, surface).

insert into sentences
select article_id, sentence_id, start_char, end_char from batch_sentences;

insert into mentions
select m.article_id, e.entity_id, m.sentence_id, m.start_char, m.end_char, m.surface
from batch_mentions as m
join entities as e on e.key = m.entity_key;

insert into tagged_articles
select article_id from batch_articles;
