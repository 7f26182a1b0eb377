"""Every quarantine reason, produced by a real file: the record is kept with its place and
raw bytes, the run goes on, and the summary counts it under its reason."""

from __future__ import annotations

import gzip
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from cooccur.ingest import ingest_paths
from cooccur.readers import ReadOptions
from cooccur.store import Store


def quarantine(tmp_path: Path, *paths: Path, **options) -> tuple[dict[str, int], list[tuple]]:
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, list(paths), **options)
        rows = store.query(
            "select reason_code, source_path, line, byte_offset, reason, raw, raw_bytes "
            "from quarantine order by source_path, line"
        ).rows()
    assert summary.quarantined == sum(summary.reasons.values()) == len(rows)
    return dict(summary.reasons), rows


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CASES: dict[str, tuple[str, bytes]] = {
    "unsupported_type": ("notes.docx", b"PK\x03\x04 a word file"),
    "empty_file": ("empty.txt", b""),
    "binary_file": ("photo.txt", bytes(range(256)) * 8),
    "undecodable_text": ("noise.txt", bytes(b % 128 + 128 for b in range(3000))),
    "malformed_json": ("bad.jsonl", b'{"text": "Italy."}\n{"text": "unterminated\n'),
    "not_an_object": ("list.jsonl", b'["Italy", "Turkey"]\n'),
    "malformed_csv": ("bare.csv", b"title,text\nItaly,met\rTurkey\n"),
    "malformed_gdelt": ("short.gkg.csv", b"20170701234500-1\t20170701234500\t1\n"),
    "malformed_feed": ("broken.rss", b"Service unavailable, try later\n"),
    "unreadable_file": ("broken.parquet", b"PAR1" + b"\x00" * 64 + b"PAR1"),
    "no_text": ("nothing.jsonl", b'{"id": "a", "title": "", "text": "  "}\n'),
    "unparseable_date": ("when.jsonl", b'{"text": "Italy.", "date": "next Tuesday-ish"}\n'),
    "implausible_date": ("old.jsonl", b'{"text": "Italy.", "date": "1066-10-14"}\n'),
    "missing_date": (
        "nodate.gkg.csv",
        b"20170701234500-2\t0\t1\tx.com\thttp://x.com/a" + b"\t" * 22 + b"\n",
    ),
    "corrupt_archive": ("truncated.zip", zipped({"a.txt": b"Italy met Turkey." * 100})[:60]),
    "nested_archive": ("outer.zip", zipped({"inner.zip": zipped({"a.txt": b"Italy."})})),
    "record_too_large": ("long.jsonl", b'{"text": "' + b"a" * 3_000_000 + b'"}\n{"text": "ok"}\n'),
}


@pytest.mark.parametrize("reason", sorted(CASES))
def test_each_reason_is_quarantined_with_its_code(tmp_path: Path, reason: str) -> None:
    name, data = CASES[reason]
    source = tmp_path / name
    source.write_bytes(data)
    reasons, rows = quarantine(
        tmp_path, source, options=ReadOptions(max_record_bytes=2 * 1024 * 1024)
    )
    assert reasons == {reason: 1}, rows
    assert rows[0][1].startswith(str(source))
    assert rows[0][4]  # a human-readable reason


def test_file_over_max_file_mb_is_quarantined_unread(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    source.write_bytes(b'{"text": "Italy."}\n' * 100_000)  # 1.9 MB
    reasons, rows = quarantine(tmp_path, source, max_file_mb=1)
    assert reasons == {"file_too_large": 1}
    assert "1 MiB" in rows[0][4] and rows[0][6] is None
    with Store(tmp_path / "db.duckdb") as store:  # a higher limit next time reads it
        summary = ingest_paths(store, [source], max_file_mb=2)
        left = store.scalar("select count(*) from quarantine")
    assert (summary.files_read, summary.articles_new, left) == (1, 1, 0)


def test_one_bad_line_quarantines_that_line_only_with_place_and_raw_bytes(tmp_path: Path):
    good = json.dumps({"text": "Italy met Turkey."}).encode() + b"\n"
    bad = b'{"text": "Spain \xff\xfe met", oops}\n'
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(good + bad + good.replace(b"Italy", b"Greece"))
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [source])
        row = store.query("select line, byte_offset, raw, raw_bytes from quarantine").row(0)
    assert summary.articles_new == 2 and summary.reasons == {"malformed_json": 1}
    assert row[0] == 2 and row[1] == len(good)
    assert row[3] == bad  # the exact bytes, undecodable ones included


