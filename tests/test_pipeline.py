"""End to end: the real Prefect flow of flows, and the real `cooccur` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cooccur.store import Store


@pytest.mark.slow
def test_pipeline_flow_runs_every_stage_and_is_idempotent(
    prefect_harness: None, tmp_path: Path, seed_dir: Path
) -> None:
    from flows.pipeline import pipeline

    db, reports = tmp_path / "db.duckdb", tmp_path / "reports"
    first = pipeline([str(seed_dir)], str(db), str(reports), ("Italy", "Turkey"))
    with Store(db, read_only=True) as store:
        snapshot = {
            t: store.query(f"select * from {t} order by all") for t in ("mentions", "cooccurrence")
        }
    second = pipeline([str(seed_dir)], str(db), str(reports), ("Italy", "Turkey"))

    assert first["ingest"]["articles_new"] == 1
    assert first["tag"]["mentions"] > 10
    assert first["cooccur"]["cooccurrence_rows"] > 0
    assert (reports / "index.html").exists()
    assert second["ingest"]["articles_new"] == 0 and second["tag"]["articles_tagged"] == 0
    with Store(db, read_only=True) as store:
        for table, before in snapshot.items():
            assert store.query(f"select * from {table} order by all").equals(before)


@pytest.mark.slow
def test_cooccur_command_runs_on_the_bundled_examples(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    db = tmp_path / "new" / "db.duckdb"  # its folder does not exist yet
    cooccur = Path(sys.executable).parent / "cooccur"
    result = subprocess.run(
        [
            str(cooccur),
            "run",
            "--db",
            str(db),
            "--reports",
            str(tmp_path / "r"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "articles new" in result.stdout
    assert (tmp_path / "r" / "index.html").exists()
    assert (db.parent / ".prefect").is_dir()  # Prefect's state beside the database
    query = subprocess.run(
        [
            str(cooccur),
            "sql",
            "select count(*) as n from articles",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert "│ 20 │" in query.stdout  # the 20 example articles
