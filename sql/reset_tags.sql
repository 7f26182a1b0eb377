-- Forgets every tag so that all articles are tagged again by a new gazetteer.
delete from mentions;
delete from sentences;
delete from tagged_articles;
