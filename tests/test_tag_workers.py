"""The tag stage's batching and worker processes: same tables however the work is split."""

from __future__ import annotations

import shutil
import threading
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from conftest import ingest_reuters_subset

from cooccur.gazetteer import load_gazetteer
from cooccur.store import Store
from cooccur.tag import (
    TagContext,
    TagPool,
    _tag_in_workers,
    chunk_articles,
    merge_frames,
    pending_batches,
    pending_ids,
    sync_entities,
    tag_batch_frames,
    tag_pending,
)

TABLES = (
    "mentions",
    "sentences",
    "article_entities",
    "themes",
    "entities",
    "aliases",
    "datelines",
    "tagged_articles",
)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, reuters_file: Path, seed_dir: Path) -> Path:
    """The seed and the first 300 Reuters stories, ingested, not tagged."""
    return ingest_reuters_subset(tmp_path_factory.mktemp("workers"), reuters_file, seed_dir)


def tables_after(ingested: Path, copy: Path, **options: object) -> dict[str, pl.DataFrame]:
    shutil.copy(ingested, copy)
    with Store(copy) as store:
        summary = tag_pending(store, load_gazetteer(), **options)  # type: ignore[arg-type]
        assert summary.articles_tagged == store.scalar("select count(*) from articles")
        return {t: store.query(f"select * from {t} order by all") for t in TABLES}


def test_batches_are_those_of_reselecting_the_pending_articles(ingested: Path) -> None:
    with Store(ingested, read_only=True) as store:
        expected = store.query(  # nothing is tagged yet: every text article, in id order
            "select article_id, title, text, published_at from articles "
            "where source <> 'gdelt' order by article_id"
        )
        ids = pending_ids(store)
        batches = list(pending_batches(store, ids, 7))  # 10 batches a query: 5 queries
    assert [b.height for b in batches] == [7] * (expected.height // 7) + [expected.height % 7]
    assert pl.concat(batches).equals(expected)


@pytest.mark.slow
def test_three_processes_write_the_same_tables_as_one(
    ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = tables_after(ingested, tmp_path / "one.duckdb", batch_size=50, workers=1)
    monkeypatch.setattr("cooccur.tag.CHUNK_ARTICLES", 15)  # 4 chunks a batch, on 3 processes
    three = tables_after(ingested, tmp_path / "three.duckdb", batch_size=50, workers=3)
    assert one["mentions"].height > 1_000 and one["themes"].height > 100
    for table in TABLES:
        assert three[table].equals(one[table]), table


def test_chunks_grow_with_the_stage_to_a_batch() -> None:
    """Eight chunks a process or more; beyond that, as few calls as can be."""
    assert chunk_articles(15_036, 2) == 1_000  # Reuters: 16 chunks, none smaller
    assert chunk_articles(300, 2) == 1_000
    assert chunk_articles(40_000, 2) == 2_500
    assert chunk_articles(1_000_000, 2) == 5_000  # one chunk a batch
    assert chunk_articles(1_000_000, 2, batch_size=2_000) == 2_000


def test_a_batch_tagged_in_chunks_equals_it_tagged_at_once(ingested: Path) -> None:
    """Only the names found by the rules are per batch: merging keeps each one's first
    spelling, as one batch does; row order within a table does not matter to the SQL."""
    context = TagContext.build(load_gazetteer())
    with Store(ingested, read_only=True) as store:
        batch = next(pending_batches(store, pending_ids(store), 300))
    whole = tag_batch_frames(batch, context)
    merged = merge_frames([tag_batch_frames(part, context) for part in batch.iter_slices(40)])
    assert whole["batch_entities"].height > 20  # names found in more than one chunk
    for name, frame in whole.items():
        assert merged[name].sort(pl.all()).equals(frame.sort(pl.all())), name
    assert merged["batch_entities"].equals(whole["batch_entities"])  # first spellings


def test_the_batch_written_first_is_tagged_first(
    ingested: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flow's tasks submit all their batches at once: chunks go by the batch's order, so
    the batch merged first is done first, not all of them together at the end."""
    context = TagContext.build(load_gazetteer())
    with Store(ingested, read_only=True) as store:
        later, first = list(pending_batches(store, pending_ids(store), 30))[:2]
    taken, submitted = threading.Event(), threading.Event()
    tagged: list[str] = []

    def tag_in_order(part: pl.DataFrame, context: TagContext) -> dict[str, pl.DataFrame]:
        taken.set()
        submitted.wait(10)
        tagged.append(part["article_id"][0])
        return tag_batch_frames(part, context)

    monkeypatch.setattr("cooccur.tag.tag_batch_frames", tag_in_order)
    with TagPool(context, 0, chunk=10) as pool:  # this process only: one chunk at a time
        futures = [pool.submit(later, order=2)]
        taken.wait(10)  # its first chunk is being tagged when the second batch arrives
        futures.append(pool.submit(first, order=1))
        submitted.set()
        for future in futures:
            future.result()
    starts = [b["article_id"][i] for b in (later, first) for i in (0, 10, 20)]
    assert tagged == [starts[0], *starts[3:], *starts[1:3]]


def test_the_gazetteer_is_written_only_when_it_changed(ingested: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    shutil.copy(ingested, db)
    gazetteer = load_gazetteer()
    with Store(db) as store:
        assert sync_entities(store, gazetteer) is False  # first tagging: nothing to redo
        store.execute("update entities set name = 'Italia' where key = 'country:ITA'")
        sync_entities(store, gazetteer)  # the same gazetteer: not written again
        assert store.scalar("select name from entities where key = 'country:ITA'") == "Italia"
        store.execute("update meta set value = 'older' where key = 'gazetteer_synced'")
        sync_entities(store, gazetteer)  # another one was written last: this one is written
        assert store.scalar("select name from entities where key = 'country:ITA'") == "Italy"


@pytest.mark.slow
def test_a_failing_worker_stops_the_stage_with_its_error(ingested: Path) -> None:
    context = TagContext.build(load_gazetteer())
    stale = replace(context, version="not-this-tagger")  # the workers build the real one
    with Store(ingested, read_only=True) as store:
        batches = list(pending_batches(store, pending_ids(store), 100))
    assert tag_batch_frames(batches[0], context)["batch_mentions"].height > 0
    pool = TagPool(stale, 2, here=False)  # the workers alone: they fail every chunk
    with pytest.raises(RuntimeError, match="not-this-tagger"), pool:
        list(_tag_in_workers(iter(batches), pool))
