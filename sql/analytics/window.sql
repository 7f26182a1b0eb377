-- Sliding-window contexts of $k tokens (tokens: runs of non-space characters). The title
-- (segment 0) and the text (segment 1) are windowed apart; a segment of L tokens has
-- max(L - k + 1, 1) windows, window s covering tokens s … s + k - 1. A mention sits at the
-- token where it starts, so it lies in the windows starting in [lo, hi] below. Counts are
-- windows: n_a the windows holding A, n the windows holding A and B (contexts 'window'),
-- or an A mention before a B mention (context 'window_ordered', A = entity_a). Unions of
-- window ranges are sized with a running maximum (ranges sorted by their start).

create or replace temp table window_segments as
select article_no, 0 as segment, len(regexp_extract_all(title, '\S+')) as n_tokens
from scope_texts
where coalesce(title, '') <> ''
union all
select article_no, 1, len(regexp_extract_all(text, '\S+'))
from scope_texts
where text <> '';

create or replace temp table window_mentions as
with positioned as (
    select m.article_no, m.entity_id, m.start_char,
           case when m.sentence_id = 0 then 0 else 1 end as segment,
           len(regexp_extract_all(
               substr(case when m.sentence_id = 0 then a.title else a.text end, 1, m.start_char),
               '\s+')) as pos
    from scope_mentions as m
    join scope_texts as a using (article_no)
)
select p.*,
       greatest(0, p.pos - $k + 1) as lo,
       least(p.pos, greatest(s.n_tokens - $k, 0)) as hi
from positioned as p
join window_segments as s using (article_no, segment);

-- windows holding each entity, per article and segment
create or replace temp table window_entity_windows as
select article_no, entity_id, sum(greatest(0, hi - greatest(lo - 1, coalesce(prev_hi, -1)))) as n
from (
    select *, max(hi) over (partition by article_no, segment, entity_id order by lo, hi
                            rows between unbounded preceding and 1 preceding) as prev_hi
    from window_mentions
)
group by all;

-- windows holding both mentions of each pair of mentions near enough to share one
create or replace temp table window_pair_ranges as
select x.article_no, x.segment, x.entity_id as first_entity, y.entity_id as second_entity,
       greatest(x.lo, y.lo) as lo, least(x.hi, y.hi) as hi
from window_mentions as x
join window_mentions as y
  on x.article_no = y.article_no and x.segment = y.segment
 and x.start_char < y.start_char and x.entity_id <> y.entity_id
where greatest(x.lo, y.lo) <= least(x.hi, y.hi);

create or replace temp table window_pair_windows as
with oriented as (
    select 'window' as context, article_no, segment,
           least(first_entity, second_entity) as entity_a,
           greatest(first_entity, second_entity) as entity_b, lo, hi
    from window_pair_ranges
    union all
    select 'window_ordered', article_no, segment, first_entity, second_entity, lo, hi
    from window_pair_ranges
)
select context, article_no, entity_a, entity_b,
       sum(greatest(0, hi - greatest(lo - 1, coalesce(prev_hi, -1)))) as n
from (
    select *, max(hi) over (partition by context, article_no, segment, entity_a, entity_b
                            order by lo, hi
                            rows between unbounded preceding and 1 preceding) as prev_hi
    from oriented
)
group by all;

insert into group_marginals
select g.grp, w.entity_id, sum(w.n) as n
from window_entity_windows as w
join scope_buckets as b using (article_no)
join scope_groups as g
  on g.bucket = b.bucket and g.bucket_start = b.bucket_start
 and g.context in ('window', 'window_ordered')
group by all;

insert into pair_counts
select g.grp, w.entity_a, w.entity_b, sum(w.n) as n
from window_pair_windows as w
join scope_buckets as b using (article_no)
join scope_groups as g
  on g.bucket = b.bucket and g.bucket_start = b.bucket_start and g.context = w.context
group by all
having sum(w.n) >= $min_support;

insert into group_totals
select g.grp, sum(greatest(s.n_tokens - $k + 1, 1)) as n_contexts
from window_segments as s
join scope_buckets as b using (article_no)
join scope_groups as g
  on g.bucket = b.bucket and g.bucket_start = b.bucket_start
 and g.context in ('window', 'window_ordered')
group by all;
