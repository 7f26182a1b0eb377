-- No rows: this database has no `themes` table yet, so no sentence carries a theme.
create or replace temp view report_themes as
select null::varchar as article_id, null::integer as sentence_id, null::varchar as theme
where false;
