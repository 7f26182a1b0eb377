"""The tag stage's batching and worker processes: same tables however the work is split."""

from __future__ import annotations

import shutil
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
    pending_batches,
    pending_ids,
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
def test_two_workers_write_the_same_tables_as_one(ingested: Path, tmp_path: Path) -> None:
    one = tables_after(ingested, tmp_path / "one.duckdb", batch_size=50, workers=1)
    two = tables_after(ingested, tmp_path / "two.duckdb", batch_size=50, workers=2)
    assert one["mentions"].height > 1_000 and one["themes"].height > 100
    for table in TABLES:
        assert two[table].equals(one[table]), table


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
