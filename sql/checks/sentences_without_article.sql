-- Sentences whose article is not in `articles` (one row per orphan sentence).
-- fix: the tables were edited by hand; delete these sentences
select s.*
from sentences as s
anti join articles as a using (article_id);
