"""The `cooccur` command: run the Prefect pipeline or one stage, query the database.

Commands live in one module per area (`core`, …), each registering on `app`. Prefect is
imported only inside commands that run flows, after its environment is set (state beside
the database, no telemetry), so `cooccur sql` stays instant.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from cooccur.settings import DEFAULT_DB, DEFAULT_REPORTS
from cooccur.store import CooccurError


class _Commands(TyperGroup):
    """Every command exits with the code of a `CooccurError` it raises (see README)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CooccurError as error:
            Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {escape(str(error))}")
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=_Commands,
    help="Entity co-occurrence analytics over news: who and what appears together, over time.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]
ReportsOption = Annotated[Path, typer.Option("--reports", help="Folder for the HTML report.")]
PairOption = Annotated[
    tuple[str, str] | None,
    typer.Option(
        "--pair", help="Two entity names for the pair timeline, e.g. --pair Italy Turkey."
    ),
]
WaitOption = Annotated[
    float,
    typer.Option("--wait", help="Seconds to wait if another run is writing the database."),
]
RunnerOption = Annotated[
    str, typer.Option("--runner", help="Where tagging batches run: threads, processes or dask.")
]
AddressOption = Annotated[
    str | None,
    typer.Option("--address", help="Scheduler of an existing Dask cluster, tcp://host:8786."),
]
WorkersOption = Annotated[
    int | None, typer.Option("--workers", help="Threads, processes or local Dask workers.")
]
ShardsOption = Annotated[
    Path | None,
    typer.Option(
        "--shards", help="Folder for tagging shards (default <db>.shards; shared on a cluster)."
    ),
]
RefreshOption = Annotated[
    bool, typer.Option("--refresh-cache", help="Tag again even batches tagged before.")
]
__all__ = ["DEFAULT_DB", "DEFAULT_REPORTS", "app", "console", "fail", "print_summary"]


def fail(message: str, code: int = 1) -> None:
    """Print a clear error and exit with `code` (see the README for the codes)."""
    Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


def print_summary(result: dict[str, object]) -> None:
    table = Table(title="cooccur", show_header=False)
    for stage, values in result.items():
        if isinstance(values, dict):
            for key, value in values.items():
                table.add_row(stage, key.replace("_", " "), str(value))
        elif isinstance(values, list):
            table.add_row(stage, "pages", "\n".join(map(str, values)))
    console.print(table)


def pair_or_none(pair: tuple[str, str] | None) -> tuple[str, str] | None:
    return pair if pair and all(pair) else None


def main() -> None:
    """The `cooccur` script: `app`, then leave without tearing the interpreter down.

    Python's teardown of the ~400k objects that Prefect, Altair and Polars leave took 1.6 to
    4.5 s after `cooccur run` had finished (benchmarks/RESULTS.md, session 4). Exit handlers
    registered after this one (Prefect stopping its temporary server, flushing its logs) run
    first, as atexit runs them last-in first-out; then the process exits with `app`'s code.
    """
    status = [1]  # an uncaught exception: its traceback is printed, then we exit with 1
    atexit.register(_leave, status)
    try:
        app()
    except SystemExit as done:  # click always ends with one, 0 on success
        code = done.code
        status[0] = code if isinstance(code, int) else 0 if code is None else 1
        raise


def _leave(status: list[int]) -> None:
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(status[0])


# Command modules register themselves on `app` when imported.
import cooccur.cli.analytics  # noqa: E402, F401
from cooccur.cli import core  # noqa: E402, F401
from cooccur.cli import gdelt  # noqa: E402, F401
from cooccur.cli import ops  # noqa: E402, F401
from cooccur.cli import tagging  # noqa: E402, F401
