-- Writes one ingest batch: new articles (one row per distinct normalised text), the
-- quarantined records, and the files read. Inputs: batch_articles, batch_rejected,
-- batch_sources (Polars frames registered by cooccur.ingest).

insert into articles
select article_id, source, source_path, external_id, url, title, text,
       published_at, date_inferred, now()::timestamp as ingested_at
from (
    select left(sha256(case when text <> '' then text else coalesce(title, '') end), 32)
               as article_id,
           *
    from batch_articles
) as batch
where article_id not in (select article_id from articles)
qualify row_number() over (partition by article_id order by source_path, external_id) = 1;

insert into quarantine
select source_path, line, reason, raw, now()::timestamp from batch_rejected;

insert or replace into sources
select path, size, mtime, sha256, format, n_records,
       n_records - n_quarantined as n_articles, n_quarantined, now()::timestamp
from batch_sources;
