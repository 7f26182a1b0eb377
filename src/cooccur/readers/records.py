"""One mapped record (a JSON object, a CSV row, a Parquet row) as an article or a reject."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from cooccur.readers.base import Article, Item, Reject, clean, field_lookup, resolve_columns
from cooccur.readers.dates import DateError, optional_date


def _scalar_text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list | tuple | bytes):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return clean(value)


def record_item(
    get: Callable[[str | None], Any],
    columns: Mapping[str, str | None],
    *,
    line: int | None,
    offset: int | None = None,
    raw: bytes | str | None = None,
) -> Item:
    """Build the article from the mapped fields; reject it with the reason if unusable."""
    text = _scalar_text(get(columns["text"])) or ""
    title = _scalar_text(get(columns["title"]))
    if not text.strip() and not (title or "").strip():
        wanted = columns["text"] or "text"
        return Reject("no_text", f"no text ({wanted!r}) and no title", line, offset, raw)
    date_value = get(columns["date"])
    if isinstance(date_value, float) and math.isnan(date_value):
        date_value = None
    try:
        date = optional_date(date_value)
    except DateError as error:
        return Reject(error.reason, error.detail, line, offset, raw)
    return Article(
        text=text,
        title=title,
        date=date,
        url=_scalar_text(get(columns["url"])),
        external_id=_scalar_text(get(columns["id"])),
        line=line,
        offset=offset,
    )


class ObjectMapper:
    """Maps JSON objects, whose keys may differ from one to the next (cached per key set)."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self.mapping = mapping
        self._cache: dict[tuple[str, ...], dict[str, str | None]] = {}

    def item(
        self,
        record: Mapping[str, Any],
        *,
        line: int | None,
        offset: int | None = None,
        raw: bytes | str | Callable[[], str] | None = None,
    ) -> Item:
        """`raw` may be a function, called only if the record is rejected."""
        keys = tuple(record)
        columns = self._cache.get(keys)
        if columns is None:
            columns = resolve_columns(list(keys), self.mapping)
            if len(self._cache) < 1024:
                self._cache[keys] = columns

        def get(name: str | None) -> Any:
            return None if name is None else field_lookup(record, name)

        item = record_item(get, columns, line=line, offset=offset)
        if isinstance(item, Reject):
            item.raw = raw() if callable(raw) else raw
        return item
