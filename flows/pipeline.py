"""The cooccur pipeline as a flow of flows: ingest → tag → cooccur → report.

Each stage is its own flow (runnable alone) over a few coarse tasks; the work itself is in
the `cooccur` library. A file lock keeps one pipeline run per database at a time; every
run is recorded in the database's `runs` table and publishes a summary artifact. Tagging
runs in batches on the task runner the caller chooses (threads, processes, or a Dask
cluster); workers write Parquet shards and only this process writes the DuckDB file.
"""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.context import FlowRunContext
from prefect.runtime import flow_run
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote, unmapped

from cooccur import fetch, runs, shards
from cooccur.counts import AnalyticsConfig, compute_tables
from cooccur.ingest import ingest_paths
from cooccur.report.build import build_report
from cooccur.store import DatabaseBusy, Store, writer_lock
from cooccur.tag import BATCH_ARTICLES, TagOptions, TagSummary, default_workers
from flows.runners import RUNNERS, make_task_runner
from flows.summary import publish_summary

HEARTBEAT_SETTINGS = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")


@contextmanager
def without_heartbeats() -> Iterator[None]:
    """Flow runs in this block send no heartbeats, unless the user configured them.

    Heartbeats let a server mark a run as crashed when the worker running it dies; a run
    started in this process (`cooccur run`, `cooccur ingest`) has nobody else to tell. Each
    flow run's heartbeat thread costs up to a second when the run ends (it sleeps in 1 s
    steps and is joined), and `cooccur run` is five flow runs (four empty sub-flows: 4.5 s
    with heartbeats, 0.6 s without).
    """
    if any(os.environ.get(name) for name in HEARTBEAT_SETTINGS):
        yield
        return
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


# Services of Prefect's temporary server that store its event feed and run automations
EVENT_SERVICES = (
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED",
)


@contextmanager
def temporary_server_without_event_services() -> Iterator[None]:
    """A temporary Prefect server started in this block (no `PREFECT_API_URL`) stores no
    events and runs no automations, unless the user configured those services.

    It lives for one command, so nobody reads its event feed or sets an automation on it,
    but those services write its SQLite file while the API does: the API then answers
    "database is locked" (HTTP 503) and the client retries after ≈ 2 s. 120 empty sub-flows
    in one process, 5 fresh homes each: 6–12 such stalls (mean 8.6) and 38–57 s with them,
    1–10 (mean 4.4) and 30–46 s without. Flow and task runs, logs and artifacts are still
    recorded.
    """
    added = [name for name in EVENT_SERVICES if name not in os.environ]
    os.environ.update(dict.fromkeys(added, "false"))
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


@contextmanager
def startup_heap_frozen() -> Iterator[None]:
    """Python's cycle collector leaves alone the objects alive when the run starts.

    A Prefect process holds some 380,000 objects (Prefect, pydantic, the libraries), and
    every full collection during the run walked them all: 0.31 s of a Reuters `cooccur run`
    (0.06 s frozen), and its ingest stage ran 1.07 s against 0.73 s. They are unfrozen when
    the run ends, so a long-lived process (`serve`, a worker) can still free them later.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _progress(label: str):  # type: ignore[no-untyped-def]
    logger = get_run_logger()
    step = {"last": -1}

    def report(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent // 10 != step["last"] // 10 or done == total:
            step["last"] = percent
            logger.info("%s: %d/%d (%d%%)", label, done, total, percent)

    return report


def _network_failure(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only what a later attempt can fix: network errors, not bad input."""
    try:
        state.result()
    except Exception as error:  # the task's own exception, re-raised by .result()
        return fetch.is_network_error(error)
    return False


NETWORK_RETRIES: dict[str, Any] = {
    "retries": 3,
    "retry_delay_seconds": exponential_backoff(backoff_factor=2),
    "retry_jitter_factor": 0.5,
    "retry_condition_fn": _network_failure,
}


@task(cache_policy=NONE, **NETWORK_RETRIES)
def fetch_source(url: str, folder: str) -> str:
    path = fetch.download(url, Path(folder))
    get_run_logger().info("fetched %s → %s", url, path)
    return str(path)


@task(cache_policy=NONE, **NETWORK_RETRIES)
def ingest_sources(db: str, sources: list[str], options: dict | None = None) -> dict[str, int]:
    with Store(db) as store:
        summary = ingest_paths(store, sources, progress=_progress("files"), **(options or {}))
    get_run_logger().info("ingest: %s", summary.as_dict())
    return summary.as_dict()


