"""The cooccur pipeline as a flow of flows: ingest → tag → cooccur → report.

Each stage is its own flow (runnable alone) over a few coarse tasks; the work itself is in
the `cooccur` library. A file lock keeps one pipeline run per database at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from cooccur.counts import AnalyticsConfig, compute_tables
from cooccur.gazetteer import load_countries
from cooccur.ingest import ingest_paths
from cooccur.report.build import build_report
from cooccur.store import Store, writer_lock
from cooccur.tag import tag_pending


def _progress(label: str):  # type: ignore[no-untyped-def]
    logger = get_run_logger()
    step = {"last": -1}

    def report(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent // 10 != step["last"] // 10 or done == total:
            step["last"] = percent
            logger.info("%s: %d/%d (%d%%)", label, done, total, percent)

    return report


@task(cache_policy=NONE)
def ingest_sources(db: str, sources: list[str]) -> dict[str, int]:
    with Store(db) as store:
        summary = ingest_paths(store, [Path(s) for s in sources], progress=_progress("files"))
    get_run_logger().info("ingest: %s", summary.as_dict())
    return summary.as_dict()


@task(cache_policy=NONE)
def tag_new_articles(db: str) -> dict[str, int | bool]:
    with Store(db) as store:
        summary = tag_pending(store, load_countries(), progress=_progress("articles tagged"))
    get_run_logger().info("tag: %s", summary.as_dict())
    return summary.as_dict()


@task(cache_policy=NONE)
def count_pairs(db: str, config: AnalyticsConfig) -> dict[str, int]:
    with Store(db) as store:
        counts = compute_tables(store, config)
    get_run_logger().info("cooccur: %s", counts)
    return counts


@task(cache_policy=NONE)
def write_report(db: str, reports: str, pair: tuple[str, str] | None) -> list[str]:
    with Store(db) as store:
        pages = build_report(store, Path(reports), pair=pair)
    get_run_logger().info("report: %s", pages[0])
    return [str(p) for p in pages]


@flow(name="ingest")
def ingest_flow(sources: list[str], db: str) -> dict[str, int]:
    return ingest_sources(db, sources)


@flow(name="tag")
def tag_flow(db: str) -> dict[str, int | bool]:
    return tag_new_articles(db)


@flow(name="cooccur")
def cooccur_flow(
    db: str,
    buckets: list[str] | None = None,
    contexts: list[str] | None = None,
    window_k: int | None = None,
    ordered: bool | None = None,
    min_support: int | None = None,
) -> dict[str, int]:
    """Count pairs; unset options keep the defaults of `cooccur.counts.AnalyticsConfig`."""
    options = dict(buckets=buckets, contexts=contexts, window_k=window_k, ordered=ordered)
    config = AnalyticsConfig.from_options(options | {"min_support": min_support})
    return count_pairs(db, config)


@flow(name="report")
def report_flow(db: str, reports: str, pair: tuple[str, str] | None = None) -> list[str]:
    return write_report(db, reports, pair)


@flow(name="cooccur-pipeline")
def pipeline(
    sources: list[str],
    db: str,
    reports: str,
    pair: tuple[str, str] | None = None,
    wait: float = 0,
    analytics: dict[str, Any] | None = None,
) -> dict[str, object]:
    """Run every stage on `sources` into the database `db`, then write `reports`."""
    with writer_lock(db, wait=wait):
        ingested = ingest_flow(sources, db)
        tagged = tag_flow(db)
        counted = cooccur_flow(db, **(analytics or {}))
        pages = report_flow(db, reports, pair)
    return {"ingest": ingested, "tag": tagged, "cooccur": counted, "report": pages}
