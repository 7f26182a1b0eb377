"""The one module that owns the DuckDB file: connect, schema, SQL files, frames in and out.

Compute modules never see a connection; they take and return Polars frames. Frames cross
into DuckDB through Arrow (zero-copy), never row by row. The schema is versioned: opening
an older database applies `sql/migrations/NNN_name.sql` in order, each in a transaction;
opening a newer one is refused, so an old cooccur never writes tables it does not know.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from filelock import FileLock, Timeout

from cooccur.settings import SQL_DIR, load_sql

MIGRATIONS_DIR = SQL_DIR / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_(\w+)\.sql$")
# a `create or replace view|macro` statement, after the comments before it
_REPLACEABLE = re.compile(r"(?:\s|--[^\n]*\n)*create\s+or\s+replace\s+(view|macro)\b", re.I)


class CooccurError(RuntimeError):
    """An error the user can act on; `exit_code` is what the `cooccur` command exits with."""

    exit_code = 1


class DatabaseBusy(CooccurError):
    """Another cooccur process is writing this database."""

    exit_code = 3


class SchemaMismatch(CooccurError):
    """The database's schema version is not the one this cooccur reads and writes."""

    exit_code = 4


class MigrationFailed(CooccurError):
    """A migration could not be applied; the database stays at the version before it."""

    exit_code = 1


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """`NNN_name.sql` files in version order; two files with one number is an error."""
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationFailed(f"{path}: migration files are named NNN_name.sql")
        version = int(match.group(1))
        if version in found:
            raise MigrationFailed(
                f"{path} and {found[version].path} share version {version}; renumber one"
            )
        found[version] = Migration(version, match.group(2), path)
    return [found[v] for v in sorted(found)]


# Version 1 is the first released schema; each migration file moves it up by one.
SCHEMA_VERSION = max([1, *(m.version for m in migrations())])


def schema_files() -> list[str]:
    """`sql/schema/*.sql` in name order: one file per area, each idempotent."""
    return [f"schema/{p.stem}" for p in sorted((SQL_DIR / "schema").glob("*.sql"))]


def view_paths() -> list[Path]:
    """`sql/views/*.sql`: the documented views over the analytics tables."""
    return sorted((SQL_DIR / "views").glob("*.sql"))


def schema_digest() -> str:
    """A hash of the schema and view files' text: a database that recorded it has run them
    as they are."""
    text = "\n".join([*(load_sql(name) for name in schema_files()), *map(_read, view_paths())])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def install_views(store: Store) -> None:
    """(Re)create the documented views over the analytics tables (`sql/views/*.sql`), unless
    this database has them from these very files (`meta.views_digest`): replacing the five
    views took ≈ 5 % of a Reuters count's CPU."""
    paths = view_paths()
    texts = [_read(path) for path in paths]
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    present = store.scalar(
        "select count(*) from duckdb_views() where database_name = current_database() "
        "and schema_name = 'main' and view_name in (select unnest(?::varchar[]))",
        [[path.stem for path in paths]],
    )
    if store.meta("views_digest") == digest and present == len(paths):
        return
    for text in texts:
        store.execute(text)
    store.execute("insert or replace into meta values ('views_digest', ?)", [digest])


def quote_identifier(name: str) -> str:
    """A table or column name as a SQL identifier (the only thing never bound as a value)."""
    return '"' + name.replace('"', '""') + '"'


MEMORY_LIMIT = "4GB"  # DuckDB's own default is 80% of RAM; `$COOCCUR_MEMORY_LIMIT` overrides
# DuckDB checkpoints (writes the log into the file) whenever its log passes 16 MB, and each
# checkpoint costs more as the database grows: a stage writing to a million articles paid
# for one every few batches. Past this much log instead, and when the last connection closes.
CHECKPOINT_THRESHOLD = "1GB"


