"""RSS and Atom feeds (files, or URLs the user names): each entry becomes an article.

feedparser copes with every RSS/Atom dialect and with broken XML; an entry's content (or
else its summary) is HTML, turned into text by lxml's parser, paragraphs kept.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from cooccur.readers.base import Article, Input, Item, ReadError, ReadOptions, Reject, read_limited
from cooccur.readers.dates import DateError, optional_date, parse_date

_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "section", "article", "figure", "figcaption", "hr",
}  # fmt: skip


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment; block elements become paragraph breaks."""
    if "<" not in fragment:
        return fragment
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        block = tag.lower() in _BLOCKS
        if block:
            parts.append("\n\n")
        if element.text and tag:
            parts.append(element.text)
        for child in element:
            walk(child)
        if block:
            parts.append("\n\n")
        if element.tail:
            parts.append(element.tail)

    walk(root)
    return "".join(parts).strip()


def _entry_text(entry: Any) -> str:
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    best = max(contents, key=lambda c: len(c["value"]), default=None)
    detail = best or entry.get("summary_detail") or {}
    value = detail.get("value") or entry.get("summary") or ""
    if detail.get("type", "text/html") == "text/plain":
        return value
    return html_to_text(value)


def _entry_date(entry: Any) -> datetime | None:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return parse_date(datetime.fromtimestamp(calendar.timegm(parsed), UTC))
        if entry.get(key):
            return optional_date(entry.get(key))
    return None


def parse_feed(data: bytes) -> Iterator[Item]:
    """Articles of a feed document given as bytes."""
    import feedparser

    # a stream, never bytes or str: feedparser opens a str/bytes that names a file or URL
    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.entries:
        problem = parsed.get("bozo_exception") or "no entries"
        raise ReadError("malformed_feed", f"not a readable RSS/Atom feed: {problem}", raw=data)
    for number, entry in enumerate(parsed.entries, start=1):
        raw = f"{entry.get('title', '')} {entry.get('link', '')}".strip()
        try:
            date = _entry_date(entry)
        except DateError as error:
            yield Reject(error.reason, f"feed entry {number}: {error.detail}", line=number, raw=raw)
            continue
        title = entry.get("title") or None
        if title and "<" in title:
            title = html_to_text(title)
        text = _entry_text(entry)
        if not text.strip() and not title:
            detail = f"feed entry {number} has no text and no title"
            yield Reject("no_text", detail, line=number, raw=raw)
            continue
        yield Article(
            text=text,
            title=title,
            date=date,
            url=entry.get("link") or None,
            external_id=entry.get("id") or None,
            line=number,
        )


def read_feed(source: Input, options: ReadOptions) -> Iterator[Item]:
    """A feed file: one article per entry (`line` in rejects is the entry number)."""
    with source.open() as stream:
        data = read_limited(stream, options.max_record_bytes)
    if data is None:
        raise ReadError(
            "record_too_large", f"feed over the {options.max_record_bytes // 2**20} MiB limit"
        )
    if not data.strip():
        raise ReadError("empty_file", "empty file (no feed)")
    yield from parse_feed(data)
