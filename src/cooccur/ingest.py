"""Ingest inputs into `articles`: skip what is unchanged, quarantine what is bad, dedupe.

Work is streamed: readers yield records one by one and records are written in batches
(one transaction each), so memory stays bounded however large an input is. A thread reads
and prepares the next batch (parsing, normalising, hashing) while the calling thread
writes the last one into DuckDB (both release the GIL for most of their work), so ingest
uses two cores; at most one prepared batch waits for the writer. A file's
`sources` row is written in the batch that finishes it; a crash mid-file leaves it
unrecorded, and the next run reads it again (adding nothing already stored, and
replacing the file's earlier quarantine rows rather than repeating them).

Identity: an article with a URL is identified by its canonical URL (a changed text at the
same URL is a new `version`); without one, by the hash of its normalised text.
"""

from __future__ import annotations

import hashlib
import io
import os
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import polars as pl

from cooccur.normalize import non_ascii, normalize_frame
from cooccur.readers import (
    Article,
    ArticleBlock,
    Input,
    ReadOptions,
    Reject,
    detect_format,
    fetch_url,
    file_input,
    is_url,
    read_input,
)
from cooccur.readers import (
    supported as supported_name,
)
from cooccur.readers.base import MIB, ReadError, raw_excerpt
from cooccur.readers.discover import Found, Refused, discover
from cooccur.readers.encoding import MOJIBAKE, repair
from cooccur.store import Store

BATCH_BYTES = 32 * MIB  # text held before a batch is written
BATCH_ROWS = 200_000  # articles + entity rows held before a batch is written
SMALL_FILE = 1024 * 1024  # files up to this size are read into memory once
# DuckDB's buffer pool (80% of RAM by default) keeps every block ingest writes cached, so
# without a cap the process grows with the table; capped, blocks go to the file and peak
# RSS stays flat (benchmarks: 0.73 GB at 100k, 1.35 GB at 300k articles before the cap).
MEMORY_LIMIT = "256MB"
# Checkpoints (WAL into the file) after every batch rewrote the table's last, partial row
# group each time, so the WAL grows a few batches first. Not to MEMORY_LIMIT, though:
# committed rows wait in DuckDB's memory until checkpointed, and with the WAL as large as
# the cap they were spilled to temp files and read back (1M articles, same run: 5.3 → 3.1
# GB written, 81 → 54 s CPU at 64MB; a 16MB WAL rewrote row groups too often).
CHECKPOINT_THRESHOLD = "64MB"

