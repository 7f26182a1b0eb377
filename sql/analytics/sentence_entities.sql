-- One row per sentence of an article in scope × entity it names (mentions made distinct
-- once for the sentence contexts and the pair tone, which both read it).
create or replace temp table scope_sentence_entities as
select distinct article_no, sentence_id, entity_id
from scope_mentions;
