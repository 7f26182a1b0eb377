-- One row per sentence naming both $a and $b ($a < $b), newest first, from the view
-- pair_evidence; one bucket of kind $bucket when $bucket_start is given.
select published_at, title, snippet, tone, source, article_id, sentence_id
from pair_evidence
where entity_a = $a and entity_b = $b
  and ($bucket_start::date is null
       or bucket_start_of($bucket, published_at) = $bucket_start::date)
order by published_at desc, article_id, sentence_id;
