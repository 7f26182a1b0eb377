-- Pair rows whose counts are impossible: n < 1, n > min(n_a, n_b), or n_a / n_b > n_contexts.
-- fix: recompute the tables with `cooccur run`; if it persists, report a bug with these rows
select *
from cooccurrence
where n < 1
   or n > least(n_a, n_b)
   or greatest(n_a, n_b) > n_contexts;
