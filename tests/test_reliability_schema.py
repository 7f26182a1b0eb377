"""Schema versioning: an older database is migrated in place, a newer one is refused."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cooccur.cli import app
from cooccur.settings import SQL_DIR
from cooccur.store import (
    SCHEMA_VERSION,
    Migration,
    MigrationFailed,
    SchemaMismatch,
    Store,
    apply_migrations,
    migrations,
)


def make_version_1(path: Path) -> None:
    """A database as the walking skeleton (schema version 1) left it, with one article."""
    con = duckdb.connect(str(path))
    con.execute((SQL_DIR / "schema" / "00_core.sql").read_text("utf-8")).fetchall()
    con.execute("insert into meta values ('schema_version', '1')").fetchall()
    con.execute(
        "insert into articles (article_id, source, source_path, external_id, url, title, text, "
        "published_at, date_inferred, ingested_at) "
        "values ('a1', 'text', 'x.txt', null, null, 'Title', 'Italy.', "
        "timestamp '2025-04-08', false, timestamp '2025-04-08')"
    ).fetchall()
    con.close()


def columns(path: Path) -> list[tuple]:
    with Store(path, read_only=True) as store:
        return store.query(
            "select table_name, column_name, data_type, is_nullable "
            "from information_schema.columns order by all"
        ).rows()


def test_an_older_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    old, fresh = tmp_path / "old.duckdb", tmp_path / "fresh.duckdb"
    make_version_1(old)
    with Store(old) as store:
        assert store.schema_version() == SCHEMA_VERSION >= 3
        applied = store.query("select version, name from schema_migrations").rows()
        assert store.scalar("select title from articles where article_id = 'a1'") == "Title"
        assert store.scalar("select count(*) from runs") == 0
    assert applied == [(m.version, m.name) for m in migrations()]  # every one, in order
    Store(fresh).close()
    # a migrated file has exactly the tables and columns of a new one
    assert columns(old) == columns(fresh)


def test_reading_an_older_database_says_how_to_migrate(tmp_path: Path) -> None:
    old = tmp_path / "old.duckdb"
    make_version_1(old)
    needs = rf"version 1; this cooccur needs {SCHEMA_VERSION}.*--migrate"
    with pytest.raises(SchemaMismatch, match=needs):
        Store(old, read_only=True)
    result = CliRunner().invoke(app, ["doctor", "--db", str(old)])
    assert result.exit_code == 1 and "version 1" in result.output
    result = CliRunner().invoke(app, ["doctor", "--db", str(old), "--migrate"])
    assert result.exit_code == 0, result.output
    assert "healthy" in result.output


def test_a_newer_database_is_refused_naming_both_versions(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("update meta set value = '99' where key = 'schema_version'").fetchall()
    con.close()
    for read_only in (False, True):
        newer = rf"version 99, newer than version {SCHEMA_VERSION}.*upgrade"
        with pytest.raises(SchemaMismatch, match=newer):
            Store(path, read_only=read_only)
    result = CliRunner().invoke(app, ["runs", "--db", str(path)])
    assert result.exit_code == 4
    assert "99" in result.output and "upgrade cooccur" in result.output
    # refusing wrote nothing
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [
        ("99",)
    ]
    con.close()


def test_a_failing_migration_rolls_back_alone(tmp_path: Path) -> None:
    path = tmp_path / "db.duckdb"
    Store(path).close()
    good, bad = tmp_path / "003_add_note.sql", tmp_path / "004_broken.sql"
    good.write_text("alter table runs add column note varchar;", "utf-8")
    bad.write_text("alter table runs add column other varchar;\nselect * from no_such_table;")
    with Store(path) as store:
        with pytest.raises(
            MigrationFailed, match=r"(?s)004_broken.sql failed.*stays at schema version 3"
        ):
            apply_migrations(store, [Migration(3, "add_note", good), Migration(4, "broken", bad)])
        assert store.schema_version() == 3
        run_columns = store.query("select column_name from (describe runs)")["column_name"]
        assert "note" in run_columns and "other" not in run_columns
        assert store.query("select version from schema_migrations").rows() == [(3,)]


def test_migration_files_are_numbered_once(tmp_path: Path) -> None:
    assert [m.version for m in migrations()] == list(range(2, SCHEMA_VERSION + 1))
    (tmp_path / "002_a.sql").write_text("select 1;")
    (tmp_path / "002_b.sql").write_text("select 1;")
    with pytest.raises(MigrationFailed, match="share version 2; renumber one"):
        migrations(tmp_path)


def test_duckdb_memory_is_capped_and_spills_beside_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "capped.duckdb"
    with Store(db) as store:
        assert store.scalar("select current_setting('memory_limit')") == "3.7 GiB"  # 4 GB
        assert store.scalar("select current_setting('temp_directory')") == f"{db}.tmp"
    monkeypatch.setenv("COOCCUR_MEMORY_LIMIT", "1GB")
    with Store(db) as store:
        assert store.scalar("select current_setting('memory_limit')") == "953.6 MiB"
    monkeypatch.setenv("COOCCUR_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match="COOCCUR_MEMORY_LIMIT"):
        Store(db)
