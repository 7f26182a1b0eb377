"""Readers turn one input into articles, and the records they cannot use into rejects.

`read_input` picks the reader from the input's name (and, for `.csv`, from its first
line: GDELT GKG files are tab-separated `.csv`), opens archives, and turns any failure
into a `Reject` with its reason, so one unreadable input never stops a run. Each reader
lives in its own module; `FORMATS` lists them.
"""

from __future__ import annotations

import io
import os
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO

from cooccur.readers.archive import ARCHIVE_ERRORS, gzip_member, zip_members
from cooccur.readers.base import (
    MIB,
    Article,
    ArticleBlock,
    GkgEntity,
    Input,
    Item,
    ReadError,
    ReadOptions,
    Reject,
    parse_mapping,
)
from cooccur.readers.csvfile import read_csv
from cooccur.readers.dates import DateError, parse_date
from cooccur.readers.feed import read_feed
from cooccur.readers.gdelt import looks_like_gkg, read_gdelt
from cooccur.readers.htmlpage import read_html
from cooccur.readers.jsonl import read_json, read_jsonl
from cooccur.readers.parquet import read_parquet
from cooccur.readers.text import read_text

__all__ = [
    "FORMATS",
    "Article",
    "ArticleBlock",
    "DateError",
    "GkgEntity",
    "Input",
    "Item",
    "ReadOptions",
    "Reject",
    "detect_format",
    "fetch_url",
    "is_url",
    "read_url",
    "file_input",
    "parse_date",
    "parse_mapping",
    "read_input",
]

Reader = Callable[[Input, ReadOptions], Iterator[Item]]

FORMATS: dict[str, Reader] = {
    "text": read_text,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "parquet": read_parquet,
    "html": read_html,
    "feed": read_feed,
    "gdelt": read_gdelt,
}
SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".zip": "zip",
    ".gz": "gzip",
    ".gzip": "gzip",
}


def detect_format(name: str) -> str | None:
    """The format a file name says (`gdelt` for `*.gkg.csv`), None if unsupported."""
    lower = name.lower()
    if lower.endswith((".gkg.csv", ".gkg.tsv")):
        return "gdelt"
    dot = lower.rfind(".")
    return SUFFIXES.get(lower[dot:]) if dot > 0 else None


def supported(name: str) -> bool:
    return detect_format(name) is not None and not name.startswith(".")


def file_input(path: str, *, size: int | None, mtime: float) -> Input:
    name = os.path.basename(path)
    return Input(path=path, name=name, size=size, mtime=mtime, opener=lambda: open(path, "rb"))


def _sniff_csv(source: Input) -> str:
    with source.open() as stream:
        first = stream.readline(64 * 1024)
    return "gdelt" if looks_like_gkg(first) else "csv"


def read_input(
    source: Input, options: ReadOptions, *, depth: int = 0, blocks: bool = False
) -> Iterator[tuple[Input, str, Item]]:
    """(input, format, item) for everything in `source`; archives yield their members.

    Whatever goes wrong reading an input becomes a Reject for that input; records already
    yielded from it stand. With `blocks`, a reader may yield an `ArticleBlock` of many
    articles at once; without, such blocks come as their `Article`s.
    """
    if not blocks:
        for where, fmt, item in read_input(source, options, depth=depth, blocks=True):
            if isinstance(item, ArticleBlock):
                for article in item.articles():
                    yield where, fmt, article
            else:
                yield where, fmt, item
        return
    fmt = detect_format(source.name)
    if fmt is None:
        known = ", ".join(sorted(SUFFIXES))
        reject = Reject("unsupported_type", f"unsupported file type {source.name!r}; use {known}")
        yield source, "unknown", reject
        return
    if fmt in ("zip", "gzip") and depth > 0:
        yield source, fmt, Reject("nested_archive", "archives inside archives are not read")
        return
    try:
        if fmt == "zip":
            for member in zip_members(source, options, supported):
                if isinstance(member, Input):
                    yield from read_input(member, options, depth=depth + 1, blocks=True)
                else:
                    path, reject = member
                    where = Input(path, path, None, source.mtime, source.opener)
                    yield where, fmt, reject
            return
        if fmt == "gzip":
            member = gzip_member(source, options)
            yield from read_input(member, options, depth=depth + 1, blocks=True)
            return
        if fmt == "csv":
            fmt = _sniff_csv(source)
        for item in FORMATS[fmt](source, options):
            yield source, fmt, item
    except ReadError as error:
        yield source, fmt, Reject(error.reason, error.detail, raw=error.raw)
    except ARCHIVE_ERRORS as error:
        detail = f"corrupt or truncated archive: {type(error).__name__}: {error}"
        yield source, fmt, Reject("corrupt_archive", detail)
    except OSError as error:
        yield source, fmt, Reject("unreadable_file", f"cannot read: {error}")
    except Exception as error:  # a reader bug must not stop the run; it is recorded
        detail = f"reader failed: {type(error).__name__}: {error}"
        yield source, fmt, Reject("reader_error", detail)


def is_url(value: str) -> bool:
    return urllib.parse.urlsplit(value).scheme in ("http", "https")


def read_url(url: str, *, timeout: float, limit: int | None = None) -> tuple[bytes, str]:
    """The body of `url` (at most `limit` bytes) and its content type: how article URLs are
    read (feeds and pages here, article files in `cooccur.fetch`; GDELT's files have their
    own client in `cooccur.gdelt_fetch`)."""
    request = urllib.request.Request(url, headers={"User-Agent": "cooccur"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        data = response.read() if limit is None else response.read(limit)
        return data, response.headers.get_content_type()


def fetch_url(url: str, options: ReadOptions, *, timeout: float = 30) -> Input:
    """Download a feed or page the user named; the bytes are then read like a file.

    Only called for URLs given on the command line: nothing is fetched on its own.
    """
    data, kind = read_url(url, timeout=timeout, limit=options.max_file_bytes + 1)
    if len(data) > options.max_file_bytes:
        raise ReadError("file_too_large", f"{url} is over {options.max_file_bytes // MIB} MiB")
    head = data[:2048].lower()
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head or "xml" in kind:
        name = "feed.xml"
    elif b"<html" in head or kind == "text/html":
        name = "page.html"
    else:
        name = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1] or "download.html"
    mtime = datetime.now(UTC).timestamp()

    def opener() -> IO[bytes]:
        return io.BytesIO(data)

    return Input(path=url, name=name, size=len(data), mtime=mtime, opener=opener)
