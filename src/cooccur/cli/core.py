"""Core commands: run the pipeline, run one stage, write the report, query with SQL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cooccur.cli import (
    DbOption,
    PairOption,
    ReportsOption,
    WaitOption,
    app,
    console,
    fail,
    pair_or_none,
    print_summary,
)
from cooccur.settings import DEFAULT_DB, DEFAULT_REPORTS, EXAMPLES_DIR, configure_prefect
from cooccur.store import DatabaseBusy, Store, writer_lock


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
        fail(f"input not found: {', '.join(missing)}", 2)
    configure_prefect(db)
    from flows.pipeline import pipeline

    try:
        result = pipeline([str(p) for p in inputs], str(db), str(reports), pair_or_none(pair), wait)
    except DatabaseBusy as error:
        fail(str(error), 3)
    print_summary(result)


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
    from flows.pipeline import ingest_flow

    try:
        with writer_lock(db, wait=wait):
            result = ingest_flow([str(p) for p in sources], str(db))
    except DatabaseBusy as error:
        fail(str(error), 3)
    print_summary({"ingest": result})


EntityOption = Annotated[
    list[str] | None,
    typer.Option(
        "--entity",
        help="An entity for the entity timeline and the ego view (repeat for more).",
    ),
]
ThemeOption = Annotated[
    str | None,
    typer.Option("--theme", help="Count only sentences tagged with this theme (needs `themes`)."),
]
BucketOption = Annotated[
    str | None,
    typer.Option(
        "--bucket",
        help="Time bucket: day, week, month, quarter or year. Default: the coarsest stored "
        "one that gives a readable timeline.",
    ),
]
MeasureOption = Annotated[
    str,
    typer.Option(
        "--measure", help="Association measure for lines, ties and cells (npmi, pmi, n…)."
    ),
]


@app.command()
def report(
    db: DbOption = DEFAULT_DB,
    reports: ReportsOption = DEFAULT_REPORTS,
    pair: PairOption = None,
    entity: EntityOption = None,
    theme: ThemeOption = None,
    bucket: BucketOption = None,
    measure: MeasureOption = "npmi",
    png: Annotated[bool, typer.Option("--png", help="Also write each chart as PNG.")] = False,
    svg: Annotated[bool, typer.Option("--svg", help="Also write each chart as SVG.")] = False,
) -> None:
    """Write the HTML report from the database as it is (no Prefect run needed).

    Example: cooccur report --pair Italy Turkey --theme defense --measure npmi --png
    """
    from cooccur.report.build import build_report
    from cooccur.report.data import ReportInputError

    try:
        with Store(db, read_only=True) as store:
            pages = build_report(
                store,
                reports,
                pair=pair_or_none(pair),
                entities=tuple(entity or ()),
                theme=theme,
                bucket=bucket,
                measure=measure,
                png=png,
                svg=svg,
                warn=lambda note: console.print(f"[yellow]note:[/] {note}"),
            )
    except (FileNotFoundError, ReportInputError) as error:
        fail(str(error), 2)
    print_summary({"report": pages})


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
        fail(str(error), 2)
    table = Table(*frame.columns)
    for row in frame.head(limit).iter_rows():
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
    if frame.height > limit:
        console.print(f"({frame.height - limit} more rows; raise --limit to see them)")
