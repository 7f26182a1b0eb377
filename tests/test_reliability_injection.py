"""Names and arguments full of SQL and HTML metacharacters are data, never code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cooccur.cli import app
from cooccur.counts import compute_tables
from cooccur.report.build import UnknownEntity, resolve_entity
from cooccur.store import Store

REPO = Path(__file__).resolve().parents[1]
HOSTILE = [
    "O'Brien",
    "'; drop table articles; --",
    'Robert"); delete from entities; --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "a -- b; select 1",
]


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """Entities with hostile names, named together in one article whose title is hostile."""
    db = tmp_path / "db.duckdb"
    with Store(db) as store:
        for index, name in enumerate(HOSTILE, start=1):
            store.execute(
                "insert into entities (key, name, kind) values (?, ?, 'person')",
                [f"person:{name.lower()}", name],
            )
            store.execute("insert into aliases values (?, ?)", [name.lower(), index])
            store.execute("insert into mentions values ('a1', ?, 1, 0, 1, ?)", [index, name])
        store.execute(
            "insert into articles (article_id, source, source_path, external_id, url, title, text, "
            "published_at, date_inferred, ingested_at) values ('a1', 'text', ?, null, null, ?, ?, "
            "timestamp '2025-04-08', false, now()::timestamp)",
            [HOSTILE[1], HOSTILE[3], " ".join(HOSTILE)],
        )
        store.execute("insert into sentences values ('a1', 1, 0, 10)")
        store.execute("insert into tagged_articles values ('a1')")
        compute_tables(store)
    return db


def test_resolve_entity_binds_names_as_values(hostile_db: Path) -> None:
    with Store(hostile_db, read_only=True) as store:
        for index, name in enumerate(HOSTILE, start=1):
            assert resolve_entity(store, name) == (index, name)
            assert resolve_entity(store, name.upper())[0] == index  # case-insensitive
        with pytest.raises(UnknownEntity):
            resolve_entity(store, "x' or '1'='1")
        assert store.scalar("select count(*) from articles") == 1
        assert store.scalar("select count(*) from entities") == len(HOSTILE)


@pytest.mark.slow
def test_cli_takes_hostile_arguments_as_names(hostile_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    reports = tmp_path / "reports"
    result = runner.invoke(
        app, ["report", "--db", str(hostile_db), "--reports", str(reports), "--pair", *HOSTILE[3:5]]
    )
    assert result.exit_code == 0, result.output
    page = (reports / "index.html").read_text("utf-8")
    assert "<script>alert(1)</script>" not in page
    assert '"><img src=x onerror=alert(1)>' not in page

    unknown = runner.invoke(
        app, ["report", "--db", str(hostile_db), "--pair", "Italy'; --", HOSTILE[0]]
    )
    assert unknown.exit_code == 2 and "no entity named" in unknown.output

    for query in ("drop table articles", "select 1; delete from entities"):
        refused = runner.invoke(app, ["sql", query, "--db", str(hostile_db)])
        assert refused.exit_code == 2
    assert runner.invoke(app, ["runs", "--db", str(hostile_db), "--limit", "1; --"]).exit_code == 2
    with Store(hostile_db, read_only=True) as store:
        assert store.scalar("select count(*) from articles") == 1
        assert store.scalar("select count(*) from entities") == len(HOSTILE)


SQL_CALL = re.compile(
    r"\.(?:execute|query|scalar|sql|select|execute_file)\(\s*"
    r"(?:f[\"']|[\"'][^\"']*[\"']\s*(?:%|\.format\())"
)


def test_no_sql_is_built_by_string_formatting() -> None:
    """Values go in as bound parameters: no f-string or format() as a query's text."""
    offenders = []
    for path in [*REPO.glob("src/cooccur/**/*.py"), *REPO.glob("flows/*.py")]:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if SQL_CALL.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []
    # the pattern does catch what it looks for
    assert SQL_CALL.search('store.query(f"select * from {table}")')
    assert SQL_CALL.search("con.execute('select %s' % name)")
