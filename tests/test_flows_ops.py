"""Each run is recorded in `runs` (failed ones too), publishes Prefect artifacts, and
retries network reads with backoff, but not bad input."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cooccur import runs
from cooccur.cli import app
from cooccur.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def test_a_run_left_running_by_a_killed_process_is_marked_crashed(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    with Store(db) as store:
        runs.record_start(store, "killed-run", {"sources": ["x"]})
        runs.record_start(store, "next-run", {"sources": ["x"]})
        runs.record_finish(store, "next-run", "completed", {"articles_new": 3, "duplicates": 1})
        rows = store.query("select run_id, status, articles_new from runs order by run_id").rows()
    assert rows == [("killed-run", "crashed", None), ("next-run", "completed", 3)]
    listed = CliRunner().invoke(app, ["runs", "--db", str(db)])
    assert listed.exit_code == 0, listed.output
    assert "crashed" in listed.output and "lled-run: the process ended" in listed.output


@pytest.mark.slow
def test_a_run_is_recorded_and_publishes_its_summary(
    prefect_harness: None, tmp_path: Path, seed_dir: Path
) -> None:
    from prefect.artifacts import Artifact

    from flows.pipeline import pipeline

    db, reports = tmp_path / "db.duckdb", tmp_path / "reports"
    state = pipeline([str(seed_dir)], str(db), str(reports), return_state=True)
    assert state.is_completed()
    run_id = str(state.state_details.flow_run_id)
    with Store(db, read_only=True) as store:
        row = store.query("select * from runs").row(0, named=True)
    assert row["run_id"] == run_id and row["status"] == "completed"
    assert (row["articles_new"], row["articles_skipped"], row["articles_quarantined"]) == (1, 0, 0)
    assert row["started_at"] <= row["finished_at"]
    assert json.loads(row["parameters"])["sources"] == [str(seed_dir)]

    summary = Artifact.get("cooccur-run-summary")
    assert summary is not None and run_id in summary.data
    assert "| articles new | 1 |" in summary.data
    # one article: every pair it names ties at 1 (the seed names people and places too)
    assert (reports / "index.html").resolve().as_uri() in summary.data
    table = Artifact.get("cooccur-top-pairs")
    rows = json.loads(table.data)
    assert rows and {r["articles"] for r in rows} == {1}
    assert f"| {rows[0]['name_a']} | {rows[0]['name_b']} | 1 |" in summary.data


@pytest.mark.slow
def test_a_failed_run_is_recorded_as_failed_and_the_next_one_completes(
    prefect_harness: None, tmp_path: Path, seed_dir: Path
) -> None:
    from flows.pipeline import pipeline

    db, reports = tmp_path / "db.duckdb", str(tmp_path / "reports")
    with pytest.raises(Exception, match="no entity named 'Atlantis'"):
        pipeline([str(seed_dir)], str(db), reports, ("Atlantis", "Italy"))
    with Store(db, read_only=True) as store:
        status, message, new = store.query("select status, message, articles_new from runs").row(0)
        assert store.scalar("select count(*) from articles") == 1  # ingest had committed
    assert status == "failed" and "Atlantis" in message and new == 1
    pipeline([str(seed_dir)], str(db), reports, ("Turkey", "Italy"))
    with Store(db, read_only=True) as store:
        statuses = store.query("select status from runs order by started_at")["status"]
    assert statuses.to_list() == ["failed", "completed"]


@pytest.fixture
def flaky_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server: /flaky.jsonl fails twice with 503, /missing.jsonl is 404."""
    requests: list[str] = []
    body = b'{"id": "1", "date": "2024-05-01", "text": "Italy and Japan signed."}\n'

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            requests.append(self.path)
            if self.path == "/flaky.jsonl" and requests.count(self.path) > 2:
                self.send_response(200)
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(503 if self.path == "/flaky.jsonl" else 404)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_network_sources_are_retried_with_backoff_but_bad_urls_are_not(
    prefect_harness: None, tmp_path: Path, flaky_server: tuple[str, list[str]]
) -> None:
    from flows.pipeline import ingest_flow

    base, requests = flaky_server
    db = tmp_path / "db.duckdb"
    result = ingest_flow([f"{base}/flaky.jsonl"], str(db))
    assert requests == ["/flaky.jsonl"] * 3  # two 503s, then the file
    assert result["articles_new"] == 1
    with pytest.raises(Exception, match="404"):
        ingest_flow([f"{base}/missing.jsonl"], str(db))
    assert requests.count("/missing.jsonl") == 1  # a 404 is not retried
