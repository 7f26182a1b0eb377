"""A block of JSON Lines parsed by Polars, when that gives exactly what `json.loads` would.

`columnar_block` returns an `ArticleBlock` only when every line of the block becomes an
article and every field comes out as the line-by-line reader (`jsonl._parse_line` →
`ObjectMapper` → `record_item`) makes it; otherwise None, and the caller reads the block
line by line. It declines, before parsing, any block with bytes or escapes where Polars'
parser and Python's `json` differ (invalid UTF-8, raw control characters, a BOM, escaped
surrogates, escaped ASCII letters that could spell a key); after parsing, any block where
a field could be ambiguous (two input keys for one field, a key given twice, a value that
is not a string) or where some line would be rejected (no text, a bad date). So rejects
always come from the line-by-line reader, with their line, offset and raw bytes.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import pyarrow as pa

from cooccur.readers.base import DEFAULT_FIELDS, MIB, ArticleBlock, resolve_columns
from cooccur.readers.dates import MIN_YEAR, DateError, optional_date

BLOCK_LINES = 8192
MIN_BLOCK_LINES = 256  # a declined block is halved down to this size
BLOCK_BYTES = 8 * MIB

# every byte but the control bytes json.loads refuses raw inside strings (\n ends a line)
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b == 10)
# \ud800-\udfff (surrogates: Polars and Python differ on lone ones), \u0020-\u007f (could
# spell a key another way), \u001c-\u001f (Python's str.strip removes them, Polars' not)
_ESCAPES = re.compile(rb"\\u(?:[dD][89a-fA-F]|00[2-7]|001[c-fC-F])")
_SIMPLE_KEY = re.compile(r"[A-Za-z0-9_]+")
_ISO_FORMATS = (  # the ISO forms parsed column-wise; datetime.fromisoformat agrees on them
    (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", "%Y-%m-%dT%H:%M:%S"),
    (r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", "%Y-%m-%d %H:%M:%S"),
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
)


def columnar_block(
    block: list[tuple[int, int, bytes]], mapping: Mapping[str, str]
) -> ArticleBlock | None:
    """The articles of `block` ((line number, byte offset, raw line) in input order), or
    None if any line needs the line-by-line reader."""
    data = b"".join(raw for _, _, raw in block)
    if not _clean_bytes(data):
        return None
    try:
        frame = pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException, ValueError, OverflowError):
        return None
    if frame.height != len(block):  # a blank line, or a line Polars split or merged
        return None
    columns = _columns(frame.columns, mapping)
    if columns is None:
        return None
    keys = _key_counts(data, [n for n in columns.values() if n is not None])
    if keys is None:
        return None
    values: dict[str, pl.Series] = {}
    for target, name in columns.items():
        series = _strings(frame, name, keys)
        if series is None:
            return None
        values[target] = series
    date = _dates(values.pop("date"))
    numbers, offsets = zip(*((n, o) for n, o, _ in block), strict=True)
    last = block[-1]
    return _block(values, date, list(numbers), list(offsets), last[1] + len(last[2]))


def arrow_block(
    batch: pa.RecordBatch, columns: Mapping[str, str | None], first_line: int
) -> ArticleBlock | None:
    """The articles of a Parquet record batch, or None if any row needs the row reader
    (`parquet.read_parquet`): fields must be strings, dates strings or timestamps."""
    try:
        frame = pl.from_arrow(batch)
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException, ValueError, TypeError):
        return None
    if not isinstance(frame, pl.DataFrame):
        return None
    values: dict[str, pl.Series] = {}
    date: pl.Series | None = pl.Series([None] * frame.height, dtype=pl.Datetime("us"))
    for target, name in columns.items():
        series = (
            frame.get_column(name)
            if name is not None and name in frame.columns
            else pl.Series([None] * frame.height, dtype=pl.Null)
        )
        if target == "date":
            date = _typed_dates(series)
            continue
        if series.dtype == pl.Null:
            series = series.cast(pl.String)
        if series.dtype != pl.String:
            return None
        values[target] = series
    lines = list(range(first_line, first_line + frame.height))
    return _block(values, date, lines, [None] * frame.height, None)


def _block(
    values: dict[str, pl.Series],
    date: pl.Series | None,
    lines: list[int],
    offsets: list[int | None],
    end: int | None,
) -> ArticleBlock | None:
    """The block's frame, or None if a row would be rejected (no text, a bad date)."""
    if date is None:
        return None
    text, title = values["text"].fill_null(""), values["title"]
    no_text = (text.str.strip_chars() == "") & (title.fill_null("").str.strip_chars() == "")
    if no_text.any():
        return None
    out = pl.DataFrame(
        {
            "text": text,
            "title": title,
            "date": date,
            "url": values["url"],
            "external_id": values["id"],
            "line": pl.Series(lines, dtype=pl.Int64),
            "offset": pl.Series(offsets, dtype=pl.Int64),
        }
    )
    return ArticleBlock(out, offset=end)


