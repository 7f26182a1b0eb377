"""What every reader shares: the records it yields, its limits, and bounded byte access.

A reader is a generator over one input (a file, an archive member or a fetched URL) that
yields `Article`s and `Reject`s in input order, so one bad record quarantines only itself
and the caller can write batches while a large file is still being read. Readers never
hold more than one record (at most `max_record_bytes`) in memory, except the formats
that are one document by nature (text, HTML, feeds, a single JSON object) and JSON Lines,
which holds a block of lines (at most 8 MiB, plus one record) to parse them column-wise
and yields an `ArticleBlock` for the ones that need no reject.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

MIB = 1024 * 1024
RAW_LIMIT = 10_000  # bytes of a rejected record kept in `quarantine.raw_bytes`

_SURROGATES = re.compile(r"[\ud800-\udfff]")


@dataclass(slots=True)
class GkgEntity:
    kind: str  # person | org | country | theme
    name: str
    iso3: str | None
    char_offset: int | None


@dataclass(slots=True)
class Article:
    """One article as read; text and title are normalised later, in bulk."""

    text: str
    title: str | None = None
    date: datetime | None = None  # naive UTC; None means "use the file's date"
    url: str | None = None
    external_id: str | None = None
    line: int | None = None
    offset: int | None = None  # byte offset in the input, for progress and reference
    entities: list[GkgEntity] | None = None  # GDELT's pre-extracted entities
    tone: float | None = None  # GDELT's document tone


@dataclass(slots=True)
class Reject:
    """A record (or a whole input) that could not be ingested, and why.

    `reason` is a stable code (`malformed_json`) counted in run summaries; `detail` is the
    human-readable message naming what was wrong and where.
    """

    reason: str
    detail: str
    line: int | None = None
    offset: int | None = None
    raw: bytes | str | None = None


@dataclass(slots=True)
class ArticleBlock:
    """Many articles read at once (JSON Lines parsed column-wise), in input order.

    `frame` has `text` (str, never null), `title`, `date` (naive-UTC datetime; null means
    "use the file's date"), `url`, `external_id`, `line` and `offset`: the fields of the
    `Article`s the record-by-record path would have made from the same lines.
    """

    frame: pl.DataFrame
    offset: int | None = None  # byte offset after the block's last line, for progress

    def articles(self) -> Iterator[Article]:
        """The block as `Article`s (for callers that want records one by one)."""
        for text, title, date, url, external_id, line, offset in self.frame.select(
            "text", "title", "date", "url", "external_id", "line", "offset"
        ).iter_rows():
            yield Article(text, title, date, url, external_id, line, offset)


Item = Article | Reject | ArticleBlock


@dataclass(frozen=True)
class ReadOptions:
    """Limits and the column mapping; the defaults suit a laptop."""

    mapping: Mapping[str, str] = field(default_factory=dict)  # target field -> input field
    max_file_bytes: int = 512 * MIB
    max_record_bytes: int = 16 * MIB
    max_archive_bytes: int = 4096 * MIB  # bytes expanded from one archive, all members
    columnar: bool = True  # JSON Lines: parse clean runs of lines column-wise (same result)


@dataclass
class Input:
    """One thing to read: `path` names it in the database, `name` decides its format."""

    path: str
    name: str
    size: int | None
    mtime: float
    opener: Callable[[], IO[bytes]]

    def open(self) -> IO[bytes]:
        return self.opener()


class ReadError(Exception):
    """Stops reading one input; the caller quarantines it with `reason`."""

    def __init__(self, reason: str, detail: str, *, raw: bytes | str | None = None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.raw = raw


def clean(value: Any) -> str | None:
    """A string field as text Arrow accepts: lone surrogates (from JSON escapes) replaced."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    if not value.isascii() and _SURROGATES.search(value):
        value = _SURROGATES.sub("\ufffd", value)
    return value


def read_limited(stream: IO[bytes], limit: int) -> bytes | None:
    """At most `limit` bytes of the stream; None if there is more (the record is too big)."""
    data = stream.read(limit + 1)
    return None if len(data) > limit else data


