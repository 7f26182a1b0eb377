"""Readers turn one input file into article records plus rejected records with reasons.

Each reader is a generator-free function over a file's bytes so that one bad record
quarantines only itself. Records are plain dicts; `ingest` turns a batch into a frame.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_DATE_LINE = re.compile(r"^date:?\s+(\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)
_TITLE_LINE = re.compile(r"^title:\s*(.+?)\s*$", re.IGNORECASE)


@dataclass
class Parsed:
    """What one file yielded: articles and the records that had to be quarantined."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, reason: str, *, line: int | None = None, raw: str | None = None) -> None:
        self.rejected.append({"line": line, "reason": reason, "raw": raw})


def parse_date(value: Any) -> datetime | None:
    """ISO 8601 date or date-time (with or without zone) as naive UTC; None if unparseable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else UTF-16 with a BOM, else CP-1252 as a last resort."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_text(path: Path, data: bytes) -> Parsed:
    """A plain-text article; leading `date YYYY-MM-DD` and `title: …` lines are headers."""
    out = Parsed()
    lines = decode(data).splitlines()
    date: datetime | None = None
    title: str | None = None
    body_start = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if date is None and (match := _DATE_LINE.match(stripped)):
            date = parse_date(match.group(1))
            if date is None:
                out.reject(f"invalid date header {stripped!r}", line=index + 1, raw=stripped)
                return out
        elif title is None and (match := _TITLE_LINE.match(stripped)):
            title = match.group(1)
        else:
            body_start = index
            break
    else:
        body_start = len(lines)
    text = "\n".join(lines[body_start:])
    if not text.strip():
        out.reject("no article text", line=None)
        return out
    out.articles.append(
        {"external_id": path.name, "url": None, "title": title, "text": text, "date": date}
    )
    return out


def read_jsonl(path: Path, data: bytes) -> Parsed:
    """One JSON object per line with `text` (or `title`) and optional id, date, url."""
    out = Parsed()
    for number, line in enumerate(decode(data).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            out.reject(f"malformed JSON: {error}", line=number, raw=line[:10_000])
            continue
        if not isinstance(record, dict):
            out.reject("not a JSON object", line=number, raw=line[:10_000])
            continue
        text, title = record.get("text"), record.get("title")
        if not isinstance(text, str):
            text = ""
        if not isinstance(title, str):
            title = None
        if not text.strip() and not (title or "").strip():
            out.reject("no text and no title", line=number, raw=line[:10_000])
            continue
        date = None
        if record.get("date") not in (None, ""):
            date = parse_date(record["date"])
            if date is None:
                out.reject(f"unparseable date {record['date']!r}", line=number, raw=line[:10_000])
                continue
        url = record.get("url")
        out.articles.append(
            {
                "external_id": None if record.get("id") is None else str(record["id"]),
                "url": url if isinstance(url, str) else None,
                "title": title,
                "text": text,
                "date": date,
            }
        )
    return out


READERS: dict[str, tuple[str, Callable[[Path, bytes], Parsed]]] = {
    ".txt": ("text", read_text),
    ".jsonl": ("jsonl", read_jsonl),
    ".ndjson": ("jsonl", read_jsonl),
}
