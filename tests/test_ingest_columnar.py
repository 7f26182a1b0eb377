"""JSON Lines parsed column-wise (issue 8) gives exactly what the line-by-line reader gives:
the same articles, the same rejects with the same place and raw bytes, on clean input and
on every oddity where Polars' JSON parser and Python's `json` disagree."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooccur.ingest import _size_bytes, ingest_paths, watching
from cooccur.readers import ArticleBlock, Input, ReadOptions, read_input
from cooccur.store import Store

GOOD = [
    {
        "id": f"g{i}",
        "date": "2020-01-02T03:04:05",
        "title": f"T {i}",
        "text": f"Italy met Turkey {i}.\n    New para {i}.",
    }
    for i in range(40)
]


def line(record: object) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode()


# name -> lines of the file; each holds something the column-wise path must get right
ODD: dict[str, list[bytes]] = {
    "duplicate-key": [line(r) for r in GOOD[:5]] + [b'{"text": "first", "text": "second"}\n'],
    "mixed-types": [line({"text": 5, "title": True}), line({"text": 1.5, "id": 7})],
    "nested": [line({"text": {"a": 1}, "title": "t"}), line({"text": ["a"], "title": None})],
    "blank-lines": [line(GOOD[0]), b"\n", b"   \n", b"\xc2\xa0\n", line(GOOD[1])],
    "crlf": [json.dumps(r).encode() + b"\r\n" for r in GOOD[:3]],
    "bom": [b"\xef\xbb\xbf" + line(GOOD[0]), line(GOOD[1]), b"\xef\xbb\xbf" + line(GOOD[2])],
    "key-case": [line({"Text": "upper"}), line({"TEXT": "caps", "text": "lower"})],
    "other-keys": [line({"body": "from body"}), line({"text": "from text", "headline": "H"})],
    "dates": [
        line({"text": f"d{i}", "date": d})
        for i, d in enumerate(
            [
                "2020-01-01",
                "2020-01-01 10:00:00",
                "2020-01-01T10:00:00Z",
                "2020-01-01T10:00:00+02:00",
                "March 3, 1987",
                "Tue, 03 Mar 1987 14:00:00 EST",
                "20170701234500",
                1583020800,
                "",
                "  ",
                None,
                "2020-02-30T00:00:00",
                "1850-01-01",
                " 2020-01-01",
                "2020-01-01T10:00:00.123456",
            ]
        )
    ],
    "string-dates": [
        line({"text": f"d{i}", "date": d})
        for i, d in enumerate(["2020-01-01", "2020-01-01 10:00:00", "May 4, 2021", "", None])
    ],
    "escapes": [
        b'{"text": "a\\ud800b"}\n',
        b'{"text": "emoji \\ud83d\\ude00 x"}\n',
        b'{"t\\u0065xt": "escaped key", "text": "plain"}\n',
        b'{"text": "ctl \\u001c \\u0000 \\u0007 end"}\n',
        b'{"text": "\\u001c"}\n',
        b'{"text": "tab\\there", "title": "\\/slash"}\n',
    ],
    "raw-control": [b'{"text": "raw\ttab"}\n', b'{"text": "nul\x00"}\n', line(GOOD[0])],
    "nan": [b'{"text": "a", "score": NaN}\n', b'{"text": "b", "score": Infinity}\n'],
    "trailing": [b'{"text": "a"} x\n', b'{"text": "a"}{"text": "b"}\n', b'{"text": "c"}\n'],
    "not-objects": [b'["a"]\n', b'"a"\n', b"null\n", b"3\n", line(GOOD[0])],
    "no-text": [line({"text": None, "title": "t"}), line({"text": "", "title": ""})],
    "unicode-space-text": [line({"text": " \u3000 ", "title": "\u2028"}), line(GOOD[0])],
    "mojibake": [line({"text": "TÃ¼rkiye and Italy", "title": "CafÃ© society"})],
    "urls": [
        line({"text": "u1", "url": "HTTPS://Example.com/a?utm_source=x"}),
        line({"text": "u1 changed", "url": "https://example.com/a"}),
        line({"text": "u1", "url": "https://example.com/a#frag"}),
    ],
    "numeric-ids": [line({"id": i, "text": f"n{i}"}) for i in range(3)],
    "invalid-utf8": [b'{"text": "Caf\xe9"}\n', line(GOOD[0])],
    "no-final-newline": [line(GOOD[0]), json.dumps(GOOD[1]).encode()],
    "compact": [json.dumps(r, separators=(",", ":")).encode() + b"\n" for r in GOOD[:3]],
    "spaced-keys": [b'{"text" : "spaced", "title":"t"}\n'],
    "clean": [line(r) for r in GOOD],
}


def items(name: str, data: bytes, **options: object) -> list:
    source = Input(name, name, len(data), 0.0, lambda: io.BytesIO(data))
    return [item for _, _, item in read_input(source, ReadOptions(**options))]  # type: ignore[arg-type]


def test_clean_json_lines_come_as_blocks() -> None:
    data = b"".join(ODD["clean"])
    source = Input("a.jsonl", "a.jsonl", len(data), 0.0, lambda: io.BytesIO(data))
    got = [item for _, _, item in read_input(source, ReadOptions(), blocks=True)]
    assert len(got) == 1 and isinstance(got[0], ArticleBlock)
    assert got[0].frame.height == len(GOOD) and got[0].offset == len(data)


@pytest.mark.parametrize("name", sorted(ODD))
def test_each_oddity_reads_as_line_by_line(name: str) -> None:
    data = b"".join(ODD[name])
    assert items(f"{name}.jsonl", data) == items(f"{name}.jsonl", data, columnar=False)


def test_one_bad_line_sends_only_its_part_line_by_line() -> None:
    lines = [line({**GOOD[0], "id": f"x{i}", "text": f"Story {i}."}) for i in range(4000)]
    data = b"".join([*lines[:3000], b'{"broken\n', *lines[3000:]])
    source = Input("b.jsonl", "b.jsonl", len(data), 0.0, lambda: io.BytesIO(data))
    got = Counter(type(i).__name__ for _, _, i in read_input(source, ReadOptions(), blocks=True))
    assert got["Reject"] == 1 and got["Article"] <= 256 and got["ArticleBlock"] >= 2
    assert items("b.jsonl", data) == items("b.jsonl", data, columnar=False)


def test_odd_files_ingest_to_the_same_tables(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, lines in ODD.items():
        (folder / f"{name}.jsonl").write_bytes(b"".join(lines))
    tables = []
    for columnar in (True, False):
        with Store(tmp_path / f"{columnar}.duckdb") as store:
            summary = ingest_paths(store, [folder], options=ReadOptions(columnar=columnar))
            tables.append(
                (
                    summary.as_dict(),
                    store.query(
                        "select article_id, source, source_path, external_id, url, canonical_url,"
                        " content_hash, version, title, text, published_at, date_inferred "
                        "from articles order by all"
                    ).rows(),
                    store.query(
                        "select source_path, line, byte_offset, reason_code, reason, raw,"
                        " raw_bytes from quarantine order by all"
                    ).rows(),
                )
            )
    assert tables[0] == tables[1]
    assert tables[0][1] and tables[0][2]  # both tables hold rows: the check compares something


FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
strings = st.text(max_size=12) | st.sampled_from(["2020-01-01", "2020-01-01T00:00:00", " "])
values = st.none() | st.booleans() | st.integers() | st.floats() | strings
keys = st.sampled_from(["text", "title", "date", "url", "id", "Text", "body", "x"])
# mostly records the column-wise path takes (string fields), some it must decline
records = st.fixed_dictionaries(
    {"text": st.text(min_size=1, max_size=20)},
    optional={"title": strings, "date": strings, "id": strings, "url": strings},
) | st.dictionaries(keys, values)
mutations = st.sampled_from(
    [b""] * 12
    + [b"\n", b"\t", b"\x00", b"\\u0074", b"\\ud800", b'"text": ', b"}", b"{", b",", b"\xe9"]
)


@pytest.mark.slow
@FUZZ
@given(
    lines=st.lists(st.tuples(records, mutations, st.integers(0, 60)), max_size=8),
    ensure_ascii=st.booleans(),
)
def test_fuzz_column_wise_equals_line_by_line(lines: list, ensure_ascii: bool) -> None:
    data = b""
    for record, mutation, where in lines:
        raw = json.dumps(record, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")
        where = min(where, len(raw))
        data += raw[:where] + mutation + raw[where:] + b"\n"
    assert items("f.jsonl", data) == items("f.jsonl", data, columnar=False)


clean_text = st.text(
    st.sampled_from(list('ab Z.\n"\\/é€😀\u00a0\u2029\u0301')), min_size=1, max_size=40
).map(lambda t: "x" + t)
clean_records = st.fixed_dictionaries(
    {"text": clean_text},
    optional={
        "title": clean_text | st.just(""),
        "date": st.sampled_from(["2020-01-01", "1999-12-31T23:59:59", "2021-06-01 12:00:00"]),
        "id": st.text(st.sampled_from(list("0123abc-")), max_size=6),
    },
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(records=st.lists(clean_records, min_size=1, max_size=6), ensure_ascii=st.booleans())
def test_fuzz_clean_records_take_the_column_wise_path(records: list, ensure_ascii: bool) -> None:
    data = b"".join(
        (json.dumps(r, ensure_ascii=ensure_ascii) + "\n").encode("utf-8", "surrogatepass")
        for r in records
    )
    source = Input("c.jsonl", "c.jsonl", len(data), 0.0, lambda: io.BytesIO(data))
    got = [item for _, _, item in read_input(source, ReadOptions(), blocks=True)]
    if not ensure_ascii:  # escaped emoji (surrogate pairs) are left to the line reader
        assert [type(i) for i in got] == [ArticleBlock]
    assert items("c.jsonl", data) == items("c.jsonl", data, columnar=False)


def parquet(columns: dict[str, pa.Array | list]) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


WHEN = [datetime(2020, 1, 2, 3, 4, 5, 678000), datetime(1999, 12, 31), None]
TEXTS = ["Italy met\nTurkey.", " ", "Ankara  talks"]
PARQUET: dict[str, dict[str, pa.Array | list]] = {
    "strings": {
        "text": TEXTS,
        "title": ["A", "Only title", None],
        "date": ["2020-01-01", "May 4, 2021", None],
        "url": ["https://x.com/a?utm_source=y", None, "https://x.com/b"],
        "id": ["1", "2", "3"],
    },
    "timestamps": {"text": TEXTS[::2] * 2, "date": pa.array(WHEN + WHEN[:1], pa.timestamp("us"))},
    "zoned": {"text": TEXTS[::2] + ["x"], "date": pa.array(WHEN, pa.timestamp("ms", "Asia/Tokyo"))},
    "nanoseconds": {"text": ["a", "b", "c"], "date": pa.array(WHEN, pa.timestamp("ns"))},
    "days": {
        "text": ["a", "b", "c"],
        "date": pa.array([d and d.date() for d in WHEN], pa.date32()),
    },
    "large-strings": {"body": pa.array([*TEXTS[::2], "x"], pa.large_string())},
    "numbers": {"text": ["a", "b", "c"], "id": [1, 2, 3], "date": [20200101, 1583020800, None]},
    "no-text": {"text": ["a", "", None], "title": [None, " ", None]},
    "too-old": {"text": ["a", "b", "c"], "date": pa.array([datetime(1850, 1, 1)] * 3)},
    "bad-date": {"text": ["a", "b", "c"], "date": ["2020-01-01", "next Tuesday-ish", None]},
}


@pytest.mark.parametrize("name", sorted(PARQUET))
def test_parquet_column_wise_reads_as_row_by_row(name: str) -> None:
    data = parquet(PARQUET[name])
    assert items(f"{name}.parquet", data) == items(f"{name}.parquet", data, columnar=False)


def test_clean_parquet_comes_as_blocks() -> None:
    for name in ("strings", "timestamps", "zoned", "days", "large-strings"):
        data = parquet(PARQUET[name])
        source = Input("a.parquet", "a.parquet", len(data), 0.0, lambda d=data: io.BytesIO(d))
        got = [type(i) for _, _, i in read_input(source, ReadOptions(), blocks=True)]
        assert got == [ArticleBlock], name


def test_ingest_caps_duckdb_memory_while_it_runs_and_restores_it(tmp_path: Path) -> None:
    source = tmp_path / "a.jsonl"
    source.write_bytes(b"".join(ODD["clean"]))
    seen: list[tuple] = []
    with Store(tmp_path / "db.duckdb") as store:

        def settings() -> tuple:
            return store.con.execute(
                "select current_setting('memory_limit'), current_setting('checkpoint_threshold'),"
                " current_setting('threads')"
            ).fetchall()[0]

        before = settings()
        with watching(lambda *_: seen.append(settings())):
            ingest_paths(store, [source])
        after = settings()
    reading_thread_core = max(1, before[2] - 1)
    assert seen and all(s == ("244.1 MiB", "61.0 MiB", reading_thread_core) for s in seen)
    assert after[1:] == before[1:]  # restored; the memory limit as DuckDB rounds it
    assert abs(_size_bytes(after[0]) - _size_bytes(before[0])) <= 0.01 * _size_bytes(before[0])