def test_raw_is_truncated_to_10_kb(tmp_path: Path) -> None:
    source = tmp_path / "wide.jsonl"
    source.write_bytes(b'{"text": "' + b"x" * 50_000 + b'", }\n')
    _, rows = quarantine(tmp_path, source)
    assert len(rows[0][6]) == 10_000 and len(rows[0][5]) == 10_000


def test_zip_bomb_stops_at_the_archive_cap(tmp_path: Path) -> None:
    source = tmp_path / "bomb.zip"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for n in range(3):  # 3 × 8 MiB of one repeated line: ~25 kB on disk
            with archive.open(f"part{n}.txt", "w") as member:
                for _ in range(8):
                    member.write(b"Italy met Turkey. " * 58_254 + b"\n")
    assert source.stat().st_size < 100_000
    reasons, rows = quarantine(
        tmp_path,
        source,
        options=ReadOptions(max_archive_bytes=20 * 1024 * 1024, max_record_bytes=16 * 1024**2),
    )
    # parts 0 and 1 (≈ 16 MiB) are read, part 2 would pass the 20 MiB cap
    assert reasons == {"archive_too_large": 1}
    assert rows[0][1].endswith("bomb.zip!part2.txt")


def test_gzip_bomb_stops_at_the_file_cap(tmp_path: Path) -> None:
    source = tmp_path / "bomb.jsonl.gz"
    line = (json.dumps({"text": "Italy met Turkey. " * 5_000}) + "\n").encode()  # 90 kB
    with gzip.open(source, "wb", compresslevel=9) as handle:
        for _ in range(450):  # 40 MB of the same line, ~100 kB compressed
            handle.write(line)
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [source], max_file_mb=8)
        articles = store.scalar("select count(*) from articles")
    assert summary.reasons == {"archive_too_large": 1} and articles == 1


def test_truncated_gzip_keeps_what_was_read_before_the_damage(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"text": f"Story {n} about Italy."}) + "\n" for n in range(2000))
    data = gzip.compress(lines.encode())
    source = tmp_path / "cut.jsonl.gz"
    source.write_bytes(data[: len(data) // 2])
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [source])
    assert summary.reasons == {"corrupt_archive": 1}
    assert 0 < summary.articles_new < 2000


def test_symlinks_outside_the_root_in_a_loop_or_dangling_are_quarantined(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("Italy met Turkey.")
    outside = tmp_path / "secret.txt"
    outside.write_text("Not for ingest.")
    (root / "escape.txt").symlink_to(outside)
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)
    (root / "ping.txt").symlink_to(root / "pong.txt")
    (root / "pong.txt").symlink_to(root / "ping.txt")
    (root / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (root / "alias.txt").symlink_to(root / "a.txt")  # inside: skipped, a.txt is read itself
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [root])
        again = ingest_paths(store, [root])
        texts = store.query("select text from articles").to_series().to_list()
        rows = store.query("select source_path, reason_code from quarantine order by 1").rows()
    assert texts == ["Italy met Turkey."]
    assert [(Path(p).name, r) for p, r in rows] == [
        ("escape.txt", "symlink_outside_root"),
        ("gone.txt", "broken_symlink"),
        ("ping.txt", "symlink_loop"),
        ("pong.txt", "symlink_loop"),
        ("up", "symlink_loop"),
    ]
    assert summary.quarantined == 5 and again.quarantined == 5  # replaced, not repeated


def test_a_changed_file_replaces_its_earlier_quarantine_rows(tmp_path: Path) -> None:
    source = tmp_path / "feed.jsonl"
    source.write_bytes(b'{"text": "Italy."}\nnot json\n')
    with Store(tmp_path / "db.duckdb") as store:
        ingest_paths(store, [source])
        source.write_bytes(b'{"text": "Italy."}\n{"text": "Turkey."}\n')
        os.utime(source, (1e9, 1e9))
        ingest_paths(store, [source])
        left = store.scalar("select count(*) from quarantine")
        articles = store.scalar("select count(*) from articles")
    assert (left, articles) == (0, 2)
