"""Identity, versions and incremental runs: nothing stored twice, nothing re-read."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from cooccur.ingest import canonical_url, ingest_paths
from cooccur.store import Store


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://WWW.Example.COM/News/A?utm_source=x&id=7#top",
            "https://www.example.com/News/A?id=7",
        ),
        ("http://example.com:80", "http://example.com/"),
        ("https://example.com:8443/a?UTM_Medium=m&b=&c=1", "https://example.com:8443/a?b=&c=1"),
        ("https://example.com/a?q=a%20b&utm_campaign=c", "https://example.com/a?q=a%20b"),
        ("The Times, 3 March 1987, p. 4", "The Times, 3 March 1987, p. 4"),  # a citation
        ("  ", None),
        ("http://[::1", "http://[::1"),  # unparseable: kept as written
    ],
)
def test_canonical_url(url: str, canonical: str | None) -> None:
    assert canonical_url(url) == canonical


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_changed_text_at_the_same_url_is_a_new_version(tmp_path: Path) -> None:
    url = "https://news.example.com/story?utm_source=feed"
    first = write_jsonl(tmp_path / "monday.jsonl", [{"url": url, "text": "Italy met Turkey."}])
    second = write_jsonl(
        tmp_path / "tuesday.jsonl",
        [
            {"url": url.upper().replace("/STORY", "/story"), "text": "Italy met  Turkey."},
            {"url": url + "#update", "text": "Italy and Turkey signed a deal."},
            {"url": "https://news.example.com/other", "text": "Italy met Turkey."},
        ],
    )
    with Store(tmp_path / "db.duckdb") as store:
        ingest_paths(store, [first])
        summary = ingest_paths(store, [second])
        rows = store.query(
            "select canonical_url, version, text from articles order by canonical_url, version"
        ).rows()
    # same text (after normalising spaces) at the same canonical URL: nothing added;
    # a new text there: version 2; the same text at another URL: its own article
    assert rows == [
        ("https://news.example.com/other", 1, "Italy met Turkey."),
        ("https://news.example.com/story", 1, "Italy met Turkey."),
        ("https://news.example.com/story", 2, "Italy and Turkey signed a deal."),
    ]
    assert (summary.articles_new, summary.new_versions, summary.duplicates) == (2, 1, 1)


def test_versions_within_one_batch_follow_input_order(tmp_path: Path) -> None:
    url = "https://example.com/live"
    source = write_jsonl(
        tmp_path / "live.jsonl",
        [{"url": url, "text": f"Update {n}: talks continue."} for n in (1, 2, 3, 2)],
    )
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [source])
        versions = store.query("select version, text from articles order by version").rows()
    assert [v for v, _ in versions] == [1, 2, 3]
    assert versions[2][1] == "Update 3: talks continue."
    assert summary.duplicates == 1


@pytest.mark.slow
def test_reuters_reingest_is_idempotent(tmp_path: Path, reuters_file: Path) -> None:
    with Store(tmp_path / "db.duckdb") as store:
        first = ingest_paths(store, [reuters_file])
        tables = ("articles", "quarantine", "sources", "gkg_entities")
        counts = {t: store.scalar(f"select count(*) from {t}") for t in tables}
        ids = store.query("select article_id from articles order by 1").to_series()
        again = ingest_paths(store, [reuters_file])
        assert {t: store.scalar(f"select count(*) from {t}") for t in tables} == counts
        # the same stories under another name: read, but every one is already stored
        copy = tmp_path / "reuters-copy.jsonl"
        copy.write_bytes(reuters_file.read_bytes())
        copied = ingest_paths(store, [copy])
        # a new mtime with the same bytes is recognised by its hash and not parsed again
        os.utime(copy, (time.time() + 60, time.time() + 60))
        touched = ingest_paths(store, [copy])
        assert store.query("select article_id from articles order by 1").to_series().equals(ids)
    assert first.records == 15_290 and first.quarantined == 0
    assert (again.files_unchanged, again.files_read, again.records) == (1, 0, 0)
    assert (copied.files_read, copied.articles_new, copied.duplicates) == (1, 0, 15_290)
    assert (touched.files_unchanged, touched.files_read) == (1, 0)


@pytest.mark.slow
def test_ten_new_files_among_ten_thousand_are_all_that_is_read(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for n in range(10_000):
        folder = root / f"{n // 1000:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{n:05d}.txt").write_text(f"Article {n}: Italy met Turkey.\n")
    with Store(tmp_path / "db.duckdb") as store:
        first = ingest_paths(store, [root])
        for n in range(10_000, 10_010):
            (root / "new").mkdir(exist_ok=True)
            (root / "new" / f"{n:05d}.txt").write_text(f"Article {n}: Spain met Portugal.\n")
        started = time.perf_counter()
        second = ingest_paths(store, [root])
        elapsed = time.perf_counter() - started
        total = store.scalar("select count(*) from articles")
    assert first.articles_new == 10_000
    assert (second.files_seen, second.files_unchanged, second.files_read) == (10_010, 10_000, 10)
    assert second.articles_new == 10 and total == 10_010
    assert elapsed < 10  # a stat per file and one join; measured ≈ 0.3 s
