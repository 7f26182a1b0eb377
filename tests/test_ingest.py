from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from cooccur.ingest import ingest_paths
from cooccur.store import Store


def test_seed_article_keeps_its_date_header(tmp_path: Path, seed_dir: Path) -> None:
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [seed_dir])
        row = store.query("select published_at, date_inferred, text from articles").row(0)
    assert summary.articles_new == 1
    assert row[0] == datetime(2025, 4, 8)
    assert row[1] is False
    assert row[2].startswith("Minister of Defense, Guido Crosetto")  # header line removed


def test_reingesting_the_same_files_adds_nothing(tmp_path: Path, reuters_file: Path) -> None:
    with Store(tmp_path / "db.duckdb") as store:
        first = ingest_paths(store, [reuters_file])
        count = store.scalar("select count(*) from articles")
        second = ingest_paths(store, [reuters_file])
        assert store.scalar("select count(*) from articles") == count
    # 15,290 stories; identical texts are one article (the wire repeats some stories)
    assert first.records == 15_290
    assert first.articles_new == count and count > 15_000
    assert second.files_unchanged == 1 and second.articles_new == 0


def test_a_copied_file_is_read_but_adds_no_duplicate(tmp_path: Path, seed_dir: Path) -> None:
    copy = tmp_path / "copy" / "same.txt"
    copy.parent.mkdir()
    copy.write_bytes(next(seed_dir.glob("*.txt")).read_bytes())
    with Store(tmp_path / "db.duckdb") as store:
        ingest_paths(store, [seed_dir])
        summary = ingest_paths(store, [copy.parent])
        assert store.scalar("select count(*) from articles") == 1
    assert summary.files_read == 1 and summary.duplicates == 1


def test_bad_jsonl_lines_are_quarantined_one_by_one(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "date": "2025-01-02", "title": "Rome talks", "text": "Italy met."}),
        '{"id": "b", "text": "unterminated',
        json.dumps({"id": "c", "date": "not a date", "text": "Turkey met."}),
        json.dumps({"id": "d", "text": ""}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "e", "date": "2025-01-03T10:00:00+02:00", "text": "Greece met."}),
    ]
    source = tmp_path / "feed.jsonl"
    source.write_text("\n".join(lines), encoding="utf-8")
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [source])
        reasons = store.query("select line, reason from quarantine order by line").rows()
        dates = store.query("select external_id, published_at from articles order by 1").rows()
    assert summary.articles_new == 2 and summary.quarantined == 4
    assert [line for line, _ in reasons] == [2, 3, 4, 5]
    assert reasons[0][1].startswith("malformed JSON")
    assert "unparseable date" in reasons[1][1]
    # a zoned time is stored in UTC
    assert dates == [("a", datetime(2025, 1, 2)), ("e", datetime(2025, 1, 3, 8))]


def test_undated_text_gets_the_file_date_and_a_flag(tmp_path: Path) -> None:
    source = tmp_path / "undated.txt"
    source.write_text("title: No date here\n\nThe Italian navy sailed.\n", encoding="utf-8")
    with Store(tmp_path / "db.duckdb") as store:
        ingest_paths(store, [source])
        title, inferred = store.query("select title, date_inferred from articles").row(0)
    assert (title, inferred) == ("No date here", True)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [(b"", "empty file"), (b"\x00\x01\x02binary", "binary file")],
)
def test_unreadable_files_are_quarantined(tmp_path: Path, payload: bytes, reason: str) -> None:
    source = tmp_path / "bad.txt"
    source.write_bytes(payload)
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [source])
        reasons = store.query("select reason from quarantine").to_series().to_list()
    assert summary.quarantined == 1 and reasons[0].startswith(reason)


def test_hard_wrapped_wire_text_is_joined_into_paragraphs(tmp_path: Path) -> None:
    wire = "LONDON, March 3 - Britain and\nFrance agreed.\n    A new paragraph\nstarts here."
    source = tmp_path / "wire.jsonl"
    source.write_text(json.dumps({"id": "w", "date": "1987-03-03", "text": wire}), "utf-8")
    with Store(tmp_path / "db.duckdb") as store:
        ingest_paths(store, [source])
        text = store.scalar("select text from articles")
    assert text == "LONDON, March 3 - Britain and France agreed.\n\nA new paragraph starts here."


def _small_batches(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Three one-article files, each its own batch (so reading runs ahead of writing)."""
    monkeypatch.setattr("cooccur.ingest._Batch.full", lambda batch: bool(batch.sources))
    paths = []
    for index in range(3):
        path = tmp_path / "in" / f"{index}.jsonl"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps({"text": f"Article {index}."}) + "\n")
        paths.append(path)
    return paths


def test_a_failure_while_reading_ahead_reaches_the_caller_after_earlier_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cooccur.ingest

    paths = _small_batches(monkeypatch, tmp_path)
    prepare = cooccur.ingest._prepare
    calls: list[int] = []

    def failing(batch):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("reader broke")
        return prepare(batch)

    monkeypatch.setattr(cooccur.ingest, "_prepare", failing)
    with Store(tmp_path / "db.duckdb") as store:
        with pytest.raises(RuntimeError, match="reader broke"):
            ingest_paths(store, paths)
        assert store.scalar("select count(*) from articles") == 1  # the first batch stands
        assert store.scalar("select count(*) from sources") == 1


def test_a_failed_write_stops_the_reading_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import cooccur.ingest

    paths = _small_batches(monkeypatch, tmp_path)

    def failing(*_args):  # type: ignore[no-untyped-def]
        raise RuntimeError("writer broke")

    monkeypatch.setattr(cooccur.ingest, "_write", failing)
    with Store(tmp_path / "db.duckdb") as store:
        with pytest.raises(RuntimeError, match="writer broke"):
            ingest_paths(store, paths)
        assert store.scalar("select count(*) from articles") == 0
    assert not any(t.name == "cooccur-ingest-read" for t in threading.enumerate())
