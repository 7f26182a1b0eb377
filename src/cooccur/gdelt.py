"""The GDELT stage: fetch a date range of GKG files not fetched yet, ingest what is kept.

Each file is recorded in `gdelt_files` (with the filter it was read under) once its kept
rows are ingested, so an interrupted fetch resumes where it stopped and a repeated one
downloads nothing. A file that fails verification is recorded as failed, never ingested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import polars as pl

from cooccur.gdelt_fetch import (
    DEFAULT_BASE_URL,
    Fetched,
    FetchSummary,
    GkgFilter,
    RemoteFile,
    fetch_files,
    fetch_master_lists,
    select_range,
)
from cooccur.ingest import ingest_paths
from cooccur.store import Store


@dataclass(frozen=True)
class FetchPlan:
    """What a fetch would do: the files in range and those still to download."""

    in_range: list[RemoteFile]
    todo: list[RemoteFile]

    @property
    def download_bytes(self) -> int:
        return sum(f.size for f in self.todo)


def plan_fetch(
    store: Store,
    start: date,
    end: date,
    gkg_filter: GkgFilter,
    *,
    base_url: str = DEFAULT_BASE_URL,
    streams: tuple[str, ...] = ("english",),
    client: httpx.Client | None = None,
) -> FetchPlan:
    """Read the master lists and leave out files already ingested under this filter."""
    own = client is None
    client = client or httpx.Client(timeout=httpx.Timeout(120.0), follow_redirects=True)
    try:
        listed = fetch_master_lists(client, base_url, streams)
    finally:
        if own:
            client.close()
    in_range = select_range(listed, start, end)
    done = set(
        store.query(
            "select url from gdelt_files where filter_key = $key and status = 'ingested'",
            {"key": gkg_filter.key},
        )["url"].to_list()
    )
    return FetchPlan(in_range, [f for f in in_range if f.url not in done])


def run_fetch(
    store: Store,
    plan: FetchPlan,
    gkg_filter: GkgFilter,
    folder: Path,
    *,
    connections: int = 4,
    keep_raw: bool = False,
    progress: Callable[[Fetched], None] | None = None,
) -> FetchSummary:
    """Fetch the plan's files, ingest each file's kept rows, record every file."""
    summary = FetchSummary(
        files_listed=len(plan.in_range),
        files_already_fetched=len(plan.in_range) - len(plan.todo),
    )
    for result in fetch_files(
        plan.todo, gkg_filter, folder, connections=connections, keep_raw=keep_raw
    ):
        if result.error is None and result.kept_path is not None:
            ingest_paths(store, [result.kept_path])
            summary.files_fetched += 1
            summary.bytes_downloaded += result.remote.size
            summary.rows_read += result.rows_read
            summary.rows_kept += result.rows_kept
        else:
            summary.files_failed += 1
            summary.failures.append(result.error or "unknown error")
        _record(store, result, gkg_filter)
        if progress:
            progress(result)
    return summary


def _record(store: Store, result: Fetched, gkg_filter: GkgFilter) -> None:
    remote = result.remote
    row = pl.DataFrame(
        [
            {
                "url": remote.url,
                "filter_key": gkg_filter.key,
                "name": remote.name,
                "stream": remote.stream,
                "size": remote.size,
                "md5": remote.md5,
                "status": "failed" if result.error else "ingested",
                "reason": result.error,
                "rows_read": result.rows_read,
                "rows_kept": result.rows_kept,
            }
        ],
        schema_overrides={"reason": pl.String},
    )
    store.register("fetched_file", row)
    try:
        store.execute(
            "insert or replace into gdelt_files select *, now()::timestamp from fetched_file"
        )
    finally:
        store.unregister("fetched_file")