def _limits(path: Path) -> dict[str, str]:
    """DuckDB's memory cap and where it spills beyond it (beside the database), so a large
    count or join slows down on disk instead of taking the machine's memory; how much
    write-ahead log it keeps before a checkpoint."""
    return {
        "memory_limit": os.environ.get("COOCCUR_MEMORY_LIMIT") or MEMORY_LIMIT,
        "temp_directory": str(path.with_name(path.name + ".tmp")),
        "checkpoint_threshold": CHECKPOINT_THRESHOLD,
    }


def _without_common_subplans(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Turn off DuckDB's `common_subplan` optimizer (1.5.1 onward): it answers a UNION of two
    selects from one view with columns of the wrong join, silently (duckdb#25819). Over the
    `cooccurrence` view, `entity_a, n_a … union all … entity_b, n_b` gave entity_b the
    marginal of entity_a, and name_b came out as name_a. DuckDB before 1.5 has no such
    optimizer (and no bug), and rejects the name."""
    with suppress(duckdb.Error):
        con.execute("set global disabled_optimizers = 'common_subplan'")
    return con


def _connect(path: Path, *, read_only: bool, busy_wait: float) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting up to `busy_wait` s while another process holds it."""
    deadline = time.monotonic() + busy_wait
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=_limits(path))
            return _without_common_subplans(con)
        except (duckdb.ParserException, duckdb.InvalidInputException) as error:
            limit = _limits(path)["memory_limit"]
            raise ValueError(f"memory limit {limit!r} ($COOCCUR_MEMORY_LIMIT): {error}") from None
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"{path} is open in another process (a cooccur run, or a duckdb shell); "
                    "try again when it has finished, or pass --wait SECONDS"
                ) from error
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


class Store:
    """A DuckDB database file with cooccur's schema, at the current schema version."""

    def __init__(self, path: Path | str, *, read_only: bool = False, busy_wait: float = 0) -> None:
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise FileNotFoundError(
                f"no database at {self.path}; create one with `cooccur run` or `cooccur ingest`"
            )
        # Writers wait a little by default: a reader (cooccur sql) holds the file briefly.
        wait = busy_wait if read_only else max(busy_wait, 30.0)
        limits = _limits(self.path)  # kept to restore them exactly (DuckDB shows them rounded)
        self.memory_limit = limits["memory_limit"]
        self.checkpoint_threshold = limits["checkpoint_threshold"]
        self.con = _connect(self.path, read_only=read_only, busy_wait=wait)
        try:
            self._check_schema(read_only=read_only)
        except BaseException:
            self.con.close()
            raise

    def _check_schema(self, *, read_only: bool) -> None:
        version = self.schema_version()
        if version is not None and version > SCHEMA_VERSION:
            raise SchemaMismatch(
                f"{self.path} has schema version {version}, newer than version "
                f"{SCHEMA_VERSION} that this cooccur knows; upgrade cooccur "
                "(pip install -U cooccur) or use another --db"
            )
        if read_only:
            if version is not None and version < SCHEMA_VERSION:
                raise SchemaMismatch(
                    f"{self.path} has schema version {version}; this cooccur needs "
                    f"{SCHEMA_VERSION}. Migrate it once with `cooccur doctor --migrate --db "
                    f"{self.path}` (or any `cooccur run`); copy the file first to keep the old one"
                )
            if version is not None and self.meta("schema_digest") != schema_digest():
                self._shadow_definitions()
            return
        migrate = version is not None and version < SCHEMA_VERSION
        if migrate:
            apply_migrations(self, [m for m in migrations() if m.version > version])
        self._apply_schema_files(always=version is None or migrate)
        if version is None:  # a new file: the schema files are the current version
            self._set_version(SCHEMA_VERSION)

    def _apply_schema_files(self, *, always: bool) -> None:
        """Run the schema files unless this database ran these very files before: they
        are idempotent, but replacing every view and macro cost ≈ 0.07 s on each of the
        seven opens of a `cooccur run`. The views a count installed are replaced too, so
        a database migrated or opened by a newer cooccur never answers with old views."""
        digest = schema_digest()
        if not always and self.meta("schema_digest") == digest:
            return
        for name in schema_files():
            self.execute(load_sql(name))
        if self.meta("views_digest") is not None:
            install_views(self)
        self.execute("insert or replace into meta values ('schema_digest', ?)", [digest])

    def _shadow_definitions(self) -> None:
        """Read-only, this connection cannot replace the views and macros that an older
        cooccur wrote into the file (a writable open would): it creates this cooccur's as
        temporary ones, which DuckDB resolves first. So `cooccur top`, `changes`, … answer with
        this version's definitions, and the file is left as it is."""
        texts = [load_sql(name) for name in schema_files()]
        if self.meta("views_digest") is not None:
            texts += map(_read, view_paths())  # the views a count installed
        for text in texts:
            for statement in self.con.extract_statements(text):
                if _REPLACEABLE.match(statement.query):
                    temporary = _REPLACEABLE.sub(r"create or replace temp \1", statement.query, 1)
                    self.con.execute(temporary)

    def meta(self, key: str) -> str | None:
        """A value of the `meta` table (schema version, digests, tagger version), or None."""
        return self.scalar("select value from meta where key = ?", [key])

    def schema_version(self) -> int | None:
        """`meta.schema_version`, or None for a file without cooccur's tables."""
        has_meta = self.scalar(
            "select count(*) from duckdb_tables() where table_name = 'meta' "
            "and schema_name = 'main' and database_name = current_database()"
        )
        if not has_meta:
            return None
        value = self.meta("schema_version")
        return int(value) if value is not None else 1

    def _set_version(self, version: int) -> None:
        self.execute("insert or replace into meta values ('schema_version', ?)", [str(version)])

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
        fault_point(name)

    def execute_file(self, name: str, params: dict[str, Any]) -> None:
        """Run the one statement of `sql/<name>.sql` with values bound as parameters."""
        self.con.execute(load_sql(name), params).fetchall()

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


