"""A run SIGKILLed during ingest, tagging or counting loses nothing but its open batch.

The stages run in a subprocess (`ops_helpers.run_stages`) that kills itself through the
library's fault hook (COOCCUR_TEST_KILL_AT=<stage>:<n>: SIGKILL after the n-th batch of a
stage ran, before it committed). Inputs: 4 files of 150 Reuters stories; ingest writes one
file per batch, tagging 100 articles per batch.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from ops_helpers import assert_same_tables, run_stages, snapshot, split_jsonl

from cooccur.store import Store


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory, reuters_file: Path) -> list[Path]:
    return split_jsonl(reuters_file, tmp_path_factory.mktemp("parts"), files=4, per_file=150)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory, inputs: list[Path]) -> dict:
    db = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    done = run_stages(db, inputs)
    assert done.returncode == 0, done.stderr
    return snapshot(db)


def killed(db: Path, inputs: list[Path], kill_at: str, **options: object) -> None:
    result = run_stages(db, inputs, kill_at=kill_at, **options)  # type: ignore[arg-type]
    assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr


def resumed(db: Path, inputs: list[Path], clean: dict, **options: object) -> None:
    result = run_stages(db, inputs, **options)  # type: ignore[arg-type]
    assert result.returncode == 0, result.stderr
    assert_same_tables(snapshot(db), clean)


@pytest.mark.slow
def test_kill_during_ingest_keeps_the_files_committed_before(
    tmp_path: Path, inputs: list[Path], clean: dict
) -> None:
    db = tmp_path / "db.duckdb"
    killed(db, inputs, "ingest:3")  # killed while writing the third file
    first_two = {str(p) for p in inputs[:2]}
    with Store(db) as store:
        assert set(store.query("select path from sources")["path"]) == first_two
        articles = store.query("select article_id from articles order by all")
    expected = clean["articles"].filter(clean["articles"]["source_path"].is_in(list(first_two)))
    assert articles["article_id"].to_list() == sorted(expected["article_id"].to_list())
    assert articles.height > 0
    resumed(db, inputs, clean)


@pytest.mark.slow
@pytest.mark.parametrize("sharded", [False, True], ids=["library", "shards"])
def test_kill_during_tagging_keeps_the_batches_committed_before(
    tmp_path: Path, inputs: list[Path], clean: dict, sharded: bool
) -> None:
    db = tmp_path / "db.duckdb"
    killed(db, inputs, "tag:2", sharded=sharded)  # killed while writing the second batch
    with Store(db) as store:
        tagged = store.query("select article_id from tagged_articles order by all")
        mentioned = store.query("select distinct article_id from mentions order by all")
        assert store.scalar("select count(*) from articles") == clean["articles"].height
    # exactly the first batch: the 100 smallest article ids, and mentions for no others
    first_batch = sorted(clean["articles"]["article_id"].to_list())[:100]
    assert tagged["article_id"].to_list() == first_batch
    assert set(mentioned["article_id"]) <= set(first_batch)
    resumed(db, inputs, clean, sharded=sharded)


@pytest.mark.slow
def test_kill_during_counting_leaves_the_tables_as_before(
    tmp_path: Path, inputs: list[Path], clean: dict
) -> None:
    db = tmp_path / "db.duckdb"
    killed(db, inputs, "cooccur:1")  # killed after computing, before committing
    after = snapshot(db)
    # as before the count: the (schema's) pair tables are still empty
    assert after["cooccurrence"].is_empty() and after["entity_frequency"].is_empty()
    for table in ("articles", "mentions", "tagged_articles"):
        assert after[table].equals(clean[table])
    resumed(db, inputs, clean)
