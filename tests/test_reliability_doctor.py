"""`cooccur doctor`: every data test passes on real tables and fires on broken ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ops_helpers import run_stages, split_jsonl
from typer.testing import CliRunner

from cooccur.cli import app
from cooccur.doctor import check_files, run_checks
from cooccur.store import Store


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory, reuters_file: Path) -> Path:
    folder = tmp_path_factory.mktemp("doctor")
    parts = split_jsonl(reuters_file, folder / "in", files=2, per_file=150)
    db = folder / "db.duckdb"
    assert run_stages(db, parts).returncode == 0
    return db


# One change per check in sql/checks, each breaking the rule that check tests.
BREAKAGES = {
    "aliases_without_entity": "insert into aliases values ('ghost', 99999)",
    "cooccurrence_bounds": "update cooccurrence_counts set n = n + 10 ** 9 where entity_a = "
    "(select min(entity_a) from cooccurrence_counts)",
    "cooccurrence_keys_unique": "insert into cooccurrence_counts "
    "select * from cooccurrence_counts limit 1",
    "cooccurrence_matches_mentions": "delete from cooccurrence_counts where entity_b = "
    "(select max(entity_b) from cooccurrence_counts)",
    "cooccurrence_pair_order": "insert into cooccurrence_counts select * replace "
    "(entity_b as entity_a, entity_a as entity_b) "
    "from cooccurrence_counts where context <> 'window_ordered' limit 1",
    "frequency_matches_cooccurrence": "update entity_count_sums set n_articles = n_articles + 7",
    "mentions_without_article": "insert into mentions values ('nope', 1, 1, 0, 5, 'Italy')",
    "mentions_without_entity": "insert into mentions "
    "select article_id, 99999, 1, 0, 5, 'Ghost' from articles limit 1",
    "sentences_without_article": "insert into sentences values ('nope', 1, 0, 5)",
    "sources_counts": "update sources set n_records = n_records + 1",
    "tagged_without_article": "insert into tagged_articles values ('nope')",
    "tags_of_untagged_articles": "delete from tagged_articles where article_id = "
    "(select min(article_id) from mentions)",
}


def test_every_check_passes_on_tables_the_pipeline_wrote(small_db: Path) -> None:
    with Store(small_db, read_only=True) as store:
        results = run_checks(store)
    assert {r.name for r in results} == set(BREAKAGES)  # a new check needs a breakage here
    assert [(r.name, r.rows, r.skipped) for r in results if r.rows or r.skipped] == []
    result = CliRunner().invoke(app, ["doctor", "--db", str(small_db)])
    assert result.exit_code == 0, result.output
    assert "healthy" in result.output


@pytest.mark.parametrize("check", sorted(BREAKAGES))
def test_each_check_finds_what_it_is_for(small_db: Path, tmp_path: Path, check: str) -> None:
    db = tmp_path / "broken.duckdb"
    shutil.copy(small_db, db)
    with Store(db) as store:
        store.execute(BREAKAGES[check])
        results = {r.name: r for r in run_checks(store)}
    assert results[check].rows > 0, f"{check} missed its breakage"
    result = CliRunner().invoke(app, ["doctor", "--db", str(db)])
    assert result.exit_code == 1
    assert f"{check}:" in result.output and results[check].fix[:30] in result.output


def test_checks_state_what_they_find_and_the_fix() -> None:
    for path in check_files():
        lines = path.read_text("utf-8").splitlines()
        assert lines[0].startswith("-- ") and lines[1].startswith("-- fix: "), path.name


def test_doctor_on_a_new_empty_database_is_healthy(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    Store(db).close()
    result = CliRunner().invoke(app, ["doctor", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "healthy" in result.output
    missing = CliRunner().invoke(app, ["doctor", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "no database" in missing.output
