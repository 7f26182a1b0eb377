"""Two `cooccur run` processes on one database: one waits or exits 3; nothing is doubled."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ops_helpers import REPO, assert_same_tables, run_stages, snapshot, split_jsonl

from cooccur.store import Store, is_locked, writer_lock


@pytest.fixture(scope="module")
def api_url(prefect_harness: None) -> str:
    """The session's test Prefect server, so each `cooccur run` starts in ~2 s, not ~10."""
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())


def start_run(db: Path, sources: list[Path], api: str, *extra: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
        "PREFECT_API_URL": api,
    }
    command = [sys.executable, "-c", "from cooccur.cli import main; main()", "run"]
    command += [*map(str, sources), "--db", str(db), "--reports", str(db.parent / "r"), *extra]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory, reuters_file: Path) -> list[Path]:
    return split_jsonl(reuters_file, tmp_path_factory.mktemp("parts"), files=2, per_file=150)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory, inputs: list[Path]) -> dict:
    db = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    assert run_stages(db, inputs).returncode == 0
    return snapshot(db)


@pytest.mark.slow
def test_two_runs_started_together_one_waits_for_the_other(
    tmp_path: Path, inputs: list[Path], clean: dict, api_url: str
) -> None:
    db = tmp_path / "db.duckdb"
    runs = [start_run(db, inputs, api_url, "--wait", "600") for _ in range(2)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert_same_tables(snapshot(db), clean)
    with Store(db, read_only=True) as store:
        recorded = store.query("select status, articles_new from runs order by started_at").rows()
    assert recorded == [("completed", clean["articles"].height), ("completed", 0)]


@pytest.mark.slow
def test_a_run_meeting_a_busy_database_exits_3_and_writes_nothing(
    tmp_path: Path, inputs: list[Path], clean: dict, api_url: str
) -> None:
    db = tmp_path / "db.duckdb"
    first = start_run(db, inputs, api_url)
    deadline = time.monotonic() + 300
    while not is_locked(db):  # the first run is writing
        assert first.poll() is None and time.monotonic() < deadline, first.stdout
        time.sleep(0.05)
    second = start_run(db, inputs, api_url)
    output = second.communicate(timeout=120)[0]
    assert second.returncode == 3, output
    assert "being written by another cooccur run" in output and "--wait" in output
    assert first.wait(timeout=600) == 0, first.stdout
    assert_same_tables(snapshot(db), clean)

    # while a lock is held, a run stops before starting Prefect or opening the database
    other = tmp_path / "other.duckdb"
    with writer_lock(other):
        started = time.monotonic()
        busy = start_run(other, inputs, api_url)
        assert busy.wait(timeout=120) == 3
        assert time.monotonic() - started < 30
    assert not other.exists()
