-- Forgets every tag so that all articles are tagged again by a new gazetteer or tagger.
delete from mentions;
delete from sentences;
delete from tagged_articles;
delete from article_entities;
delete from themes;
delete from datelines;
