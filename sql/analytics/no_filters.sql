-- Empty filter tables: no theme and no focus restriction (scope.sql reads them).
create or replace temp table theme_sentences (article_id varchar, sentence_id integer);
create or replace temp table focus_entities (article_id varchar, entity_id integer);