_ARTICLE_SCHEMA = {
    "seq": pl.Int64,
    "source": pl.String,
    "source_path": pl.String,
    "external_id": pl.String,
    "url": pl.String,
    "canonical_url": pl.String,
    "title": pl.String,
    "text": pl.String,
    "published_at": pl.Datetime("us"),
    "date_inferred": pl.Boolean,
}
_ENTITY_SCHEMA = {
    "seq": pl.Int64,
    "kind": pl.String,
    "name": pl.String,
    "iso3": pl.String,
    "char_offset": pl.Int32,
}
_TONE_SCHEMA = {"seq": pl.Int64, "tone": pl.Float64}
_QUARANTINE_SCHEMA = {
    "source_path": pl.String,
    "line": pl.Int64,
    "byte_offset": pl.Int64,
    "reason_code": pl.String,
    "reason": pl.String,
    "raw": pl.String,
    "raw_bytes": pl.Binary,
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
_TOUCHED_SCHEMA = {"path": pl.String, "size": pl.Int64, "mtime": pl.Float64}

_listeners: list[Callable[[int, int, str], None]] = []


@contextmanager
def watching(callback: Callable[[int, int, str], None]) -> Iterator[None]:
    """Call `callback(bytes_done, bytes_total, path)` as ingestion advances (progress bars).

    Module-level so a caller can watch a run started through a Prefect flow.
    """
    _listeners.append(callback)
    try:
        yield
    finally:
        _listeners.remove(callback)


@dataclass
class IngestSummary:
    files_seen: int = 0
    files_unchanged: int = 0
    files_read: int = 0
    records: int = 0
    articles_new: int = 0
    new_versions: int = 0
    duplicates: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, int]:
        """Flat counts; one `quarantined: <reason>` entry per quarantine reason."""
        out = {k: v for k, v in self.__dict__.items() if k != "reasons"}
        out.update({f"quarantined: {k}": v for k, v in sorted(self.reasons.items())})
        return out


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no default port, fragment or `utm_*` parameter."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return url  # a citation or URN identifies as written
    netloc = host.lower()
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        netloc = f"{netloc}:{port}"
    query = "&".join(
        p for p in parts.query.split("&") if p and not p.split("=", 1)[0].lower().startswith("utm_")
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _file_date(mtime: float) -> datetime:
    try:
        return datetime.fromtimestamp(mtime, UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return datetime(1970, 1, 1)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _Batch:
    articles: list[dict[str, Any]] = field(default_factory=list)
    frames: list[pl.DataFrame] = field(default_factory=list)  # from ArticleBlocks
    n_framed: int = 0
    entities: list[tuple[Any, ...]] = field(default_factory=list)
    tones: list[tuple[int, float]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    touched: list[dict[str, Any]] = field(default_factory=list)
    restarted: list[str] = field(default_factory=list)
    text_bytes: int = 0

    def full(self) -> bool:
        rows = len(self.articles) + self.n_framed + len(self.entities) + len(self.rejects)
        return self.text_bytes >= BATCH_BYTES or rows >= BATCH_ROWS

    def empty(self) -> bool:
        return not (
            self.articles
            or self.frames
            or self.rejects
            or self.sources
            or self.touched
            or self.restarted
        )


@dataclass
class _Prepared:
    """A batch ready for `ingest_batch.sql`: its frames and what the summary counts."""

    frames: dict[str, pl.DataFrame]
    n_articles: int
    n_rejects: int


# what the reading side hands to the writing side, in order: a batch, or a progress call
_Step = _Prepared | Callable[[], None]


class _Run:
    """The reading side of a run: reads inputs, fills batches, hands each on prepared
    (with the progress calls between them) to `send`."""

    def __init__(
        self,
        options: ReadOptions,
        total_bytes: int,
        summary: IngestSummary,
        send: Callable[[_Step], None],
    ) -> None:
        self.options = options
        self.summary = summary
        self.send = send
        self.batch = _Batch()
        self.seq = 0
        self.total_bytes = total_bytes
        self.done_bytes = 0

    def reject(self, path: str, reject: Reject) -> None:
        raw, raw_bytes = raw_excerpt(reject.raw)
        self.batch.rejects.append(
            {
                "source_path": path,
                "line": reject.line,
                "byte_offset": reject.offset,
                "reason_code": reject.reason,
                "reason": reject.detail,
                "raw": raw,
                "raw_bytes": raw_bytes,
            }
        )
        self.summary.reasons[reject.reason] += 1
        self.summary.records += 1

    def article(self, source: Input, fmt: str, item: Article) -> None:
        self.seq += 1
        text = repair(item.text) if item.text else ""
        title = repair(item.title) if item.title else None
        self.batch.articles.append(
            {
                "seq": self.seq,
                "source": fmt,
                "source_path": source.path,
                "external_id": item.external_id,
                "url": item.url,
                "canonical_url": canonical_url(item.url),
                "title": title,
                "text": text,
                "published_at": item.date or _file_date(source.mtime),
                "date_inferred": item.date is None,
            }
        )
        self.batch.text_bytes += len(text) + 200
        if item.entities:
            self.batch.entities.extend(
                (self.seq, e.kind, e.name, e.iso3, e.char_offset) for e in item.entities
            )
        if item.tone is not None:
            self.batch.tones.append((self.seq, item.tone))
        self.summary.records += 1

    def block(self, source: Input, fmt: str, block: ArticleBlock) -> int:
        """`article` for each row of a block, column-wise; returns the number of rows."""
        frame = block.frame
        n = frame.height
        file_date = _file_date(source.mtime)
        frame = frame.with_columns(
            seq=pl.int_range(self.seq + 1, self.seq + n + 1, dtype=pl.Int64),
            source=pl.lit(fmt, pl.String),
            source_path=pl.lit(source.path, pl.String),
            text=_repaired(frame.get_column("text")),
            title=_repaired(frame.get_column("title").replace("", None)),
            canonical_url=_canonical_urls(frame.get_column("url")),
            published_at=pl.col("date").fill_null(pl.lit(file_date, pl.Datetime("us"))),
            date_inferred=pl.col("date").is_null(),
        ).select(list(_ARTICLE_SCHEMA))
        self.seq += n
        self.batch.frames.append(frame)
        self.batch.n_framed += n
        self.batch.text_bytes += int(frame.get_column("text").str.len_chars().sum() or 0) + 200 * n
        self.summary.records += n
        return n

    def read(self, source: Input, *, sha256: str) -> None:
        """Every record of one input (a file or a fetched URL), then its `sources` row."""
        self.batch.restarted.append(source.path)
        formats: set[str] = set()
        n_records = n_rejected = 0
        for origin, fmt, item in read_input(source, self.options, blocks=True):
            formats.add(fmt)
            if isinstance(item, ArticleBlock):
                n_records += self.block(origin, fmt, item)
            elif isinstance(item, Reject):
                n_records += 1
                n_rejected += 1
                self.reject(origin.path, item)
            else:
                n_records += 1
                self.article(origin, fmt, item)
            if self.batch.full():
                offset = item.offset if item.offset is not None else 0
                self.flush()
                self._progress(self.done_bytes + min(offset, source.size or 0), source.path)
        fmt = detect_format(source.name) or "unknown"
        if fmt not in ("zip", "gzip") and len(formats) == 1:
            fmt = formats.pop()  # `.csv` may be GDELT
        self.batch.sources.append(
            {
                "path": source.path,
                "size": source.size or 0,
                "mtime": source.mtime,
                "sha256": sha256,
                "format": fmt,
                "n_records": n_records,
                "n_quarantined": n_rejected,
            }
        )
        self.summary.files_read += 1
        self.done_bytes += source.size or 0
        self._progress(self.done_bytes, source.path)

    def refuse(self, path: str, size: int, mtime: float, reject: Reject) -> None:
        """A whole input quarantined before reading (too large)."""
        self.batch.restarted.append(path)
        self.reject(path, reject)
        self.batch.sources.append(
            {
                "path": path,
                "size": size,
                "mtime": mtime,
                "sha256": "",
                "format": "unread",
                "n_records": 1,
                "n_quarantined": 1,
            }
        )
        self.summary.files_read += 1

    def _progress(self, done: int, path: str) -> None:
        self.send(partial(_notify, done, self.total_bytes, path))

    def flush(self) -> None:
        batch, self.batch = self.batch, _Batch()
        if not batch.empty():
            self.send(_prepare(batch))


def _notify(done: int, total: int, path: str) -> None:
    for listener in list(_listeners):
        listener(done, total, path)


def _prepare(batch: _Batch) -> _Prepared:
    """The batch's frames: texts normalised, content hashed."""
    articles = pl.DataFrame(batch.articles, schema=_ARTICLE_SCHEMA)
    if batch.frames:
        articles = pl.concat([articles, *batch.frames], rechunk=True)
    articles = normalize_frame(articles)
    articles = articles.with_columns(content_hash=_content_hashes(articles))
    frames = {
        "batch_articles": articles,
        "batch_entities": pl.DataFrame(batch.entities, schema=_ENTITY_SCHEMA, orient="row"),
        "batch_tones": pl.DataFrame(batch.tones, schema=_TONE_SCHEMA, orient="row"),
        "batch_rejected": pl.DataFrame(batch.rejects, schema=_QUARANTINE_SCHEMA),
        "batch_sources": pl.DataFrame(batch.sources, schema=_SOURCE_SCHEMA),
        "batch_touched": pl.DataFrame(batch.touched, schema=_TOUCHED_SCHEMA),
        "batch_restarted": pl.DataFrame({"path": batch.restarted}, schema={"path": pl.String}),
    }
    return _Prepared(frames, articles.height, len(batch.rejects))


def _write(store: Store, prepared: _Prepared, summary: IngestSummary) -> None:
    """One batch in one transaction."""
    with store.transaction():
        store.run_with("ingest_batch", **prepared.frames)
        added, versions = store.con.execute(
            "select count(*), count(*) filter (where version > 1) from batch_new"
        ).fetchall()[0]
        store.execute("drop table if exists batch_new; drop table if exists batch_keyed")
    summary.articles_new += added
    summary.new_versions += versions
    summary.duplicates += prepared.n_articles - added
    summary.quarantined += prepared.n_rejects


_DONE = object()  # the reading thread's last step


class _Stopped(Exception):
    """Ends the reading thread when the writer has given up."""


def _read_ahead(read: Callable[[Callable[[_Step], None]], None]) -> Iterator[_Step]:
    """The steps `read(send)` sends, in order, while it runs in a thread of its own.

    `send` blocks a prepared batch until the one before it is written, so at most two
    are held (the one being written and the next). An error in the thread is raised
    here; closing this generator (the writer failed) makes the thread's next `send` stop
    it.
    """
    steps: queue.SimpleQueue[Any] = queue.SimpleQueue()
    slot = threading.Semaphore(1)
    stop = threading.Event()

    def send(step: _Step) -> None:
        if isinstance(step, _Prepared):
            slot.acquire()
        if stop.is_set():
            raise _Stopped
        steps.put(step)

    def work() -> None:
        try:
            read(send)
        except BaseException as error:  # noqa: BLE001 - raised again in the writer
            steps.put(error)
        else:
            steps.put(_DONE)

    thread = threading.Thread(target=work, name="cooccur-ingest-read", daemon=True)
    thread.start()
    try:
        while (step := steps.get()) is not _DONE:
            if isinstance(step, BaseException):
                raise step
            yield step
            if isinstance(step, _Prepared):
                slot.release()
    finally:
        stop.set()
        slot.release()
        thread.join()


def _repaired(texts: pl.Series) -> pl.Series:
    """`repair` of each text, calling it only where a mojibake pair occurs (never in ASCII
    text: a pair is two non-ASCII characters)."""
    rows = non_ascii(texts).arg_true()
    if rows.len() == 0:
        return texts
    candidates = texts.gather(rows)
    suspect = candidates.str.contains(MOJIBAKE.pattern).fill_null(False)
    if not suspect.any():
        return texts
    fixed = [repair(t) for t in candidates.filter(suspect).to_list()]
    return texts.scatter(rows.filter(suspect), pl.Series(fixed, dtype=pl.String))


def _content_hashes(articles: pl.DataFrame) -> pl.Series:
    """First 32 hex digits of the SHA-256 of each normalised text (of the title, or of ""
    when the text is empty): hashed here, as DuckDB's `sha256` hashed the same UTF-8 bytes
    at half the speed of `hashlib`."""
    keys = articles.select(
        pl.when(pl.col("text") != "")
        .then(pl.col("text"))
        .otherwise(pl.col("title").fill_null(""))
        .cast(pl.Binary)
    ).to_series()
    sha256 = hashlib.sha256
    return pl.Series([sha256(key).hexdigest()[:32] for key in keys.to_list()], dtype=pl.String)


def _canonical_urls(urls: pl.Series) -> pl.Series:
    if urls.null_count() == urls.len():
        return pl.Series("canonical_url", [None] * urls.len(), dtype=pl.String)
    return pl.Series("canonical_url", [canonical_url(u) for u in urls.to_list()], dtype=pl.String)


def _changed(store: Store, files: list[str]) -> list[tuple[str, int, float, str | None]]:
    """(path, size, mtime, sha256 recorded before or None) of files new or changed since
    `sources` recorded them (by path, size and modification time: no file is opened), and
    of files refused unread last time (a larger --max-file-mb may accept them now)."""
    stats = []
    for path in files:
        try:
            stat = os.stat(path)
        except OSError:
            stats.append({"path": path, "size": -1, "mtime": -1.0})
            continue
        stats.append({"path": path, "size": stat.st_size, "mtime": stat.st_mtime})
    frame = pl.DataFrame(stats, schema={"path": pl.String, "size": pl.Int64, "mtime": pl.Float64})
    store.register("candidate_files", frame)
    try:
        changed = store.query(
            "select c.path, c.size, c.mtime, s.sha256 from candidate_files c "
            "left join sources s on s.path = c.path "
            "where s.path is null or s.size <> c.size or s.mtime <> c.mtime "
            "or s.format = 'unread' "
            "order by c.path"
        )
    finally:
        store.unregister("candidate_files")
    order = {p: i for i, p in enumerate(files)}
    rows = sorted(changed.iter_rows(), key=lambda r: order[r[0]])
    return [(p, s, m, h or None) for p, s, m, h in rows]


def ingest_paths(
    store: Store,
    paths: Iterable[Path | str],
    *,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    mapping: dict[str, str] | None = None,
    max_file_mb: float | None = None,
    options: ReadOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Read every new or changed input under `paths` (files, folders, http(s) URLs).

    `include`/`exclude` are globs for files inside folders; `mapping` maps article fields
    to input columns (`{"text": "body"}`); `max_file_mb` quarantines larger files unread.
    """
    options = options or ReadOptions()
    if mapping:
        options = ReadOptions(**{**options.__dict__, "mapping": mapping})
    if max_file_mb is not None:
        options = ReadOptions(**{**options.__dict__, "max_file_bytes": int(max_file_mb * MIB)})
    paths = list(paths)
    urls = [str(p) for p in paths if isinstance(p, str) and is_url(p)]
    local = [p for p in paths if not (isinstance(p, str) and is_url(p))]
    found: list[str] = []
    refused: list[Refused] = []
    for entry in discover(local, include=list(include), exclude=list(exclude), supported=_ok):
        if isinstance(entry, Found):
            found.append(entry.path)
        else:
            refused.append(entry)
    found = list(dict.fromkeys(found))
    with _duckdb_settings(store):
        return _ingest(store, options, found, refused, urls, progress)


@contextmanager
def _duckdb_settings(store: Store) -> Iterator[None]:
    """`memory_limit` lowered to MEMORY_LIMIT (never raised), `checkpoint_threshold` set
    to CHECKPOINT_THRESHOLD and one thread fewer for DuckDB (the reading thread has a
    core of its own) while ingesting, then a checkpoint; all restored after."""
    before = store.scalar("select current_setting('memory_limit')")
    store.execute("set memory_limit = ?", [MEMORY_LIMIT])
    if _size_bytes(store.scalar("select current_setting('memory_limit')")) > _size_bytes(before):
        store.execute("set memory_limit = ?", [before])
    store.execute("set checkpoint_threshold = ?", [CHECKPOINT_THRESHOLD])
    threads = store.scalar("select current_setting('threads')")
    store.execute("set threads = ?", [max(1, threads - 1)])
    try:
        yield
        store.execute("set threads = ?", [threads])
        # the WAL written under the cap goes into the file now, under the cap too: left
        # to `close`, the checkpoint ran with the limit lifted (1.9 GB peak at 1M articles)
        store.execute("checkpoint")
    finally:  # DuckDB shows sizes rounded ('3.7 GiB'): restore the configured ones
        store.execute("set memory_limit = ?", [store.memory_limit])
        store.execute("set checkpoint_threshold = ?", [store.checkpoint_threshold])
        store.execute("set threads = ?", [threads])


def _size_bytes(setting: str) -> float:
    """DuckDB's rendering of a size ('512.0 MiB', '18.7 GiB') in bytes."""
    number, _, unit = setting.strip().partition(" ")
    scale = {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
    return float(number) * scale.get(unit, 1)


def _ingest(
    store: Store,
    options: ReadOptions,
    found: list[str],
    refused: list[Refused],
    urls: list[str],
    progress: Callable[[int, int], None] | None,
) -> IngestSummary:
    todo = _changed(store, found)
    url_shas = _recorded_shas(store, urls)
    summary = IngestSummary(files_seen=len(found) + len(urls))
    summary.files_unchanged = len(found) - len(todo)
    total_bytes = sum(max(size, 0) for _, size, _, _ in todo)

    def read(send: Callable[[_Step], None]) -> None:
        run = _Run(options, total_bytes, summary, send)
        for entry in refused:
            run.batch.restarted.append(entry.path)
            run.reject(entry.path, entry.reject)
        for done, (path, size, mtime, previous_sha) in enumerate(todo, start=1):
            _ingest_file(run, path, size, mtime, previous_sha)
            if run.batch.full():
                run.flush()
            if progress:
                send(partial(progress, done, len(todo) + len(urls)))
        for done, url in enumerate(urls, start=len(todo) + 1):
            _ingest_url(run, url, url_shas.get(url))
            if progress:
                send(partial(progress, done, len(todo) + len(urls)))
        run.flush()

    with closing(_read_ahead(read)) as steps:
        for step in steps:
            if isinstance(step, _Prepared):
                _write(store, step, summary)
            else:
                step()
    return summary


def _recorded_shas(store: Store, urls: list[str]) -> dict[str, str]:
    """The `sources.sha256` recorded for each of `urls` (read before the reading thread
    starts: only the writing thread uses the connection)."""
    if not urls:
        return {}
    rows = store.con.execute(
        "select path, sha256 from sources where list_contains(?, path)", [urls]
    ).fetchall()
    return dict(rows)


def _ok(name: str) -> bool:
    return supported_name(name)


def _ingest_file(run: _Run, path: str, size: int, mtime: float, previous_sha: str | None) -> None:
    if size < 0:
        run.refuse(path, 0, 0.0, Reject("unreadable_file", "file vanished or cannot be read"))
        return
    if size > run.options.max_file_bytes:
        limit = run.options.max_file_bytes / MIB
        run.refuse(
            path,
            size,
            mtime,
            Reject("file_too_large", f"file is {size} bytes, over the {limit:g} MiB limit"),
        )
        return
    source = file_input(path, size=size, mtime=mtime)
    try:
        if size <= SMALL_FILE:  # one read serves the hash and the reader
            with open(path, "rb") as handle:
                data = handle.read()
            sha256 = hashlib.sha256(data).hexdigest()
            source.opener = lambda: io.BytesIO(data)
        else:  # streamed twice: hashed, then read
            sha256 = _sha256(path)
    except OSError as error:
        run.refuse(path, size, mtime, Reject("unreadable_file", f"cannot read: {error}"))
        return
    if previous_sha == sha256:  # touched, not changed: remember the new stat only
        run.batch.touched.append({"path": path, "size": size, "mtime": mtime})
        run.summary.files_unchanged += 1
        return
    run.read(source, sha256=sha256)


def _ingest_url(run: _Run, url: str, previous_sha: str | None) -> None:
    try:
        source = fetch_url(url, run.options)
    except ReadError as error:
        run.refuse(url, 0, 0.0, Reject(error.reason, error.detail))
        return
    except (OSError, ValueError) as error:  # URLError is an OSError
        run.refuse(url, 0, 0.0, Reject("fetch_failed", f"cannot fetch {url}: {error}"))
        return
    with source.open() as stream:
        sha256 = hashlib.sha256(stream.read()).hexdigest()
    if previous_sha == sha256:
        run.summary.files_unchanged += 1
        return
    run.read(source, sha256=sha256)
