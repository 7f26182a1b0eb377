-- Writes one ingest batch: new articles (one row per identity and version), GDELT's
-- entities and tone for them, the quarantined records and the inputs read.
-- Inputs (frames registered by cooccur.ingest): batch_articles (text already
-- normalised; content_hash = the first 32 hex digits of the SHA-256 of the text, or of the
-- title when the text is empty), batch_entities, batch_tones, batch_rejected, batch_sources,
-- batch_touched (inputs whose stat changed but not their bytes), batch_restarted (inputs
-- read again: their earlier quarantine rows are replaced).

-- one row per batch record: article_id from the identity + content.
-- The temp tables hold keys only; texts are read from batch_articles where inserted.
create or replace temp table batch_keyed as
select seq, canonical_url, content_hash,
       case when canonical_url is null then content_hash
            else left(sha256('url ' || canonical_url || ' ' || content_hash), 32)
       end as article_id
from batch_articles;

-- one row per article not stored yet; a new text at a known URL is its next version.
-- `not exists` plans as an anti join that hashes the batch and streams `articles` past
-- it (`not in` hashed every stored article_id: memory grew with the table).
create or replace temp table batch_new as
with fresh as (
    select *
    from batch_keyed as k
    where not exists (select 1 from articles as a where a.article_id = k.article_id)
    qualify row_number() over (partition by article_id order by seq) = 1
),
prior as (
    select canonical_url, max(version) as version
    from articles
    where canonical_url in (select canonical_url from fresh)
    group by canonical_url
)
select fresh.*,
       case when fresh.canonical_url is null then 1
            else coalesce(prior.version, 0)
                 + row_number() over (partition by fresh.canonical_url order by fresh.seq)
       end as version
from fresh
left join prior using (canonical_url);

insert into articles (article_id, source, source_path, external_id, url, canonical_url,
                      content_hash, version, title, text, published_at, date_inferred,
                      ingested_at)
select n.article_id, b.source, b.source_path, b.external_id, b.url, n.canonical_url,
       n.content_hash, n.version, b.title, b.text, b.published_at, b.date_inferred,
       now()::timestamp
from batch_new as n
join batch_articles as b using (seq)
order by seq;

insert into gkg_entities (article_id, kind, name, iso3, char_offset)
select n.article_id, e.kind, e.name, e.iso3, e.char_offset
from batch_entities as e
join batch_new as n using (seq);

insert into gkg_tone (article_id, tone)
select n.article_id, t.tone
from batch_tones as t
join batch_new as n using (seq);

delete from quarantine
where exists (
    select 1 from batch_restarted as r
    where quarantine.source_path = r.path or starts_with(quarantine.source_path, r.path || '!')
);

insert into quarantine (source_path, line, byte_offset, reason_code, reason, raw, raw_bytes,
                        quarantined_at)
select source_path, line, byte_offset, reason_code, reason, raw, raw_bytes, now()::timestamp
from batch_rejected;

update sources
set size = t.size, mtime = t.mtime
from batch_touched as t
where sources.path = t.path;

insert or replace into sources (path, size, mtime, sha256, format, n_records, n_articles,
                                n_quarantined, ingested_at)
select path, size, mtime, sha256, format, n_records, n_records - n_quarantined,
       n_quarantined, now()::timestamp
from batch_sources;
