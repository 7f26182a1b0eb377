-- Articles with mentions or sentences but not in `tagged_articles`: a tag batch written by halves (one row per article).
-- fix: delete their mentions and sentences, then `cooccur run` tags them again
select article_id from mentions
union
select article_id from sentences
except
select article_id from tagged_articles;
