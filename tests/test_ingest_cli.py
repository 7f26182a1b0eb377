"""`cooccur ingest` options and its summary, through the real Prefect flow."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cooccur.cli import app
from cooccur.ingest import ingest_paths, watching
from cooccur.store import Store


def corpus(root: Path) -> Path:
    (root / "drafts").mkdir(parents=True)
    (root / "a.csv").write_text(
        "headline,body,published_at\nRome talks,Italy met Turkey.,2025-01-02\n"
        "Athens,Greece met.,not a date\n"
    )
    (root / "b.jsonl").write_text('{"body": "Spain met Portugal."}\n{broken\n')
    (root / "drafts" / "c.txt").write_text("Draft: never read.")
    return root


@pytest.mark.slow
def test_ingest_command_options_and_summary(tmp_path: Path, prefect_harness) -> None:
    root = corpus(tmp_path / "in")
    db = tmp_path / "db.duckdb"
    result = CliRunner().invoke(
        app,
        [
            "ingest", str(root), "--db", str(db), "--exclude", "drafts/**",
            "--map", "text=body,title=headline", "--map", "date=published_at",
            "--max-file-mb", "1",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for line in ("articles new", "quarantined: malformed json", "quarantined: unparseable date"):
        assert line in result.output
    with Store(db, read_only=True) as store:
        texts = sorted(store.query("select text from articles").to_series())
    assert texts == ["Italy met Turkey.", "Spain met Portugal."]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing-folder/"], "input not found"),
        (["{root}", "--map", "body"], "expected FIELD=COLUMN"),
        (["{root}", "--map", "summary=body"], "field must be one of"),
    ],
)
def test_bad_arguments_exit_with_code_2(tmp_path: Path, arguments: list[str], message: str):
    root = corpus(tmp_path / "in")
    args = [a.replace("{root}", str(root)) for a in arguments]
    result = CliRunner().invoke(app, ["ingest", *args, "--db", str(tmp_path / "db.duckdb")])
    assert result.exit_code == 2 and message in result.output


def test_progress_listeners_see_every_byte(tmp_path: Path) -> None:
    root = corpus(tmp_path / "in")
    seen: list[tuple[int, int, str]] = []
    with Store(tmp_path / "db.duckdb") as store, watching(lambda *event: seen.append(event)):
        ingest_paths(store, [root])
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert seen[-1][:2] == (total, total)
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)
