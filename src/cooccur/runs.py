"""Run history inside the database: every pipeline run, how it ended, what it added.

The flow passes its Prefect flow-run id; the library never imports Prefect. Rows are
written under the writer lock, so a row still 'running' when the next run starts belongs
to a process that was killed, and is marked 'crashed'.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import polars as pl

from cooccur.store import Store


def utc_now() -> datetime:
    """Naive UTC, as every timestamp column of the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def record_start(
    store: Store, run_id: str, parameters: dict[str, Any], *, flow_name: str = "cooccur-pipeline"
) -> datetime:
    """Record a run as started; returns the database clock's time, to find its articles."""
    started = utc_now()
    with store.transaction():
        store.execute_file("ops/mark_crashed_runs", {"now": started})
        store.execute_file(
            "ops/run_started",
            {
                "run_id": run_id,
                "flow_name": flow_name,
                "started_at": started,
                "parameters": json.dumps(parameters, sort_keys=True, default=str),
            },
        )
    return store.scalar("select now()::timestamp")  # the clock of `articles.ingested_at`


def record_finish(
    store: Store,
    run_id: str,
    status: str,
    ingest: dict[str, Any] | None = None,
    *,
    message: str | None = None,
) -> None:
    """Record how a run ended ('completed' or 'failed') and what its ingest did."""
    ingest = ingest or {}
    with store.transaction():
        store.execute_file(
            "ops/run_finished",
            {
                "run_id": run_id,
                "finished_at": utc_now(),
                "status": status,
                "articles_new": ingest.get("articles_new"),
                "articles_skipped": ingest.get("duplicates"),
                "articles_quarantined": ingest.get("quarantined"),
                "message": message,
            },
        )


def recent_runs(store: Store, limit: int = 20) -> pl.DataFrame:
    return store.select("ops/recent_runs", {"limit": limit})


def top_pairs_since(store: Store, since: datetime, limit: int = 10) -> pl.DataFrame:
    """Pairs named together in the articles ingested since `since` (this run's articles)."""
    return store.select("ops/run_top_pairs", {"since": since, "limit": limit})
