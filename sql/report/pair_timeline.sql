-- One row per month from the first to the last article: how often the pair ($a, $b)
-- appears together in documents and in sentences, and its document-level NPMI.
with months as (
    select unnest(generate_series(
        date_trunc('month', min(published_at)),
        date_trunc('month', max(published_at)),
        interval 1 month))::date as bucket_start
    from articles
)
select m.bucket_start,
       coalesce(d.n, 0) as n_documents,
       coalesce(s.n, 0) as n_sentences,
       d.npmi
from months as m
left join cooccurrence as d
  on d.bucket_start = m.bucket_start and d.context = 'document'
 and d.entity_a = least($a, $b) and d.entity_b = greatest($a, $b)
left join cooccurrence as s
  on s.bucket_start = m.bucket_start and s.context = 'sentence'
 and s.entity_a = least($a, $b) and s.entity_b = greatest($a, $b)
order by m.bucket_start;
