"""CSV and TSV files with a header row; columns mapped to article fields by `--map`.

Quoted fields may hold newlines and quotes (RFC 4180); the delimiter is sniffed from the
header. Rows are read one at a time, so a large file streams.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from typing import Any

from cooccur.readers.base import MIB, Input, Item, ReadError, ReadOptions, Reject, resolve_columns
from cooccur.readers.encoding import sniff_input, text_lines
from cooccur.readers.records import record_item

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # records are bounded by the line reader


class _Lines:
    """Feeds decoded lines to `csv.reader` and remembers what was skipped as too long."""

    def __init__(self, source: Iterator[tuple[int, int | None, str | None, bytes | None]]):
        self.source = source
        self.too_long: list[int] = []
        self.line = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        number, _, text, _ = next(self.source)
        self.line = number
        if text is None:
            self.too_long.append(number)
            return "\n"
        return text


def _dialect(header: str, name: str) -> type[csv.Dialect]:
    """RFC 4180 quoting (`""` inside quotes) with the delimiter the header uses."""
    delimiter = "\t" if name.lower().endswith(".tsv") else None
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(header, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    return type("Sniffed", (csv.excel,), {"delimiter": delimiter})


def read_csv(source: Input, options: ReadOptions) -> Iterator[Item]:
    """One article per row; the header names the columns (`text`, `title`, `date`, …)."""
    codec = sniff_input(source)
    limit = options.max_record_bytes
    with source.open() as stream:
        lines = _Lines(text_lines(stream, codec, limit))
        try:
            header_line = next(lines)
        except StopIteration:
            return
        dialect = _dialect(header_line, source.name)
        header = next(csv.reader([header_line], dialect), [])
        header = [h.strip().lstrip("\ufeff") for h in header]
        columns = resolve_columns(header, options.mapping)
        missing = [c for c in options.mapping.values() if c not in header]
        if missing or (columns["text"] is None and columns["title"] is None):
            raise ReadError(
                "no_text",
                f"CSV header {header[:20]} has no column {missing or 'text/title'}; "
                "name one with --map text=COLUMN",
                raw=header_line,
            )
        index = {name: i for i, name in reversed(list(enumerate(header)))}
        reader = csv.reader(lines, dialect)
        while True:
            start = lines.line + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                yield Reject("malformed_csv", f"malformed CSV: {error}", line=start)
                continue
            for number in lines.too_long:
                yield Reject(
                    "record_too_large", f"line over the {limit // MIB} MiB record limit", number
                )
            lines.too_long.clear()
            if not row or not any(cell.strip() for cell in row):
                continue

            def get(name: str | None, row: list[str] = row) -> Any:
                i = index.get(name) if name is not None else None
                return row[i] if i is not None and i < len(row) else None

            item = record_item(get, columns, line=start)
            if isinstance(item, Reject):
                item.raw = _raw(row, dialect)
            yield item


def _raw(row: list[str], dialect: Any) -> str:
    delimiter = getattr(dialect, "delimiter", ",")
    return delimiter.join(row)[:10_000]
