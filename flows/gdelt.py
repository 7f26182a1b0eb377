"""`gdelt_fetch`: a Prefect flow to fetch what is new in GDELT, e.g. every 15 minutes.

Serve it on a schedule with Prefect (needs a Prefect server), for example:
`gdelt_fetch.serve(name="gdelt", interval=900, parameters={"db": "data/gdelt.duckdb",
"countries": ["IT", "TU"]})`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from cooccur.gdelt import plan_fetch, run_fetch
from cooccur.gdelt_fetch import DEFAULT_BASE_URL, GkgFilter
from cooccur.store import Store, writer_lock


@task(cache_policy=NONE, retries=2, retry_delay_seconds=[30, 120])
def fetch_range(
    db: str, start: date, end: date, gkg_filter: GkgFilter, base_url: str, streams: tuple[str, ...]
) -> dict[str, object]:
    logger = get_run_logger()
    with writer_lock(db, wait=600), Store(db) as store:
        plan = plan_fetch(store, start, end, gkg_filter, base_url=base_url, streams=streams)
        logger.info("%d files in range, %d to fetch", len(plan.in_range), len(plan.todo))
        summary = run_fetch(store, plan, gkg_filter, Path(db).parent / "gdelt-cache")
    for failure in summary.failures:
        logger.warning("skipped: %s", failure)
    return {k: v for k, v in vars(summary).items() if k != "failures"}


@flow(name="gdelt_fetch")
def gdelt_fetch(
    db: str,
    start: date | None = None,
    end: date | None = None,
    countries: list[str] | None = None,
    themes: list[str] | None = None,
    base_url: str = DEFAULT_BASE_URL,
    translation: bool = False,
) -> dict[str, object]:
    """Fetch GKG files from `start` (default: yesterday) to `end` (default: today)."""
    today = datetime.now(UTC).date()
    gkg_filter = GkgFilter.of(countries=countries or (), themes=themes or ())
    streams = ("english", "translation") if translation else ("english",)
    return fetch_range(
        db, start or today - timedelta(days=1), end or today, gkg_filter, base_url, streams
    )
