"""Dates and encodings: what news files really contain, decoded and dated as a reader would."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cooccur.ingest import ingest_paths
from cooccur.readers import DateError, parse_date
from cooccur.store import Store

NEXT_YEAR = datetime.now(UTC).year + 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1987-03-03", datetime(1987, 3, 3)),
        ("1987-03-03T14:05:00", datetime(1987, 3, 3, 14, 5)),
        ("2025-04-08T10:00:00+02:00", datetime(2025, 4, 8, 8)),
        ("2025-04-08T10:00:00Z", datetime(2025, 4, 8, 10)),
        ("2025-04-08 10:00:00.123456-05:00", datetime(2025, 4, 8, 15, 0, 0, 123456)),
        ("Tue, 08 Apr 2025 10:00:00 +0200", datetime(2025, 4, 8, 8)),
        ("Tue, 08 Apr 2025 10:00:00 GMT", datetime(2025, 4, 8, 10)),
        ("8 Apr 2025 10:00:00 EST", datetime(2025, 4, 8, 15)),
        ("20170701234500", datetime(2017, 7, 1, 23, 45)),
        ("20170701", datetime(2017, 7, 1)),
        (20170701234500, datetime(2017, 7, 1, 23, 45)),
        (1_712_563_200, datetime(2024, 4, 8, 8)),  # epoch seconds
        (1_712_563_200_000, datetime(2024, 4, 8, 8)),  # epoch milliseconds
        ("March 3, 1987", datetime(1987, 3, 3)),
        ("3 March 1987 10:00 CET", datetime(1987, 3, 3, 9)),
        ("Tuesday, April 8, 2025 4:30 PM PDT", datetime(2025, 4, 8, 23, 30)),
        ("1987", datetime(1987, 1, 1)),
        (datetime(2025, 4, 8, 10), datetime(2025, 4, 8, 10)),
    ],
)
def test_usual_date_formats_become_naive_utc(value: object, expected: datetime) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("0000-01-01", "implausible_date"),
        ("9999-12-31T23:59:59", "implausible_date"),
        ("1899-12-31", "implausible_date"),
        (f"{NEXT_YEAR + 1}-01-01", "implausible_date"),
        ("00000000000000", "implausible_date"),
        ("Tuesday", "unparseable_date"),  # no year: would silently become this year
        ("soon", "unparseable_date"),
        ("2025-13-45", "unparseable_date"),
        (True, "unparseable_date"),
        ("", "unparseable_date"),
    ],
)
def test_impossible_dates_say_why(value: object, reason: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(value)
    assert error.value.reason == reason


def test_next_year_is_still_plausible() -> None:
    assert parse_date(f"{NEXT_YEAR}-01-01") == datetime(NEXT_YEAR, 1, 1)


TURKISH = "Türkiye ve İtalya arasında savunma anlaşması imzalandı."
FRENCH = "Le ministre de la Défense a rencontré son homologue à Ankara : « accord » signé."
EURO = "Leonardo’s €2bn “drone” deal — signed in Ankara."


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"\xef\xbb\xbf" + TURKISH.encode(), TURKISH),
        (TURKISH.encode("utf-16"), TURKISH),  # with BOM
        (TURKISH.encode("utf-16-be"), TURKISH),  # no BOM
        (FRENCH.encode("utf-16-le"), FRENCH),  # no BOM
        (FRENCH.encode("latin-1"), FRENCH),
        (EURO.encode("cp1252"), EURO),
        ("TÃ¼rkiye and Italy signed.".encode(), "Türkiye and Italy signed."),  # mojibake
        (TURKISH.encode().decode("latin-1").encode(), TURKISH),  # double-encoded UTF-8
        ("Cafe\u0301  in\t\tAnkara\u00a0today".encode(), "Café in Ankara today"),  # NFC, spaces
        (b"Italy met Turkey in Ankara on Tuesday.\x00" * 20, None),  # NULs dropped
    ],
)
def test_text_files_are_decoded_and_normalised(
    tmp_path: Path, payload: bytes, expected: str | None
) -> None:
    (tmp_path / "article.txt").write_bytes(payload)
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [tmp_path / "article.txt"])
        text = store.scalar("select text from articles")
    assert summary.quarantined == 0
    if expected is None:
        assert text == "Italy met Turkey in Ankara on Tuesday." * 20
    else:
        assert text == expected and unicodedata.is_normalized("NFC", text)


def test_jsonl_and_csv_in_utf16_and_cp1252_stream_line_by_line(tmp_path: Path) -> None:
    lines = [json.dumps({"id": n, "text": t}, ensure_ascii=False) for n, t in enumerate(
        [TURKISH, FRENCH]
    )]  # fmt: skip
    (tmp_path / "wide.jsonl").write_bytes("\n".join(lines).encode("utf-16"))
    (tmp_path / "legacy.csv").write_bytes(f"id,text\n7,{EURO}\n8,{FRENCH}\n".encode("cp1252"))
    # a UTF-8 file with one CP-1252 line: that line gets its own guess
    (tmp_path / "mixed.jsonl").write_bytes(
        json.dumps({"id": "u", "text": TURKISH}, ensure_ascii=False).encode()
        + b"\n"
        + json.dumps({"id": "c", "text": EURO}, ensure_ascii=False).encode("cp1252")
    )
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [tmp_path])
        texts = store.query("select text from articles").to_series().to_list()
    # six records, each text twice in different encodings: decoded alike, stored once
    assert (summary.records, summary.duplicates, summary.quarantined) == (6, 3, 0)
    assert sorted(texts) == sorted([TURKISH, FRENCH, EURO])
