"""Ingest files into `articles`: skip unchanged files, quarantine bad records, dedupe.

A batch of files is written in one transaction, so a crash leaves the database as it was
before that batch and the next run picks up the files that are not yet in `sources`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from cooccur.normalize import normalize_line, normalize_text
from cooccur.readers import READERS, Parsed
from cooccur.store import Store

MAX_FILE_BYTES = 512 * 1024 * 1024
BATCH_BYTES = 64 * 1024 * 1024

_ARTICLE_SCHEMA = {
    "source": pl.String,
    "source_path": pl.String,
    "external_id": pl.String,
    "url": pl.String,
    "title": pl.String,
    "text": pl.String,
    "published_at": pl.Datetime("us"),
    "date_inferred": pl.Boolean,
}
_QUARANTINE_SCHEMA = {
    "source_path": pl.String,
    "line": pl.Int32,
    "reason": pl.String,
    "raw": pl.String,
}
_SOURCE_SCHEMA = {
    "path": pl.String,
    "size": pl.Int64,
    "mtime": pl.Float64,
    "sha256": pl.String,
    "format": pl.String,
    "n_records": pl.Int32,
    "n_quarantined": pl.Int32,
}


@dataclass
class IngestSummary:
    files_seen: int = 0
    files_unchanged: int = 0
    files_read: int = 0
    records: int = 0
    articles_new: int = 0
    duplicates: int = 0
    quarantined: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Input files in a stable order: named files as given, folders recursively."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and _is_input(p))
        else:
            yield path


def _is_input(path: Path) -> bool:
    return path.suffix.lower() in READERS and not path.name.startswith(".")


@dataclass
class _FileBatchItem:
    path: Path
    size: int
    mtime: float
    sha256: str
    format: str
    parsed: Parsed


def _read_file(path: Path, size: int, mtime: float) -> _FileBatchItem:
    suffix = path.suffix.lower()
    fmt, reader = READERS.get(suffix, ("unknown", None))
    parsed = Parsed()
    digest = ""
    if reader is None:
        parsed.reject(f"unsupported file type {suffix or '(none)'!r}; supported: {sorted(READERS)}")
    elif size > MAX_FILE_BYTES:
        parsed.reject(f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit")
    else:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            parsed.reject("binary file (NUL bytes)")
        elif not data.strip():
            parsed.reject("empty file")
        else:
            parsed = reader(path, data)
    return _FileBatchItem(path, size, mtime, digest, fmt, parsed)


def _frames(items: list[_FileBatchItem]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    articles, rejected, sources = [], [], []
    for item in items:
        path = str(item.path)
        file_date = datetime.fromtimestamp(item.mtime, UTC).replace(tzinfo=None)
        for record in item.parsed.articles:
            articles.append(
                {
                    "source": item.format,
                    "source_path": path,
                    "external_id": record["external_id"],
                    "url": record["url"],
                    "title": record["title"],
                    "text": record["text"],
                    "published_at": record["date"] or file_date,
                    "date_inferred": record["date"] is None,
                }
            )
        rejected.extend({"source_path": path, **r} for r in item.parsed.rejected)
        sources.append(
            {
                "path": path,
                "size": item.size,
                "mtime": item.mtime,
                "sha256": item.sha256,
                "format": item.format,
                "n_records": len(item.parsed.articles) + len(item.parsed.rejected),
                "n_quarantined": len(item.parsed.rejected),
            }
        )
    article_frame = pl.DataFrame(articles, schema=_ARTICLE_SCHEMA).with_columns(
        normalize_text("text"), normalize_line("title")
    )
    return (
        article_frame,
        pl.DataFrame(rejected, schema=_QUARANTINE_SCHEMA),
        pl.DataFrame(sources, schema=_SOURCE_SCHEMA),
    )


def _changed_files(store: Store, files: list[Path]) -> list[tuple[Path, int, float]]:
    """Files whose path, size or mtime differ from what `sources` recorded."""
    stats = []
    for path in files:
        stat = path.stat()
        stats.append({"path": str(path), "size": stat.st_size, "mtime": stat.st_mtime})
    frame = pl.DataFrame(stats, schema={"path": pl.String, "size": pl.Int64, "mtime": pl.Float64})
    store.register("candidate_files", frame)
    try:
        changed = store.query(
            "select c.path, c.size, c.mtime from candidate_files c "
            "left join sources s on s.path = c.path and s.size = c.size and s.mtime = c.mtime "
            "where s.path is null"
        )
    finally:
        store.unregister("candidate_files")
    return [(Path(p), s, m) for p, s, m in changed.iter_rows()]


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Read every new or changed input file under `paths` into the database."""
    files = list(discover(paths))
    missing = [p for p in files if not p.exists()]
    if missing:
        raise FileNotFoundError(f"input not found: {', '.join(map(str, missing))}")
    summary = IngestSummary(files_seen=len(files))
    todo = _changed_files(store, files)
    summary.files_unchanged = len(files) - len(todo)
    batch: list[_FileBatchItem] = []
    batch_bytes = 0
    for done, (path, size, mtime) in enumerate(todo, start=1):
        batch.append(_read_file(path, size, mtime))
        batch_bytes += size
        if batch_bytes >= BATCH_BYTES:
            _write_batch(store, batch, summary)
            batch, batch_bytes = [], 0
        if progress:
            progress(done, len(todo))
    if batch:
        _write_batch(store, batch, summary)
    return summary


def _write_batch(store: Store, items: list[_FileBatchItem], summary: IngestSummary) -> None:
    articles, rejected, sources = _frames(items)
    with store.transaction():
        before = store.scalar("select count(*) from articles")
        store.run_with(
            "ingest_batch", batch_articles=articles, batch_rejected=rejected, batch_sources=sources
        )
        added = store.scalar("select count(*) from articles") - before
    summary.files_read += len(items)
    summary.records += articles.height + rejected.height
    summary.articles_new += added
    summary.duplicates += articles.height - added
    summary.quarantined += rejected.height
