"""Hostile input (issue 9): every nasty file is ingested correctly or quarantined with its
reason, the run finishes, and memory stays bounded. Fuzzing finds no crash in the readers."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooccur.ingest import ingest_paths
from cooccur.readers import Article, Input, ReadOptions, Reject, read_input
from cooccur.store import Store


def build_corpus(root: Path, outside: Path) -> dict[str, str | None]:
    """The nasty files, and the reason each must be quarantined under (None: ingested)."""
    root.mkdir()
    expected: dict[str, str | None] = {}

    def put(name: str, data: bytes, reason: str | None) -> None:
        (root / name).write_bytes(data)
        expected[name] = reason

    put("binary.txt", bytes(range(256)) * 64, "binary_file")
    put("zero.txt", b"", "empty_file")
    put("invalid-utf8.jsonl", b'{"text": "Caf\xe9 in Ankara \xff met \x80 Turkey."}\n', None)
    put("utf16-no-bom.txt", "Türkiye and Italy met in Ankara.".encode("utf-16-le"), None)
    put("nul-bytes.txt", b"Italy met Turkey\x00 in Ankara on Tuesday, officials said." * 8, None)
    put("nul-in-json.jsonl", b'{"text": "Italy\x00met"}\n', "malformed_json")
    put("deep.jsonl", b"[" * 100_000 + b"\n", "malformed_json")
    put("deep.json", b'[{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]", "malformed_json")
    put("embedded.csv", b'title,text\n"A ""quoted"" title","Line one,\nline two ""here""."\n', None)
    put("year-0.jsonl", b'{"text": "Year zero story.", "date": "0000-01-01"}\n', "implausible_date")
    put("year-9999.jsonl", b'{"text": "Far future.", "date": "9999-12-31"}\n', "implausible_date")
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("bomb.txt", "w", force_zip64=True) as member,
    ):
        for _ in range(96):  # 96 MiB of zeros in ~100 kB
            member.write(bytes(1024 * 1024))
    put("bomb.zip", bomb.getvalue(), "file_too_large")
    (root / "loop").symlink_to(root, target_is_directory=True)
    expected["loop"] = "symlink_loop"
    (root / "outside.txt").symlink_to(outside)
    expected["outside.txt"] = "symlink_outside_root"
    return expected


def test_hostile_corpus_each_file_ingested_or_quarantined_with_its_reason(tmp_path: Path):
    outside = tmp_path / "outside-secret.txt"
    outside.write_text("Must not be read: outside the input folder.")
    expected = build_corpus(tmp_path / "nasty", outside)
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [tmp_path / "nasty"], max_file_mb=64)
        rows = store.query("select source_path, reason_code from quarantine").rows()
        stored = store.query("select source_path, text, title from articles").rows()
    got: dict[str, set[str]] = {}
    for path, reason in rows:
        name = path.split(str(tmp_path / "nasty") + "/", 1)[1].split("!", 1)[0]
        got.setdefault(name, set()).add(reason)
    assert got == {name: {reason} for name, reason in expected.items() if reason}
    texts = {Path(p).name: t for p, t, _ in stored}
    assert texts["utf16-no-bom.txt"] == "Türkiye and Italy met in Ankara."
    assert texts["nul-bytes.txt"].startswith("Italy met Turkey in Ankara on Tuesday")
    assert texts["embedded.csv"] == 'Line one, line two "here".'
    assert "Ankara" in texts["invalid-utf8.jsonl"] and "Turkey" in texts["invalid-utf8.jsonl"]
    assert "Must not be read" not in " ".join(texts.values())
    assert "reader_error" not in summary.reasons


MEMORY_PROBE = """
import json, resource, sys
from pathlib import Path
from cooccur.ingest import ingest_paths
from cooccur.store import Store
paths = [Path(p) for p in sys.argv[2:]]
with Store(sys.argv[1]) as store:
    store.scalar("select count(*) from articles")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = ingest_paths(store, paths)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
growth = (after - before) / 1024  # ru_maxrss is in kB on Linux
print(json.dumps({"growth_mb": growth, "reasons": summary.reasons, "new": summary.articles_new}))
"""


@pytest.mark.slow
def test_a_200_mb_single_line_is_quarantined_with_bounded_memory(tmp_path: Path) -> None:
    size = 200 * 1024 * 1024
    chunk = b"Italy met Turkey in Ankara. " * 37_450  # ~1 MiB, no newline
    paths = []
    for name, head, tail in (
        ("one-line.jsonl", b'{"text": "', b'"}\n{"text": "A short story after it."}\n'),
        ("one-line.txt", b"", b"\n"),
        ("one-line.csv", b"text\n", b"\n"),
    ):
        path = tmp_path / name
        with path.open("wb") as handle:
            handle.write(head)
            for _ in range(size // len(chunk)):
                handle.write(chunk)
            handle.write(tail)
        paths.append(str(path))
    environment = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(tmp_path / "db.duckdb"), *paths],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
        check=True,
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    # each 200 MB line is refused at the 16 MiB record limit and skipped in 1 MiB chunks
    assert probe["growth_mb"] < 80, f"peak RSS grew {probe['growth_mb']:.0f} MB"
    assert probe["reasons"] == {"record_too_large": 3}, probe  # CSV: a 200 MB row
    assert probe["new"] == 1  # the short story after the long line in the JSONL file


def read_all(name: str, data: bytes) -> list:
    source = Input(name, name, len(data), 0.0, lambda: io.BytesIO(data))
    options = ReadOptions(max_record_bytes=4096)
    return [item for _, _, item in read_input(source, options)]


def check(items: list) -> None:
    """Every item is an article or a reason; every string can go into Arrow (UTF-8)."""
    for item in items:
        assert isinstance(item, Article | Reject)
        if isinstance(item, Reject):
            assert item.reason != "reader_error", item.detail
            continue
        for value in (item.text, item.title, item.url, item.external_id):
            if value is not None:
                value.encode("utf-8")


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
record = st.fixed_dictionaries(
    {},
    optional={
        "text": json_values,
        "title": json_values,
        "date": json_values,
        "url": json_values,
        "id": json_values,
    },
)


@FUZZ
@given(data=st.binary(max_size=3000))
def test_fuzz_any_bytes_in_any_reader(data: bytes) -> None:
    for name in ("a.txt", "a.jsonl", "a.json", "a.csv"):
        check(read_all(name, data))


@pytest.mark.slow
@FUZZ
@given(records=st.lists(record, max_size=6), encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_fuzz_jsonl_and_json_records(records: list[dict], encoding: str) -> None:
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    check(read_all("a.jsonl", lines.encode(encoding, errors="surrogatepass")))
    check(read_all("a.json", json.dumps(records).encode(encoding, errors="surrogatepass")))


@FUZZ
@given(
    rows=st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=4), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_fuzz_csv_rows(rows: list[list[str]], delimiter: str) -> None:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["title", "text", "date"])
    writer.writerows(rows)
    check(read_all("a.csv", buffer.getvalue().encode("utf-8", errors="surrogatepass")))


@pytest.mark.slow
@settings(max_examples=25, deadline=None, derandomize=True)
@given(text=st.text(max_size=400))
def test_fuzz_text_articles_end_to_end(tmp_path_factory: pytest.TempPathFactory, text: str):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "a.txt").write_bytes(text.encode("utf-8", errors="surrogatepass"))
    with Store(folder / "db.duckdb") as store:
        summary = ingest_paths(store, [folder / "a.txt"])
    assert summary.records == 1 and "reader_error" not in summary.reasons
