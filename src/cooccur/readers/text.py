"""Plain-text articles: one per file, with optional `date …` and `title: …` header lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cooccur.readers.base import Article, Input, Item, ReadError, ReadOptions, Reject, read_limited
from cooccur.readers.dates import DateError, parse_date
from cooccur.readers.encoding import decode_document

_DATE_LINE = re.compile(r"^date(:)?\s+(.+?)\s*$", re.IGNORECASE)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TITLE_LINE = re.compile(r"^title:\s*(.+?)\s*$", re.IGNORECASE)


def read_text(source: Input, options: ReadOptions) -> Iterator[Item]:
    """A plain-text article; leading `date YYYY-MM-DD` (or `date: <any date>`) and
    `title: …` lines are headers, the rest is the text."""
    with source.open() as stream:
        data = read_limited(stream, options.max_record_bytes)
    if data is None:
        raise ReadError(
            "record_too_large",
            f"text file over the {options.max_record_bytes // 2**20} MiB article limit",
        )
    lines = decode_document(data).splitlines()
    date = title = None
    body_start = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        date_match = _DATE_LINE.match(stripped) if date is None else None
        # `date 2025-04-08` or `date: …`; a sentence starting "Date palms…" is body text
        if date_match and (date_match.group(1) or _ISO_DAY.match(date_match.group(2))):
            try:
                date = parse_date(date_match.group(2))
            except DateError as error:
                yield Reject(error.reason, f"date header: {error.detail}", line=index + 1, raw=line)
                return
        elif title is None and (title_match := _TITLE_LINE.match(stripped)):
            title = title_match.group(1)
        else:
            body_start = index
            break
    text = "\n".join(lines[body_start:])
    if not text.strip():
        yield Reject("no_text", "no article text after the header lines")
        return
    yield Article(text=text, title=title, date=date, external_id=source.name)
