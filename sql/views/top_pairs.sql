-- One row per bucket × context × entity pair, ranked within its bucket and context: by
-- contexts together (rank_n) and, among pairs named together at least 5 times (raw counts
-- of rare pairs give extreme scores), by NPMI (rank_npmi) and log-likelihood (rank_llr).
create or replace view top_pairs as
select c.*,
       rank() over (partition by c.bucket, c.bucket_start, c.context order by c.n desc)
           as rank_n,
       case when c.n >= 5 then rank() over (
           partition by c.bucket, c.bucket_start, c.context, c.n >= 5
           order by c.npmi desc) end as rank_npmi,
       case when c.n >= 5 then rank() over (
           partition by c.bucket, c.bucket_start, c.context, c.n >= 5
           order by c.llr desc) end as rank_llr
from cooccurrence as c;
