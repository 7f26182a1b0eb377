"""Saved HTML article pages: main text, title, date and canonical URL via trafilatura.

trafilatura finds the article body among menus, footers and comments, which no tag
stripping can; its metadata gives the title, the publication date (htmldate) and the
canonical URL when the page declares one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from cooccur.readers.base import Article, Input, Item, ReadError, ReadOptions, Reject, read_limited
from cooccur.readers.dates import DateError, optional_date
from cooccur.readers.encoding import decode_document, html_charset


def read_html(source: Input, options: ReadOptions) -> Iterator[Item]:
    """One article per page; a page with no article text is quarantined."""
    import trafilatura

    with source.open() as stream:
        data = read_limited(stream, options.max_record_bytes)
    if data is None:
        raise ReadError(
            "record_too_large", f"HTML page over the {options.max_record_bytes // 2**20} MiB limit"
        )
    page = decode_document(data, hint=html_charset(data))
    result = trafilatura.extract(
        page, output_format="json", with_metadata=True, include_comments=False
    )
    if not result:
        yield Reject("no_text", "no article text found in the HTML page", raw=data)
        return
    meta = json.loads(result)
    text, title = meta.get("text") or "", meta.get("title") or None
    if title and text.startswith(title):  # the page's <h1> repeats the title
        text = text[len(title) :].lstrip("\n")
    if not text.strip() and not title:
        yield Reject("no_text", "no article text found in the HTML page", raw=data)
        return
    try:
        date = optional_date(meta.get("date"))
    except DateError as error:
        yield Reject(error.reason, f"page date: {error.detail}", raw=data)
        return
    fetched = source.path if source.path.startswith(("http://", "https://")) else None
    url = meta.get("source") or fetched  # the page's canonical URL, else where it came from
    yield Article(text=text, title=title, date=date, url=url, external_id=source.name)
