"""Health checks of a database: schema version and the data tests in `sql/checks/`.

Each check is a SQL file returning the rows that break a rule (zero rows = pass); its
first comment line says what it finds, a `-- fix:` line what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from cooccur.settings import SQL_DIR
from cooccur.store import SCHEMA_VERSION, Store

CHECKS_DIR = SQL_DIR / "checks"


@dataclass
class CheckResult:
    name: str
    description: str
    fix: str
    rows: int = 0
    sample: pl.DataFrame = field(default_factory=pl.DataFrame)
    skipped: str | None = None  # why it could not run (a table not built yet)

    @property
    def ok(self) -> bool:
        return self.rows == 0


def _describe(path: Path) -> tuple[str, str]:
    description, fix = "", ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        text = line.removeprefix("--").strip()
        if text.lower().startswith("fix:"):
            fix = text[4:].strip()
        elif not description:
            description = text
    return description, fix


def check_files(directory: Path = CHECKS_DIR) -> list[Path]:
    return sorted(directory.glob("*.sql"))


def run_check(store: Store, path: Path, *, sample: int = 5) -> CheckResult:
    description, fix = _describe(path)
    result = CheckResult(path.stem, description, fix)
    try:
        found = store.query(path.read_text(encoding="utf-8"))
    except duckdb.CatalogException as error:  # e.g. no pair table before the first count
        result.skipped = str(error).splitlines()[0]
        return result
    result.rows = found.height
    result.sample = found.head(sample)
    return result


def schema_problem(store: Store) -> str | None:
    version = store.schema_version()
    if version == SCHEMA_VERSION:
        return None
    return (
        f"schema version {version}, expected {SCHEMA_VERSION}: "
        "`cooccur doctor --migrate` brings an older database up to date"
    )


def run_checks(store: Store) -> list[CheckResult]:
    """Every data test in `sql/checks/`, in name order."""
    return [run_check(store, path) for path in check_files()]
