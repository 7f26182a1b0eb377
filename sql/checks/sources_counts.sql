-- Input files whose article and quarantine counts do not add up to their records (one row per file).
-- fix: re-read the file: touch it and `cooccur run` again
select *
from sources
where n_articles + n_quarantined <> n_records
   or least(n_articles, n_quarantined, n_records) < 0;
