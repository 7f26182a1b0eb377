"""The one module that owns the DuckDB file: connect, schema, SQL files, frames in and out.

Compute modules never see a connection; they take and return Polars frames. Frames cross
into DuckDB through Arrow (zero-copy), never row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from filelock import FileLock, Timeout

from cooccur.settings import SQL_DIR, load_sql

SCHEMA_VERSION = 1


def schema_files() -> list[str]:
    """`sql/schema/*.sql` in name order: one file per area, each idempotent."""
    return [f"schema/{p.stem}" for p in sorted((SQL_DIR / "schema").glob("*.sql"))]


class DatabaseBusy(RuntimeError):
    """Another cooccur process is writing this database."""


class Store:
    """A DuckDB database file with cooccur's schema."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise FileNotFoundError(
                f"no database at {self.path}; create one with `cooccur run` or `cooccur ingest`"
            )
        self.con = duckdb.connect(str(self.path), read_only=read_only)
        if not read_only:
            for name in schema_files():
                self.execute(load_sql(name))
            self.execute(
                "insert or replace into meta values ('schema_version', ?)", [str(SCHEMA_VERSION)]
            )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a failure (or a kill) leaves the database as it was before."""
        self.con.begin()
        try:
            yield
        except BaseException:
            self.con.rollback()
            raise
        self.con.commit()

    def run(self, name: str) -> None:
        """Run the statements of `sql/<name>.sql` (no parameters)."""
        self.execute(load_sql(name))

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        """Run statements for their effect (DuckDB 2 wants every result consumed)."""
        self.con.execute(sql, params or []).fetchall()

    def query(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
        return self.con.sql(sql, params=params or None).pl()

    def select(self, name: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
        """Result of the query in `sql/<name>.sql`, values bound as parameters."""
        return self.query(load_sql(name), params)

    def scalar(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> Any:
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def register(self, name: str, frame: pl.DataFrame) -> None:
        """Expose a Polars frame to SQL as a view named `name` (zero-copy through Arrow)."""
        self.con.register(name, frame.to_arrow())

    def unregister(self, name: str) -> None:
        self.con.unregister(name)

    def run_with(self, name: str, **frames: pl.DataFrame) -> None:
        """Run `sql/<name>.sql` with frames visible under the given names."""
        for key, frame in frames.items():
            self.register(key, frame)
        try:
            self.run(name)
        finally:
            for key in frames:
                self.unregister(key)


@contextmanager
def writer_lock(db: Path | str, *, wait: float = 0) -> Iterator[None]:
    """One writer per database file across processes; `wait` seconds before giving up."""
    lock_path = Path(f"{db}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise DatabaseBusy(
            f"{db} is being written by another cooccur run (lock {lock_path}); "
            "wait for it to finish or pass --wait SECONDS"
        ) from None
    try:
        yield
    finally:
        lock.release()
