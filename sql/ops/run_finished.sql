-- One row per run: records how a run ended, with its article counts.
update runs
set finished_at = $finished_at,
    status = $status,
    articles_new = $articles_new,
    articles_skipped = $articles_skipped,
    articles_quarantined = $articles_quarantined,
    message = $message
where run_id = $run_id;
