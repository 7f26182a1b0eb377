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
    buckets: Annotated[
        str | None, typer.Option(help="Time buckets (day,week,month,quarter,year,all).")
    ] = None,
    contexts: Annotated[
        str | None, typer.Option(help="Contexts (document,paragraph,sentence,window).")
    ] = None,
    window_k: Annotated[int | None, typer.Option(help="Tokens per window context.")] = None,
    ordered: Annotated[bool, typer.Option(help="Also count window pairs in order.")] = False,
    min_support: Annotated[int | None, typer.Option(help="Keep pairs seen this often.")] = None,
) -> None:
    """Ingest, tag, count and report: the whole pipeline as one Prefect flow run.

    Counting defaults: month, week and all-time buckets; document and sentence contexts.

    Example: cooccur run ../shared/data/seed/ --db data/cooccur.duckdb --pair Italy Turkey
    """
    inputs = sources or [EXAMPLES_DIR / "articles"]
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        fail(f"input not found: {', '.join(missing)}", 2)
    from cooccur.counts import AnalyticsConfig, SettingsError

    lists = {"buckets": buckets, "contexts": contexts}
    analytics: dict[str, object] = {k: v.split(",") for k, v in lists.items() if v}
    numbers = {"window_k": window_k, "min_support": min_support, "ordered": ordered or None}
    analytics |= {k: v for k, v in numbers.items() if v is not None}
    try:
        AnalyticsConfig.from_options(analytics)
    except SettingsError as error:
        fail(str(error), 2)
    configure_prefect(db)
    from flows.pipeline import pipeline

    try:
        result = pipeline(
            [str(p) for p in inputs], str(db), str(reports), pair_or_none(pair), wait, analytics
        )
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
            pages = build_report(store, reports, pair=pair_or_none(pair))
    except (FileNotFoundError, UnknownEntity) as error:
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
