-- One row per bucket ($bucket) in which the pair ($a, $b) is named together: articles and
-- sentences naming both, and the chosen measure ($measure) over articles. The $max_buckets
-- latest buckets at most.
select coalesce(d.bucket_start, s.bucket_start) as bucket_start,
       coalesce(d.n, 0) as n_documents,
       coalesce(s.n, 0) as n_sentences,
       d.value
from (select bucket_start, n, columns(lambda c: c = $measure) as value
      from report_cooccurrence
      where bucket = $bucket and context = 'document'
        and entity_a = least($a, $b) and entity_b = greatest($a, $b)) as d
full join (select bucket_start, n
           from report_cooccurrence
           where bucket = $bucket and context = 'sentence'
             and entity_a = least($a, $b) and entity_b = greatest($a, $b)) as s
  on s.bucket_start = d.bucket_start
order by bucket_start desc
limit $max_buckets;
