-- One row per run: a run still 'running' when a new one starts (under the writer lock)
-- was killed or crashed without recording its end.
update runs
set status = 'crashed', finished_at = $now,
    message = 'the process ended without recording a result (killed or crashed)'
where status = 'running';
