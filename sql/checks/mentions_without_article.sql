-- Mentions whose article is not in `articles` (one row per orphan mention).
-- fix: the tables were edited by hand; run `cooccur run` after restoring the articles, or delete these mentions
select m.*
from mentions as m
anti join articles as a using (article_id);
