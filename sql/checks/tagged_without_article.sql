-- Articles marked tagged that are not in `articles` (one row per article id).
-- fix: delete these rows from tagged_articles
select t.article_id
from tagged_articles as t
anti join articles as a using (article_id);
