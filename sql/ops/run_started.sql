-- One row per run: records a run as it starts.
insert or replace into runs (run_id, flow_name, started_at, status, parameters)
values ($run_id, $flow_name, $started_at, 'running', $parameters);