def apply_migrations(store: Store, pending: list[Migration]) -> None:
    """Apply migrations in order, each in one transaction with its version stamp and record.

    A failing migration rolls back alone: the database stays at the last version that
    applied completely, and the error names the file to fix.
    """
    for migration in pending:
        try:
            with store.transaction():
                store.execute(migration.sql)
                store.execute(
                    "create table if not exists schema_migrations ("
                    "version integer primary key, name varchar not null, "
                    "applied_at timestamp not null)"
                )
                store.execute(
                    "insert into schema_migrations values (?, ?, now()::timestamp)",
                    [migration.version, migration.name],
                )
                store._set_version(migration.version)
        except duckdb.Error as error:
            now = store.schema_version()
            raise MigrationFailed(
                f"migration {migration.path} failed: {error}. {store.path} stays at "
                f"schema version {now}; fix that file (or restore a backup) and open it again"
            ) from error


# Fault injection for the crash tests: COOCCUR_TEST_KILL_AT=<stage>:<n> kills this process
# with SIGKILL right after the n-th SQL file of that stage ran, inside its transaction.
_FAULT_STAGES = {"ingest": "ingest", "tag": "write_tags", "cooccur": "analytics/store_results"}
_fault_counts: dict[str, int] = {}


def fault_point(sql_name: str) -> None:
    spec = os.environ.get("COOCCUR_TEST_KILL_AT")
    if not spec:
        return
    stage, _, count = spec.partition(":")
    prefix = _FAULT_STAGES.get(stage, stage)
    if not sql_name.startswith(prefix):
        return
    _fault_counts[stage] = _fault_counts.get(stage, 0) + 1
    if _fault_counts[stage] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)


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


def is_locked(db: Path | str) -> bool:
    """True while some process holds the writer lock of `db` (checked without waiting)."""
    lock = FileLock(Path(f"{db}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False
