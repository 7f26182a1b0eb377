-- One row per bucket × context × entity pair of `cooccurrence_counts`, brought up to date
-- in place after add_sums.sql has added the new articles to the stored sums: the count in
-- progress adds to n (or inserts the pairs new to their bucket), and only the columns the
-- new articles changed are rewritten: N of every touched bucket × context, n_a and n_b of
-- the pairs of an entity the new articles name, the tone of the pairs they name in one
-- sentence. Updating those columns in place costs a fraction of deleting and inserting
-- every row of the touched buckets (the all-time bucket holds millions).
-- Inputs: pair_counts and scope_groups of the count, delta_bucket_totals,
-- delta_entity_marginals, pair_tone (count_deltas.sql, pair_tone.sql), $k (window_k).

create or replace temp table delta_pair_counts as
select g.bucket, g.bucket_start, g.context, p.entity_a, p.entity_b, p.n::bigint as n
from pair_counts as p
join scope_groups as g using (grp);

-- the stored sums, restricted to the keys the new articles changed
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

-- pairs new to their bucket get every column (tone from the stored sums: the pair may
-- have shared a sentence before); pairs already stored add the new articles' n
merge into cooccurrence_counts as c
using (
    select d.bucket, d.bucket_start, d.context, d.entity_a, d.entity_b, d.n,
           ma.n as n_a, mb.n as n_b, t.n_contexts,
           tone.tone_sum, tone.tone_n,
           case when d.context like 'window%' then $k::integer end as window_k
    from delta_pair_counts as d
    join new_marginals as ma
      on ma.bucket = d.bucket and ma.bucket_start = d.bucket_start
     and ma.context = d.context and ma.entity_id = d.entity_a
    join new_marginals as mb
      on mb.bucket = d.bucket and mb.bucket_start = d.bucket_start
     and mb.context = d.context and mb.entity_id = d.entity_b
    join new_totals as t
      on t.bucket = d.bucket and t.bucket_start = d.bucket_start and t.context = d.context
    left join pair_tone_sums as tone
      on tone.bucket = d.bucket and tone.bucket_start = d.bucket_start
     and tone.entity_a = least(d.entity_a, d.entity_b)
     and tone.entity_b = greatest(d.entity_a, d.entity_b)
) as d
on c.bucket = d.bucket and c.bucket_start = d.bucket_start and c.context = d.context
   and c.entity_a = d.entity_a and c.entity_b = d.entity_b
when matched then update set n = c.n + d.n
when not matched then insert by name;

update cooccurrence_counts as c
set n_contexts = t.n_contexts
from new_totals as t
where c.bucket = t.bucket and c.bucket_start = t.bucket_start and c.context = t.context;

update cooccurrence_counts as c
set n_a = m.n
from new_marginals as m
where c.bucket = m.bucket and c.bucket_start = m.bucket_start and c.context = m.context
  and c.entity_a = m.entity_id;

update cooccurrence_counts as c
set n_b = m.n
from new_marginals as m
where c.bucket = m.bucket and c.bucket_start = m.bucket_start and c.context = m.context
  and c.entity_b = m.entity_id;

update cooccurrence_counts as c
set tone_sum = s.tone_sum, tone_n = s.tone_n
from new_tone as s
where c.bucket = s.bucket and c.bucket_start = s.bucket_start
  and least(c.entity_a, c.entity_b) = s.entity_a
  and greatest(c.entity_a, c.entity_b) = s.entity_b;