def iter_byte_lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number, byte offset, line) of a byte stream; line None when over `limit`.

    A line too long to hold is skipped in chunks, so memory stays bounded by `limit`.
    """
    number, offset = 0, 0
    readline = stream.readline
    while True:
        line = readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            skipped = len(line)
            while True:
                rest = readline(MIB)
                skipped += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, offset, None
            offset += skipped
            continue
        yield number, offset, line
        offset += len(line)


def iter_text_lines(stream: IO[str], limit: int) -> Iterator[tuple[int, str | None]]:
    """(line number, line) of a text stream; line None when over `limit` characters."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            while True:
                rest = stream.readline(MIB)
                if not rest or rest.endswith("\n"):
                    break
            yield number, None
            continue
        yield number, line


def raw_excerpt(raw: bytes | str | None) -> tuple[str | None, bytes | None]:
    """The quarantined record as text for people and as bytes for replay, both ≤ 10 kB."""
    if raw is None:
        return None, None
    if isinstance(raw, str):
        text = clean(raw[:RAW_LIMIT])
        return text, (text or "").encode("utf-8")[:RAW_LIMIT]
    data = bytes(raw[:RAW_LIMIT])
    return data.decode("utf-8", errors="replace"), data


def field_lookup(record: Mapping[str, Any], name: str) -> Any:
    """`name` in a record; a dotted name (`meta.date`) walks nested objects."""
    if name in record:
        return record[name]
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


# Where each article field is looked for when `--map` does not say (first match wins,
# compared case-insensitively with the input's column or key names).
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "full_text", "fulltext", "story"),
    "title": ("title", "headline", "heading"),
    "date": (
        "date",
        "published_at",
        "published",
        "publish_date",
        "pubdate",
        "pub_date",
        "datetime",
        "timestamp",
        "created_at",
        "time",
    ),
    "url": ("url", "link", "href", "source_url", "uri"),
    "id": ("id", "article_id", "guid", "uuid", "external_id"),
}
TARGETS = tuple(DEFAULT_FIELDS)


def resolve_columns(columns: list[str], mapping: Mapping[str, str]) -> dict[str, str | None]:
    """Which input column feeds each article field, from `--map` or the usual names."""
    lower = {c.lower(): c for c in reversed(columns)}
    out: dict[str, str | None] = {}
    for target, candidates in DEFAULT_FIELDS.items():
        if target in mapping:
            out[target] = mapping[target]
        else:
            out[target] = next((lower[c] for c in candidates if c in lower), None)
    return out


def parse_mapping(specs: list[str] | str | None) -> dict[str, str]:
    """`text=body,date=published_at` (one or several) as {'text': 'body', 'date': …}."""
    if not specs:
        return {}
    if isinstance(specs, str):
        specs = [specs]
    mapping: dict[str, str] = {}
    for spec in specs:
        for pair in spec.split(","):
            if not pair.strip():
                continue
            target, sep, source = pair.partition("=")
            target, source = target.strip().lower(), source.strip()
            if not sep or not source:
                raise ValueError(f"--map {pair!r}: expected FIELD=COLUMN, e.g. text=body")
            if target not in TARGETS:
                raise ValueError(f"--map {pair!r}: field must be one of {', '.join(TARGETS)}")
            mapping[target] = source
    return mapping


class CountingStream(io.RawIOBase):
    """Passes reads through and stops with `archive_too_large` past `limit` bytes in all.

    One budget is shared by every member of an archive, so a zip bomb stops expanding at
    the cap however its members or headers lie.
    """

    def __init__(self, inner: IO[bytes], budget: list[int], what: str) -> None:
        self.inner = inner
        self.budget = budget  # [bytes left], shared
        self.what = what

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        # read1: what one step decompresses, so data before a truncation still arrives
        read = getattr(self.inner, "read1", self.inner.read)
        data = read(len(buffer))
        self.budget[0] -= len(data)
        if self.budget[0] < 0:
            raise ReadError("archive_too_large", f"{self.what} expands past the archive size limit")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()
