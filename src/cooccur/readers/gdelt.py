"""GDELT Global Knowledge Graph 2.1 files: one record per line, 27 tab-separated columns.

A record is an article (`url` = DocumentIdentifier, `published_at` = DATE, `title` from
the `<PAGE_TITLE>` of V2EXTRASXML, usually no text) with GDELT's pre-extracted entities:
persons (V2Persons), organisations (V2Organizations), countries (V2Locations, FIPS 10-4
codes mapped to ISO 3166 alpha-3 by `data/fips_iso3.csv`) and themes (V2Themes), each
with its character offset, and the document tone (first field of V1.5TONE).
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterator
from functools import cache

from cooccur.readers.base import (
    MIB,
    Article,
    GkgEntity,
    Input,
    Item,
    ReadOptions,
    Reject,
    iter_byte_lines,
)
from cooccur.readers.dates import DateError, parse_date
from cooccur.readers.encoding import decode_line
from cooccur.settings import DATA_DIR

N_COLUMNS = 27
(
    RECORD_ID,
    DATE,
    _COLLECTION,
    _SOURCE_NAME,
    DOCUMENT,
    _COUNTS,
    _V2_COUNTS,
    _THEMES,
    V2_THEMES,
    _LOCATIONS,
    V2_LOCATIONS,
    _PERSONS,
    V2_PERSONS,
    _ORGANIZATIONS,
    V2_ORGANIZATIONS,
    TONE,
    *_,
    EXTRAS,
) = range(N_COLUMNS)

_RECORD_ID = re.compile(r"^\d{14}-T?\d+$")
_TITLE = re.compile(r"<PAGE_TITLE>(.*?)</PAGE_TITLE>", re.S)


@cache
def fips_to_iso3() -> dict[str, tuple[str | None, str]]:
    """FIPS 10-4 country code -> (ISO3 or None when there is none, country name)."""
    with (DATA_DIR / "fips_iso3.csv").open(encoding="utf-8", newline="") as handle:
        return {row["fips"]: (row["iso3"] or None, row["name"]) for row in csv.DictReader(handle)}


def looks_like_gkg(first_line: bytes) -> bool:
    """A GKG 2.1 record: 27 tab-separated fields, the first a GKGRECORDID."""
    fields = first_line.split(b"\t")
    return len(fields) == N_COLUMNS and bool(_RECORD_ID.match(fields[0].decode("latin-1")))


def _named(field: str, kind: str) -> list[GkgEntity]:
    """`Name,offset;Name,offset` (V2Persons, V2Organizations, V2Themes)."""
    out = []
    for block in field.split(";"):
        name, _, offset = block.rpartition(",")
        if not name.strip():
            continue
        out.append(GkgEntity(kind, name.strip(), None, int(offset) if offset.isdigit() else None))
    return out


def _countries(field: str) -> list[GkgEntity]:
    """Country of every V2Location: `type#name#country#adm1#adm2#lat#lon#feature#offset`."""
    table = fips_to_iso3()
    out = []
    for block in field.split(";"):
        parts = block.split("#")
        if len(parts) < 9 or not parts[2]:
            continue
        iso3, name = table.get(parts[2], (None, parts[2]))
        offset = parts[8]
        out.append(GkgEntity("country", name, iso3, int(offset) if offset.isdigit() else None))
    return out


def _tone(field: str) -> float | None:
    first = field.split(",", 1)[0]
    try:
        return float(first)
    except ValueError:
        return None


def parse_record(line: str, number: int, offset: int | None) -> Item:
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) != N_COLUMNS:
        return Reject(
            "malformed_gdelt",
            f"GKG record has {len(fields)} columns, not {N_COLUMNS}",
            number,
            offset,
            line,
        )
    if not fields[DOCUMENT].strip():
        return Reject("no_text", "GKG record without a DocumentIdentifier", number, offset, line)
    stamp = fields[DATE].strip()
    if not stamp or stamp == "0":
        return Reject("missing_date", "GKG record without a DATE", number, offset, line)
    try:
        date = parse_date(stamp)
    except DateError as error:
        return Reject(error.reason, f"GKG DATE: {error.detail}", number, offset, line)
    title_match = _TITLE.search(fields[EXTRAS])
    title = html.unescape(title_match.group(1)).strip() if title_match else None
    entities = (
        _named(fields[V2_PERSONS], "person")
        + _named(fields[V2_ORGANIZATIONS], "org")
        + _countries(fields[V2_LOCATIONS])
        + _named(fields[V2_THEMES], "theme")
    )
    document = fields[DOCUMENT].strip()
    return Article(
        text="",
        title=title or None,
        date=date,
        url=document,  # a URL, or a citation for print and broadcast sources
        external_id=fields[RECORD_ID],
        line=number,
        offset=offset,
        entities=entities,
        tone=_tone(fields[TONE]),
    )


def read_gdelt(source: Input, options: ReadOptions) -> Iterator[Item]:
    """Every record of a GKG 2.1 file (no header line; UTF-8)."""
    limit = options.max_record_bytes
    with source.open() as stream:
        for number, offset, raw in iter_byte_lines(stream, limit):
            if raw is None:
                yield Reject(
                    "record_too_large", f"line over the {limit // MIB} MiB record limit", number
                )
                continue
            if not raw.strip():
                continue
            yield parse_record(decode_line(raw, "utf-8"), number, offset)
