-- One row per pair page of the report ($pair_a[i], $pair_b[i]): the pairs the pair queries
-- (pair_timeline, pair_themes, evidence) read, set once before them.
create or replace temp table report_pairs as
select unnest($pair_a::integer[]) as a, unnest($pair_b::integer[]) as b;