@task(cache_policy=NONE)
def plan_tag_batches(
    db: str,
    root: str,
    batch_size: int,
    gazetteer: list[str] | None = None,
    processes: int = 0,
    tone: bool = True,
) -> tuple[shards.Plan, str | None]:
    """The plan, and the key of the `shards.TagWorkers` of up to `processes` processes
    started while it was made (None when there are fewer than 2 batches to tag)."""
    files = tuple(gazetteer or ())
    options = TagOptions.from_env()
    options.tone = options.tone and tone
    started: list[shards.TagWorkers] = []

    def start(articles: int) -> None:
        if processes > 1 and articles > batch_size:  # starting one costs more than it saves
            count = min(processes, -(-articles // batch_size))
            started.append(shards.TagWorkers(count, files, options, articles))

    try:
        with Store(db) as store:
            plan = shards.plan(
                store,
                Path(root),
                batch_size=batch_size,
                gazetteer_files=files,
                options=options,
                on_pending=start,
            )
    except BaseException:
        for pool in started:
            pool.close(kill=True)
        raise
    get_run_logger().info(
        "tag: %d articles to tag in %d batches",
        sum(b.articles for b in plan.batches),
        len(plan.batches),
    )
    return plan, started[0].key if started else None


def _batch_key(context: Any, parameters: dict[str, Any]) -> str:
    return parameters["batch"].cache_key


@task(
    cache_key_fn=_batch_key,
    persist_result=True,
    cache_expiration=timedelta(days=shards.SHARD_DAYS),
)
def tag_batch(batch: shards.Batch, workers: str | None = None) -> shards.TaggedShard:
    """Tag one batch into Parquet shards; cached by content, tagger and code version.

    `workers`: the key of this process's `shards.TagWorkers`, whose processes then do the
    tagging (on threads alone, the GIL would keep every batch on one core).
    """
    pool = shards.local_workers(workers)
    return pool.tag(batch) if pool else shards.tag_batch(batch)


@task(cache_policy=NONE)
def merge_tag_batches(
    db: str, tagged: list[Any], batches: list[shards.Batch], workers: str | None = None
) -> dict[str, int | bool]:
    """Merge the tagged batches in order, each as soon as it and those before it are tagged
    (`tagged`: shards, or quoted futures of `tag_batch`), while later ones are still being
    tagged. A shard whose files are gone (a cache hit after they were deleted) is tagged
    again first, into the same place."""
    pool = shards.local_workers(workers)
    total = TagSummary()
    redone = 0
    with Store(db) as store:
        for item, batch in zip(tagged, batches, strict=True):
            shard = item if isinstance(item, shards.TaggedShard) else item.result()
            if not shard.exists():
                shard = pool.tag(batch) if pool else shards.tag_batch(batch)
                redone += 1
            summary = shards.merge(store, [shard])
            total.articles_tagged += summary.articles_tagged
            total.mentions += summary.mentions
    if redone:
        get_run_logger().info("tag: %d cached batches had lost their shards; redone", redone)
    return total.as_dict()


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
def ingest_flow(sources: list[str], db: str, options: dict | None = None) -> dict[str, int]:
    """Ingest files and folders; URLs of article files are downloaded first, with retries.

    `options`: keyword arguments of `cooccur.ingest.ingest_paths` (include, exclude, …).
    """
    downloads = str(Path(db).parent / "downloads")
    local = [fetch_source(s, downloads) if fetch.is_file_url(s) else s for s in sources]
    return ingest_sources(db, local, options)


def shard_root(db: str, shard_dir: str | None = None) -> Path:
    """Where tag shards go: beside the database unless given (a cluster needs a shared path)."""
    return Path(shard_dir) if shard_dir else Path(f"{db}.shards")


@flow(name="tag")
def tag_flow(
    db: str,
    batch_size: int = BATCH_ARTICLES,
    shard_dir: str | None = None,
    refresh_cache: bool = False,
    gazetteer: list[str] | None = None,
    processes: int | None = None,
    tone: bool = True,
) -> dict[str, int | bool]:
    """Tag pending articles in parallel batches on this flow's task runner, then merge.

    `gazetteer`: extra entity files (CSV/TOML) on top of the bundled ones. `processes`: on
    the thread runner, local processes that do the tagging, this one included (default: one
    per core up to `$COOCCUR_TAG_WORKERS` or 2, when there are at least 2 batches; 0: tag in
    the threads). `tone`: score sentence tone while tagging (unless `$COOCCUR_TONE` is 0).
    """
    root = shard_root(db, shard_dir)
    processes = _local_processes(processes)
    plan, key = plan_tag_batches(db, str(root), batch_size, gazetteer, processes, tone)
    pool = shards.local_workers(key)
    count = pool.processes if pool else 0
    with ExitStack() as stack:
        if pool:
            stack.enter_context(pool)
            get_run_logger().info("tag: batches tagged in %d processes", count)
        tagger = tag_batch.with_options(refresh_cache=True) if refresh_cache else tag_batch
        tagged = list(tagger.map(plan.batches, workers=unmapped(key))) if plan.batches else []
        summary = merge_tag_batches(db, quote(tagged), plan.batches, key)  # as batches finish
    shards.clear_inputs(root)
    summary["retagged_all"] = plan.retagged_all
    summary["worker_processes"] = count
    get_run_logger().info("tag: %s", summary)
    return summary


def _local_processes(processes: int | None) -> int:
    """Processes tagging on the thread runner (this one included; used when there are 2
    batches or more); none on another runner (its tasks already run in processes)."""
    context = FlowRunContext.get()
    on_threads = context is not None and isinstance(context.task_runner, ThreadPoolTaskRunner)
    if not on_threads:
        return 0
    wanted = default_workers() if processes is None else processes
    return wanted if wanted > 1 else 0


@flow(name="cooccur")
def cooccur_flow(
    db: str,
    buckets: list[str] | None = None,
    contexts: list[str] | None = None,
    window_k: int | None = None,
    ordered: bool | None = None,
    min_support: int | None = None,
    tone: bool | None = None,
) -> dict[str, int]:
    """Count pairs; unset options keep the defaults of `cooccur.counts.AnalyticsConfig`."""
    options = dict(buckets=buckets, contexts=contexts, window_k=window_k, ordered=ordered)
    config = AnalyticsConfig.from_options(options | {"min_support": min_support, "tone": tone})
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
    runner: str = "threads",
    address: str | None = None,
    workers: int | None = None,
    batch_size: int = BATCH_ARTICLES,
    shard_dir: str | None = None,
    refresh_cache: bool = False,
    gazetteer: list[str] | None = None,
    analytics: dict[str, Any] | None = None,
) -> dict[str, object]:
    """Run every stage on `sources` into the database `db`, then write `reports`.

    `runner` (threads, processes, dask) runs the tagging batches; `address` is an existing
    Dask scheduler (tcp://host:8786). `analytics`: options of `cooccur_flow` (buckets,
    contexts, window_k, ordered, min_support, tone). One run writes a database at a time: a
    second one waits up to `wait` seconds, then stops without writing anything.
    """
    logger = get_run_logger()
    if runner not in RUNNERS:
        raise ValueError(f"runner must be one of {', '.join(RUNNERS)}, not {runner!r}")
    run_id = str(flow_run.id or uuid.uuid4())
    parameters = {
        "sources": sources,
        "db": db,
        "reports": reports,
        "pair": pair,
        "runner": runner,
        "address": address,
        "workers": workers,
        "batch_size": batch_size,
        "gazetteer": gazetteer,
        "analytics": analytics,
    }
    with ExitStack() as stack:
        stack.enter_context(startup_heap_frozen())
        try:
            stack.enter_context(writer_lock(db, wait=wait))
        except DatabaseBusy as error:
            logger.error("skipped, nothing written: %s", error)
            raise
        with Store(db) as store:
            since = runs.record_start(store, run_id, parameters)
        logger.info("run %s writes %s", run_id, db)
        ingested: dict[str, int] = {}
        try:
            ingested = ingest_flow(sources, db)
            task_runner = make_task_runner(runner, address=address, workers=workers)
            tone = (analytics or {}).get("tone") is not False  # no tone: none while tagging
            tagged = tag_flow.with_options(task_runner=task_runner)(
                db, batch_size, shard_dir, refresh_cache, gazetteer, tone=tone
            )
            counted = cooccur_flow(db, **(analytics or {}))
            pages = report_flow(db, reports, pair)
        except BaseException as error:
            _record_failure(db, run_id, ingested, error)
            raise
        with Store(db) as store:
            runs.record_finish(store, run_id, "completed", ingested)
        result = {"ingest": ingested, "tag": tagged, "cooccur": counted, "report": pages}
        publish_summary(db, run_id, since, result)
    return result


def _record_failure(db: str, run_id: str, ingested: dict[str, int], error: BaseException) -> None:
    """Record the failed run; never hide the original error behind a second one."""
    try:
        with Store(db) as store:
            message = f"{type(error).__name__}: {error}"[:2000]
            runs.record_finish(store, run_id, "failed", ingested, message=message)
    except Exception as second:  # the database itself may be what failed
        get_run_logger().error("could not record the failed run in %s: %s", db, second)
