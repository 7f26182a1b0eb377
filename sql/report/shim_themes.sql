-- One row per sentence × theme it is tagged with, from the `themes` table.
create or replace temp view report_themes as
select distinct article_id, sentence_id, theme from themes;
