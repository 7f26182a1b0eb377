"""The `cooccur` command: run the Prefect pipeline or one stage, query the database.

Commands live in one module per area (`core`, …), each registering on `app`. Prefect is
imported only inside commands that run flows, after its environment is set (state beside
the database, no telemetry), so `cooccur sql` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cooccur.settings import DEFAULT_DB, DEFAULT_REPORTS

app = typer.Typer(
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
__all__ = ["DEFAULT_DB", "DEFAULT_REPORTS", "app", "console", "fail", "print_summary"]


def fail(message: str, code: int = 1) -> None:
    """Print a clear error and exit with `code` (see the README for the codes)."""
    console.print(f"[bold red]error:[/] {message}")
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


# Command modules register themselves on `app` when imported.
import cooccur.cli.analytics  # noqa: E402, F401
from cooccur.cli import core  # noqa: E402, F401
