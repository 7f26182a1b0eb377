-- One row per article × entity the tagging stage marked as a focus of the article.
create or replace temp table focus_entities as
select distinct article_id, entity_id
from article_entities
where focus;
