-- One row per run, newest first: what `cooccur runs` lists.
select run_id, status, started_at, finished_at,
       round(epoch(finished_at - started_at), 1) as seconds,
       articles_new, articles_skipped, articles_quarantined, message
from runs
order by started_at desc, run_id
limit $limit;
