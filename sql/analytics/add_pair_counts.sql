-- One row per bucket × context × entity pair of `cooccurrence_counts`, brought up to date
-- in place after add_sums.sql has added the new articles to the stored sums: the touched
-- buckets' rows are read once (with their rowid), their new n (plus the count in
-- progress), n_a, n_b, N and tone are computed beside them and written back by one update,
-- and the pairs new to their bucket are inserted. Updating six integer columns in place
-- costs about half of deleting and re-inserting every row of the touched buckets (the
-- all-time bucket holds millions), and far less to commit.
-- Inputs: pair_counts and scope_groups of the count, touched_buckets, delta_bucket_totals,
-- delta_entity_marginals, pair_tone (count_deltas.sql, pair_tone.sql), $k (window_k).

create or replace temp table delta_pair_counts as
select g.bucket, g.bucket_start, g.context, p.entity_a, p.entity_b, p.n::bigint as n
from pair_counts as p
join scope_groups as g using (grp);

-- the stored sums (already added to), restricted to the keys the new articles changed
create or replace temp table new_totals as
select s.bucket, s.bucket_start, s.context, s.n_contexts
from bucket_totals as s
semi join delta_bucket_totals as d using (bucket, bucket_start, context);

create or replace temp table new_marginals as
select s.bucket, s.bucket_start, s.context, s.entity_id, s.n
from entity_marginals as s
semi join delta_entity_marginals as d using (bucket, bucket_start, context, entity_id);

create or replace temp table new_tone as
select s.bucket, s.bucket_start, s.entity_a, s.entity_b, s.tone_sum, s.tone_n
from pair_tone_sums as s
semi join pair_tone as d using (bucket, bucket_start, entity_a, entity_b);

create or replace temp table stored_pairs as
select c.rowid as row_id, c.bucket, c.bucket_start, c.context, c.entity_a, c.entity_b,
       c.n, c.n_a, c.n_b, c.n_contexts, c.tone_sum, c.tone_n
from cooccurrence_counts as c
semi join touched_buckets as t using (bucket, bucket_start);

update cooccurrence_counts as c
set n = u.n, n_a = u.n_a, n_b = u.n_b, n_contexts = u.n_contexts,
    tone_sum = u.tone_sum, tone_n = u.tone_n
from (
    select s.row_id,
           s.n + coalesce(d.n, 0) as n,
           coalesce(ma.n, s.n_a) as n_a,
           coalesce(mb.n, s.n_b) as n_b,
           coalesce(t.n_contexts, s.n_contexts) as n_contexts,
           case when tone.bucket is null then s.tone_sum else tone.tone_sum end as tone_sum,
           case when tone.bucket is null then s.tone_n else tone.tone_n end as tone_n
    from stored_pairs as s
    left join delta_pair_counts as d using (bucket, bucket_start, context, entity_a, entity_b)
    left join new_marginals as ma
      on ma.bucket = s.bucket and ma.bucket_start = s.bucket_start
     and ma.context = s.context and ma.entity_id = s.entity_a
    left join new_marginals as mb
      on mb.bucket = s.bucket and mb.bucket_start = s.bucket_start
     and mb.context = s.context and mb.entity_id = s.entity_b
    left join new_totals as t
      on t.bucket = s.bucket and t.bucket_start = s.bucket_start and t.context = s.context
    left join new_tone as tone
      on tone.bucket = s.bucket and tone.bucket_start = s.bucket_start
     and tone.entity_a = least(s.entity_a, s.entity_b)
     and tone.entity_b = greatest(s.entity_a, s.entity_b)
) as u
where c.rowid = u.row_id;

-- pairs new to their bucket: every column (tone from the stored sums, as the pair may
-- have shared a sentence before; its entities are named by the new articles, so their
-- marginals are in new_marginals)
insert into cooccurrence_counts by name
select d.bucket, d.bucket_start, d.context, d.entity_a, d.entity_b, d.n,
       ma.n as n_a, mb.n as n_b, t.n_contexts,
       tone.tone_sum, tone.tone_n,
       case when d.context like 'window%' then $k::integer end as window_k
from delta_pair_counts as d
anti join stored_pairs as s using (bucket, bucket_start, context, entity_a, entity_b)
join new_marginals as ma
  on ma.bucket = d.bucket and ma.bucket_start = d.bucket_start
 and ma.context = d.context and ma.entity_id = d.entity_a
join new_marginals as mb
  on mb.bucket = d.bucket and mb.bucket_start = d.bucket_start
 and mb.context = d.context and mb.entity_id = d.entity_b
join bucket_totals as t
  on t.bucket = d.bucket and t.bucket_start = d.bucket_start and t.context = d.context
left join pair_tone_sums as tone
  on tone.bucket = d.bucket and tone.bucket_start = d.bucket_start
 and tone.entity_a = least(d.entity_a, d.entity_b)
 and tone.entity_b = greatest(d.entity_a, d.entity_b);
