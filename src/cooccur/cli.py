"""The `cooccur` command: run the Prefect pipeline or one stage, query the database.

Prefect is imported only inside the commands that run flows, after its environment is
set (state beside the database, no telemetry), so `cooccur sql` stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cooccur.settings import DEFAULT_DB, DEFAULT_REPORTS, EXAMPLES_DIR, configure_prefect
from cooccur.store import DatabaseBusy, Store

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


def _fail(message: str, code: int = 1) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


def _print_summary(result: dict[str, object]) -> None:
    table = Table(title="cooccur run", show_header=False)
    for stage, values in result.items():
        if isinstance(values, dict):
            for key, value in values.items():
                table.add_row(stage, key.replace("_", " "), str(value))
        elif isinstance(values, list):
            table.add_row(stage, "pages", "\n".join(map(str, values)))
    console.print(table)


@app.command()
def run(
    sources: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders of articles (.txt, .jsonl). Default: examples."),
    ] = None,
    db: DbOption = DEFAULT_DB,
    reports: ReportsOption = DEFAULT_REPORTS,
    pair: PairOption = None,
    wait: WaitOption = 0,
) -> None:
    """Ingest, tag, count and report: the whole pipeline as one Prefect flow run.

    Example: cooccur run ../shared/data/seed/ --db data/cooccur.duckdb --pair Italy Turkey
    """
    inputs = sources or [EXAMPLES_DIR / "articles"]
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        _fail(f"input not found: {', '.join(missing)}", 2)
    configure_prefect(db)
    from flows.pipeline import pipeline

    try:
        result = pipeline([str(p) for p in inputs], str(db), str(reports), _pair(pair), wait)
    except DatabaseBusy as error:
        _fail(str(error), 3)
    _print_summary(result)


@app.command()
def ingest(
    sources: Annotated[list[Path], typer.Argument(help="Files or folders of articles.")],
    db: DbOption = DEFAULT_DB,
    wait: WaitOption = 0,
) -> None:
    """Ingest articles only (deduplicated; unchanged files are skipped).

    Example: cooccur ingest ../shared/data/reuters21578/articles/ --db data/cooccur.duckdb
    """
    configure_prefect(db)
    from cooccur.store import writer_lock
    from flows.pipeline import ingest_flow

    try:
        with writer_lock(db, wait=wait):
            result = ingest_flow([str(p) for p in sources], str(db))
    except DatabaseBusy as error:
        _fail(str(error), 3)
    _print_summary({"ingest": result})


@app.command()
def report(
    db: DbOption = DEFAULT_DB,
    reports: ReportsOption = DEFAULT_REPORTS,
    pair: PairOption = None,
) -> None:
    """Write the HTML report from the database as it is (no Prefect run needed).

    Example: cooccur report --pair Italy Turkey --reports reports/
    """
    from cooccur.report.build import UnknownEntity, build_report

    try:
        with Store(db, read_only=True) as store:
            pages = build_report(store, reports, pair=_pair(pair))
    except (FileNotFoundError, UnknownEntity) as error:
        _fail(str(error), 2)
    _print_summary({"report": pages})


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A SQL query over the cooccur tables.")],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="Rows to show at most.")] = 50,
) -> None:
    """Run a read-only SQL query and print the result as a table.

    Example: cooccur sql "select name_a, name_b, n from cooccurrence order by n desc limit 10"
    """
    import duckdb

    try:
        with Store(db, read_only=True) as store:
            frame = store.query(query)
    except (FileNotFoundError, duckdb.Error) as error:
        _fail(str(error), 2)
    table = Table(*frame.columns)
    for row in frame.head(limit).iter_rows():
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
    if frame.height > limit:
        console.print(f"({frame.height - limit} more rows; raise --limit to see them)")


def _pair(pair: tuple[str, str] | None) -> tuple[str, str] | None:
    return pair if pair and all(pair) else None


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
