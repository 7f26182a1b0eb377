-- One row per sentence tagged with theme $theme (sentence_id null: the whole article), read
-- from the tagging stage's `themes` table.
create or replace temp table theme_sentences as
select distinct article_id, sentence_id
from themes
where theme = $theme;
