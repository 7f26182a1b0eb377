"""End to end: the real Prefect flow of flows, and the real `cooccur` command."""

from __future__ import annotations

import gc
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
    assert gc.get_freeze_count() == 0  # the run froze its start-up heap, and gave it back
    with Store(db, read_only=True) as store:
        for table, before in snapshot.items():
            assert store.query(f"select * from {table} order by all").equals(before)


def test_the_cooccur_script_keeps_exit_codes_and_output(tmp_path: Path) -> None:
    # the script leaves with os._exit (cooccur.cli.main): codes and piped output must survive
    cooccur = str(Path(sys.executable).parent / "cooccur")
    missing = subprocess.run(
        [cooccur, "run", str(tmp_path / "none.jsonl")], capture_output=True, text=True, timeout=60
    )
    assert missing.returncode == 2
    assert "input not found" in missing.stderr
    helped = subprocess.run([cooccur, "sql", "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0
    assert "Example: cooccur sql" in " ".join(helped.stdout.split())


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


@pytest.mark.slow
def test_cooccur_run_takes_urls_and_can_skip_tone(prefect_harness: None, tmp_path: Path) -> None:
    import http.server
    import threading
    from functools import partial

    from typer.testing import CliRunner

    from cooccur.cli import app

    www = tmp_path / "www"
    www.mkdir()
    (www / "news.jsonl").write_text(
        '{"id": "u1", "date": "2025-04-08", "title": "Italy and Turkey", '
        '"text": "Italy and Turkey signed a defence deal in Ankara."}\n',
        encoding="utf-8",
    )
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    db = tmp_path / "db.duckdb"
    try:
        result = CliRunner().invoke(
            app,
            [
                "run",
                f"{base}/news.jsonl",
                "--db",
                str(db),
                "--reports",
                str(tmp_path / "r"),
                "--no-tone",
            ],
        )
        missing = CliRunner().invoke(app, ["run", str(tmp_path / "nothing.jsonl"), "--db", str(db)])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    with Store(db, read_only=True) as store:
        assert store.scalar("select count(*) from articles") == 1
        assert store.scalar("select count(*) from mentions") >= 2
        assert store.scalar("select count(*) from sentence_tone") == 0  # --no-tone
        assert store.scalar("select count(*) from cooccurrence") > 0
    assert missing.exit_code == 2 and "input not found" in missing.output
