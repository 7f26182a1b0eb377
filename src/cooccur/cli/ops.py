"""Operations commands: serve the pipeline on a schedule, list runs, check a database."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cooccur.cli import (
    AddressOption,
    DbOption,
    PairOption,
    ReportsOption,
    RunnerOption,
    ShardsOption,
    WaitOption,
    WorkersOption,
    app,
    console,
    fail,
)
from cooccur.readers import is_url
from cooccur.settings import DEFAULT_DB, DEFAULT_REPORTS, EXAMPLES_DIR, configure_prefect
from cooccur.store import SCHEMA_VERSION, SchemaMismatch, Store, writer_lock


def _absolute(sources: list[str]) -> list[str]:
    return [s if is_url(s) else str(Path(s).resolve()) for s in sources]


@app.command()
def serve(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, folders or URLs of article files read on every run. Default: examples."
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    reports: ReportsOption = DEFAULT_REPORTS,
    pair: PairOption = None,
    cron: Annotated[
        str | None, typer.Option("--cron", help='Cron schedule, e.g. "0 6 * * *" (UTC).')
    ] = None,
    interval: Annotated[
        float | None, typer.Option("--interval", help="Seconds between runs, e.g. 3600.")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Deployment name in Prefect.")] = "cooccur",
    overlap: Annotated[
        str,
        typer.Option("--overlap", help="A run due while one is going: skip it, or queue it after."),
    ] = "skip",
    runner: RunnerOption = "threads",
    address: AddressOption = None,
    workers: WorkersOption = None,
    shards: ShardsOption = None,
    wait: WaitOption = 0,
) -> None:
    """Run the pipeline on a schedule (Prefect deployment) until Ctrl-C.

    With no PREFECT_API_URL, a local Prefect server is started for it on 127.0.0.1 (state
    beside the database) and stopped on exit; its UI address is printed.

    Example: cooccur serve ../shared/data/seed/ --db data/cooccur.duckdb --cron "0 6 * * *"
    """
    if (cron is None) == (interval is None):
        fail("give exactly one of --cron and --interval", 2)
    if overlap not in {"skip", "queue"}:
        fail(f"--overlap is skip or queue, not {overlap!r}", 2)
    inputs = sources or [str(EXAMPLES_DIR / "articles")]
    missing = [s for s in inputs if not is_url(s) and not Path(s).exists()]
    if missing:
        fail(f"input not found: {', '.join(missing)}", 2)
    configure_prefect(db)
    parameters = {
        "sources": _absolute(inputs),
        "db": str(db.resolve()),
        "reports": str(reports.resolve()),
        "pair": list(pair) if pair and all(pair) else None,
        "wait": wait,
        "runner": runner,
        "address": address,
        "workers": workers,
        "shard_dir": str(shards.resolve()) if shards else None,
    }
    # SIGTERM (a service manager, `kill`) stops serving as Ctrl-C does, so cleanup runs.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if os.environ.get("PREFECT_API_URL"):
        console.print(f"Serving on the Prefect server at {os.environ['PREFECT_API_URL']}")
        _serve(parameters, name=name, cron=cron, interval=interval, overlap=overlap)
        return
    from flows.server import ServerFailed, local_server

    home = Path(os.environ["PREFECT_HOME"])
    try:
        with local_server(home) as (url, process):
            os.environ["PREFECT_API_URL"] = f"{url}/api"
            console.print(
                f"Started a local Prefect server (pid {process.pid}, state in {home}).\n"
                f"Prefect UI: [bold]{url}[/]\n"
                "It stops when this command stops. To keep runs in a long-lived server "
                "instead: run `prefect server start` and set "
                "PREFECT_API_URL=http://127.0.0.1:4200/api before `cooccur serve`."
            )
            _serve(parameters, name=name, cron=cron, interval=interval, overlap=overlap)
    except ServerFailed as error:
        fail(str(error), 1)
    except KeyboardInterrupt:
        console.print("Stopped serving; the local Prefect server is stopped.")


def _serve(parameters: dict[str, object], **options: object) -> None:
    from flows.deploy import serve_pipeline

    try:
        serve_pipeline(parameters, **options)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        console.print("Stopped serving.")


@app.command()
def runs(
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="How many recent runs to list.")] = 20,
) -> None:
    """List recent pipeline runs recorded in the database, newest first.

    Example: cooccur runs --db data/cooccur.duckdb --limit 5
    """
    from cooccur.runs import recent_runs

    try:
        with Store(db, read_only=True) as store:
            frame = recent_runs(store, limit)
    except FileNotFoundError as error:
        fail(str(error), 2)
    if frame.is_empty():
        console.print("No runs recorded yet: `cooccur run` records one.")
        return
    table = Table("run …", "status", "started (UTC)", "secs", "new", "skipped", "quar.")
    table.columns[2].no_wrap = True
    notes = []
    for row in frame.iter_rows(named=True):
        short = row["run_id"][-8:]  # the random end: Prefect's ids start with the time
        table.add_row(
            short,
            row["status"],
            str(row["started_at"])[:19],
            "" if row["seconds"] is None else str(row["seconds"]),
            *("" if row[k] is None else str(row[k]) for k in _COUNTS),
        )
        if row["message"]:
            notes.append(f"{short}: {escape(row['message'])}")
    console.print(table)
    for note in notes:
        console.print(note, soft_wrap=True)
    console.print('Run ids are shortened; `cooccur sql "select * from runs"` shows them whole.')


_COUNTS = ("articles_new", "articles_skipped", "articles_quarantined")


@app.command()
def doctor(
    db: DbOption = DEFAULT_DB,
    migrate: Annotated[
        bool, typer.Option("--migrate", help="Bring an older database to this schema version.")
    ] = False,
    wait: WaitOption = 0,
) -> None:
    """Check a database: schema version, orphan rows, counts consistent between tables.

    Exits 0 when healthy, 1 when a check finds problems (each with what to do).

    Example: cooccur doctor --db data/cooccur.duckdb
    """
    from cooccur.doctor import run_checks, schema_problem

    if not db.exists():
        fail(f"no database at {db}; create one with `cooccur run`", 2)
    if migrate:
        with writer_lock(db, wait=wait), Store(db) as store:
            console.print(f"{db} is at schema version {store.schema_version()}")
    try:
        with Store(db, read_only=True, busy_wait=wait) as store:
            problem = schema_problem(store)
            results = run_checks(store)
    except SchemaMismatch as error:
        console.print(f"[bold red]schema:[/] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(1) from None
    table = Table("check", "rows", "finds", title=f"cooccur doctor {db}")
    table.add_row("schema_version", "ok" if problem is None else "PROBLEM", f"= {SCHEMA_VERSION}")
    for result in results:
        status = "skipped" if result.skipped else str(result.rows)
        table.add_row(result.name, status, escape(result.description))
    console.print(table)
    failed = [r for r in results if not r.ok]
    if problem:
        console.print(f"[bold red]schema:[/] {escape(problem)}", soft_wrap=True)
    for result in failed:
        console.print(f"[bold red]{result.name}[/]: {result.rows} rows. {escape(result.fix)}")
        console.print(result.sample)
    if problem or failed:
        raise typer.Exit(1)
    console.print("healthy")
