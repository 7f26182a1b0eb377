-- One row per pair of `report_pairs` (sql/report/pair_list.sql) × bucket ($bucket) in which
-- the pair is named together: articles and sentences naming both, and the chosen measure
-- ($measure) over articles; the $max_buckets latest buckets of each pair at most. One query
-- for every pair page of the report (a query per page cost more than the pages' charts).
-- The `in` filters reach the table scan under the view's joins; the join with `keyed` alone
-- came after the names and measures of every pair in the bucket (1M articles: 5× the time).
with keyed as (
    select a, b, least(a, b) as lo, greatest(a, b) as hi
    from report_pairs
),
d as (
    select k.a, k.b, c.bucket_start, c.n, columns(lambda col: col = $measure) as value
    from report_cooccurrence as c
    join keyed as k on c.entity_a = k.lo and c.entity_b = k.hi
    where c.bucket = $bucket and c.context = 'document'
      and c.entity_a in (select lo from keyed) and c.entity_b in (select hi from keyed)
),
s as (
    select k.a, k.b, c.bucket_start, c.n
    from report_cooccurrence as c
    join keyed as k on c.entity_a = k.lo and c.entity_b = k.hi
    where c.bucket = $bucket and c.context = 'sentence'
      and c.entity_a in (select lo from keyed) and c.entity_b in (select hi from keyed)
)
select coalesce(d.a, s.a) as a, coalesce(d.b, s.b) as b,
       coalesce(d.bucket_start, s.bucket_start) as bucket_start,
       coalesce(d.n, 0) as n_documents,
       coalesce(s.n, 0) as n_sentences,
       d.value
from d
full join s on s.a = d.a and s.b = d.b and s.bucket_start = d.bucket_start
qualify row_number() over (
    partition by coalesce(d.a, s.a), coalesce(d.b, s.b)
    order by coalesce(d.bucket_start, s.bucket_start) desc) <= $max_buckets
order by a, b, bucket_start desc;
