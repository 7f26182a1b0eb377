"""`cooccur serve` schedules real runs through its own local Prefect server, then stops
every process it started."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

import duckdb
import pytest
from ops_helpers import REPO

from cooccur.store import CooccurError, Store
from flows.server import healthy


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def completed_runs(db: Path) -> list[tuple]:
    try:
        with Store(db, read_only=True) as store:
            return store.query(
                "select run_id, articles_new from runs where status = 'completed' "
                "order by started_at"
            ).rows()
    except (FileNotFoundError, CooccurError, duckdb.Error):  # not there yet, or being written
        return []


@pytest.mark.slow
def test_serve_runs_on_an_interval_and_stops_its_server(tmp_path: Path, seed_dir: Path) -> None:
    db, log = tmp_path / "db.duckdb", tmp_path / "serve.log"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
        "PREFECT_HOME": str(tmp_path / "prefect"),
    }
    env.pop("PREFECT_API_URL", None)  # serve must start its own server
    command = [sys.executable, "-c", "from cooccur.cli import main; main()", "serve"]
    command += [str(seed_dir), "--db", str(db), "--reports", str(tmp_path / "r")]
    command += ["--interval", "5"]
    with log.open("w") as out:
        serve = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server_pid = None
    try:
        deadline = time.monotonic() + 400
        while len(done := completed_runs(db)) < 2:
            assert serve.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(1)
        text = log.read_text()
        server_pid = int(re.search(r"local Prefect server \(pid (\d+)", text).group(1))
        url = re.search(r"Prefect UI: (http://127\.0\.0\.1:\d+)", text).group(1)
        assert healthy(url)
        with urllib.request.urlopen(
            f"{url}/api/deployments/name/cooccur-pipeline/cooccur", timeout=30
        ) as response:
            deployment = json.load(response)
        # one run at a time: Prefect cancels a run due while another is going
        assert deployment["global_concurrency_limit"]["limit"] == 1
        assert deployment["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
        assert deployment["schedules"][0]["schedule"]["interval"] == 5
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=120) is not None
        assert not healthy(url)
        deadline = time.monotonic() + 30
        while group_alive(serve.pid) or group_alive(server_pid):
            assert time.monotonic() < deadline, "processes left running after serve stopped"
            time.sleep(0.5)
    finally:
        for pgid in (serve.pid, server_pid):
            if pgid:
                with suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
    assert len({run_id for run_id, _new in done}) == len(done) >= 2
    assert [new for _run, new in done][:2] == [1, 0]  # the next run adds nothing twice