def _typed_dates(series: pl.Series) -> pl.Series | None:
    """`optional_date` of a typed column: strings parsed, dates and timestamps checked."""
    if series.dtype == pl.Null:
        return series.cast(pl.Datetime("us"))
    if series.dtype == pl.String:
        return _dates(series)
    if series.dtype == pl.Date:
        series = series.cast(pl.Datetime("us"))
    elif isinstance(series.dtype, pl.Datetime) and series.dtype.time_unit in ("us", "ms"):
        if series.dtype.time_zone is not None:  # as parse_date: converted to naive UTC
            series = series.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        series = series.cast(pl.Datetime("us"))
    else:
        return None  # nanoseconds, numbers, anything else: the row reader decides
    latest = datetime.now(UTC).year + 1
    if not series.dt.year().is_between(MIN_YEAR, latest).fill_null(True).all():
        return None
    return series


def _clean_bytes(data: bytes) -> bool:
    """No byte or escape on which Polars' JSON parser and Python's could disagree."""
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        if b"\xef\xbb\xbf" in data:
            return False
    return not data.translate(None, _NOT_CONTROL) and not _ESCAPES.search(data)


def _columns(names: list[str], mapping: Mapping[str, str]) -> dict[str, str | None] | None:
    """The input column of each field, if every record would pick the same one."""
    lower = [n.lower() for n in names]
    for target, candidates in DEFAULT_FIELDS.items():
        if target not in mapping and sum(n in candidates for n in lower) > 1:
            return None  # records might pick different keys (`text` here, `TEXT` there)
    return resolve_columns(names, mapping)


def _key_counts(data: bytes, names: list[str]) -> Counter[bytes] | None:
    """How often each used key occurs in the block, as `"name": "` (a string value
    follows) or as bare `"name"` (anything else follows, or it is not a key at all)."""
    if not all(_SIMPLE_KEY.fullmatch(n) for n in names):
        return None
    if not names:
        return Counter()
    alternatives = "|".join(sorted(set(names), key=len, reverse=True))
    pattern = re.compile(f'"(?:{alternatives})"(?:: ?")?'.encode())
    return Counter(pattern.findall(data))


def _strings(frame: pl.DataFrame, name: str | None, keys: Counter[bytes]) -> pl.Series | None:
    """The column as the strings `json.loads` gives, None if that cannot be sure.

    Every occurrence of the key `"name"` in the block must be followed by a string
    value, and there must be as many as the column has values: so no record has the key
    twice (Polars keeps the first, Python the last) or a value of another type (Polars
    turns `true` into "true", Python's reader into "True").
    """
    if name is None or name not in frame.columns:
        return pl.Series([None] * frame.height, dtype=pl.String)
    series = frame.get_column(name)
    if series.dtype == pl.Null:
        return series.cast(pl.String)
    if series.dtype != pl.String:
        return None
    token = f'"{name}"'.encode()
    as_string = keys[token + b': "'] + keys[token + b':"']
    if keys[token] or as_string != series.len() - series.null_count():
        return None
    return series


def _dates(series: pl.Series) -> pl.Series | None:
    """`optional_date` of every value; None if any is unusable (the line is rejected)."""
    latest = datetime.now(UTC).year + 1
    parsed = pl.Series([None] * series.len(), dtype=pl.Datetime("us"))
    todo = series.is_not_null()
    for pattern, fmt in _ISO_FORMATS:  # exclusive forms: stop when every date is parsed
        if not todo.any():
            break
        match = series.str.contains(pattern).fill_null(False)
        if match.any():
            value = series.str.to_datetime(fmt, strict=False, time_unit="us")
            good = match & value.dt.year().is_between(MIN_YEAR, latest).fill_null(False)
            parsed = parsed.zip_with(~good, value)
            todo = todo & ~good
    if todo.any():
        rest = todo.arg_true()
        try:
            dates = [optional_date(v) for v in series.gather(rest).to_list()]
        except DateError:
            return None
        parsed = parsed.scatter(rest, pl.Series(dates, dtype=pl.Datetime("us")))
    return parsed
