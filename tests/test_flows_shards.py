"""Sharded tagging (the flow's path) equals the single-process library path, row for row,
and Prefect's cache skips batches already tagged by the same tagger and code."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from ops_helpers import snapshot, split_jsonl

from cooccur import shards
from cooccur.gazetteer import load_gazetteer
from cooccur.ingest import ingest_paths
from cooccur.store import Store
from cooccur.tag import tag_pending

TAG_TABLES = ["entities", "aliases", "sentences", "mentions", "tagged_articles", "meta"]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, reuters_file: Path, seed_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("ingested")
    parts = split_jsonl(reuters_file, folder / "in", files=1, per_file=400)
    db = folder / "ingested.duckdb"
    with Store(db) as store:
        ingest_paths(store, [*parts, seed_dir])
    return db


@pytest.fixture(scope="module")
def single_process(ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    db = tmp_path_factory.mktemp("single") / "db.duckdb"
    shutil.copy(ingested, db)
    with Store(db) as store:
        tag_pending(store, load_gazetteer())
    return snapshot(db, TAG_TABLES)


def test_sharded_tagging_equals_tag_pending(
    ingested: Path, single_process: dict, tmp_path: Path
) -> None:
    db = tmp_path / "db.duckdb"
    shutil.copy(ingested, db)
    root = tmp_path / "shards"
    with Store(db) as store:
        plan = shards.plan(store, root, batch_size=97)
        tagged = [shards.tag_batch(b) for b in reversed(plan.batches)]  # any finishing order
        summary = shards.merge(store, tagged)
        again = shards.merge(store, tagged)  # merging twice adds nothing
    assert len(plan.batches) == 5 and summary.articles_tagged == 399  # 400 + seed, 2 dupes
    assert again.articles_tagged == 0
    got = snapshot(db, TAG_TABLES)
    for table in TAG_TABLES:
        assert got[table].equals(single_process[table]), table


def test_batches_tagged_in_worker_processes_equal_tag_pending(
    ingested: Path, single_process: dict, tmp_path: Path
) -> None:
    """What the flow's thread runner does by default: threads hand batches to 3 processes
    (this one and 2 workers), which tag them in chunks of 40 articles."""
    db = tmp_path / "db.duckdb"
    shutil.copy(ingested, db)
    with Store(db) as store:
        plan = shards.plan(store, tmp_path / "shards", batch_size=97)
        with shards.TagWorkers(3) as pool, ThreadPoolExecutor(4) as threads:
            pool.chunk = 40
            tagged = list(threads.map(pool.tag, plan.batches))
            pids = {w.process.pid for w in pool.started}
            assert shards.local_workers(pool.key) is pool
        assert shards.local_workers(pool.key) is None and not pool.started
        summary = shards.merge(store, tagged)
    assert len(pids) == 2 and os.getpid() not in pids
    assert summary.articles_tagged == 399
    got = snapshot(db, TAG_TABLES)
    for table in TAG_TABLES:
        assert got[table].equals(single_process[table]), table


@pytest.mark.slow
def test_a_failed_batch_in_a_worker_process_fails_clearly(ingested: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    shutil.copy(ingested, db)
    with Store(db) as store:
        batch = shards.plan(store, tmp_path / "shards", batch_size=1000).batches[0]
    stale = shards.Batch(**{**batch.__dict__, "code_version": "0" * 16})
    with shards.TagWorkers(1) as pool:
        with pytest.raises(RuntimeError, match="install the same cooccur"):
            pool.tag(stale)
        assert pool.tag(batch).articles == batch.articles  # a new worker takes over


def test_a_worker_with_other_tagging_code_is_refused(ingested: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    shutil.copy(ingested, db)
    with Store(db) as store:
        batch = shards.plan(store, tmp_path / "shards", batch_size=1000).batches[0]
    stale = shards.Batch(**{**batch.__dict__, "code_version": "0" * 16})
    with pytest.raises(RuntimeError, match="install the same cooccur"):
        shards.tag_batch(stale)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Logger 'prefect.task_runs' attempted to send logs")
def test_tag_flow_caches_batches_by_content_and_version(
    prefect_harness: None, ingested: Path, single_process: dict, tmp_path: Path
) -> None:
    from flows.pipeline import tag_batch, tag_flow

    db, again = tmp_path / "db.duckdb", tmp_path / "again.duckdb"
    shutil.copy(ingested, db)
    shutil.copy(ingested, again)
    root = str(tmp_path / "shards")
    first = tag_flow(str(db), batch_size=150, shard_dir=root)
    assert first["articles_tagged"] == 399
    # a rebuilt database with the same articles: every batch is a cache hit
    states = []
    with Store(again) as store:
        plan = shards.plan(store, Path(root), batch_size=150)
    for batch in plan.batches:
        states.append(tag_batch(batch, return_state=True))
    assert [s.name for s in states] == ["Cached"] * 3
    # refresh_cache recomputes; lost shard files are recomputed, not trusted
    refreshed = tag_batch.with_options(refresh_cache=True)(plan.batches[0], return_state=True)
    assert refreshed.name == "Completed"
    shutil.rmtree(Path(root) / "out")
    second = tag_flow(str(again), batch_size=150, shard_dir=root)
    assert second["articles_tagged"] == 399
    got = snapshot(again, TAG_TABLES)
    for table in TAG_TABLES:
        assert got[table].equals(single_process[table]), table
    assert not (Path(root) / "in").exists()  # input shards are gone once merged
