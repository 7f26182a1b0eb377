"""Core commands: run the pipeline, run one stage, write the report, query with SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cooccur.cli import (
    AddressOption,
    DbOption,
    PairOption,
    RefreshOption,
    ReportsOption,
    RunnerOption,
    ShardsOption,
    WaitOption,
    WorkersOption,
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
        list[str] | None,
        typer.Argument(
            help="Files, folders, or http(s) URLs of article files, feeds or pages "
            "(README: Input formats). Default: the bundled examples."
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    reports: ReportsOption = DEFAULT_REPORTS,
    pair: PairOption = None,
    wait: WaitOption = 0,
    runner: RunnerOption = "threads",
    address: AddressOption = None,
    workers: WorkersOption = None,
    shards: ShardsOption = None,
    refresh_cache: RefreshOption = False,
    gazetteer: Annotated[
        list[Path] | None,
        typer.Option(help="Extra entities file (CSV/TOML: name, kind, aliases); repeatable."),
    ] = None,
    buckets: Annotated[
        str | None, typer.Option(help="Time buckets (day,week,month,quarter,year,all).")
    ] = None,
    contexts: Annotated[
        str | None, typer.Option(help="Contexts (document,paragraph,sentence,window).")
    ] = None,
    window_k: Annotated[int | None, typer.Option(help="Tokens per window context.")] = None,
    ordered: Annotated[bool, typer.Option(help="Also count window pairs in order.")] = False,
    min_support: Annotated[int | None, typer.Option(help="Keep pairs seen this often.")] = None,
    tone: Annotated[
        bool,
        typer.Option(
            help="Score sentence tone (VADER, ≈ 0.3 ms a sentence naming two entities); "
            "--no-tone skips it for bulk loads."
        ),
    ] = True,
) -> None:
    """Ingest, tag, count and report: the whole pipeline as one Prefect flow run.

    Counting defaults: month, week and all-time buckets; document and sentence contexts.

    Example: cooccur run ../shared/data/seed/ --db data/cooccur.duckdb --pair Italy Turkey
    """
    from cooccur.readers import is_url

    inputs = sources or [str(EXAMPLES_DIR / "articles")]
    missing = [p for p in inputs if not is_url(p) and not Path(p).exists()]
    if missing:
        fail(f"input not found: {', '.join(missing)}", 2)
    from cooccur.counts import AnalyticsConfig, SettingsError

    lists = {"buckets": buckets, "contexts": contexts}
    analytics: dict[str, object] = {k: v.split(",") for k, v in lists.items() if v}
    numbers = {
        "window_k": window_k,
        "min_support": min_support,
        "ordered": ordered or None,
        "tone": None if tone else False,
    }
    analytics |= {k: v for k, v in numbers.items() if v is not None}
    try:
        AnalyticsConfig.from_options(analytics)
    except SettingsError as error:
        fail(str(error), 2)
    with writer_lock(db, wait=wait):  # busy? say so now, before Prefect starts
        pass
    configure_prefect(db)
    from flows.pipeline import (
        pipeline,
        temporary_server_without_event_services,
        without_heartbeats,
    )

    try:
        with without_heartbeats(), temporary_server_without_event_services():
            result = pipeline(
                inputs,
                str(db),
                str(reports),
                pair_or_none(pair),
                wait,
                runner=runner,
                address=address,
                workers=workers,
                shard_dir=str(shards) if shards else None,
                refresh_cache=refresh_cache,
                gazetteer=[str(p) for p in gazetteer or []] or None,
                analytics=analytics or None,
            )
    except DatabaseBusy as error:
        fail(str(error), 3)
    print_summary(result)


@app.command()
def ingest(
    sources: Annotated[
        list[str],
        typer.Argument(help="Files, folders, or http(s) URLs of feeds or pages you name."),
    ],
    db: DbOption = DEFAULT_DB,
    wait: WaitOption = 0,
    include: Annotated[
        list[str] | None,
        typer.Option("--include", help="Only files matching this glob in folders (repeatable)."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="Skip files matching this glob, e.g. 'drafts/**'."),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="Article field from a column: text=body,date=published_at."),
    ] = None,
    max_file_mb: Annotated[
        float, typer.Option("--max-file-mb", help="Quarantine larger files unread.")
    ] = 512,
) -> None:
    """Ingest articles only (deduplicated; unchanged files are skipped).

    Reads .txt, .jsonl/.ndjson/.json, .csv/.tsv, .parquet, .html, RSS/Atom (.rss/.atom/.xml),
    GDELT GKG 2.1 (*.gkg.csv) and .zip/.gz archives of them; prints what it quarantined.

    Example: cooccur ingest ../shared/data/reuters21578/articles/ --db data/cooccur.duckdb
    """
    from cooccur.ingest import watching
    from cooccur.readers import is_url, parse_mapping

    missing = [s for s in sources if not is_url(s) and not Path(s).exists()]
    if missing:
        fail(f"input not found: {', '.join(missing)}", 2)
    try:
        options = {
            "include": include or [],
            "exclude": exclude or [],
            "mapping": parse_mapping(mapping),
            "max_file_mb": max_file_mb,
        }
    except ValueError as error:
        fail(str(error), 2)
    configure_prefect(db)
    from flows.pipeline import (
        ingest_flow,
        temporary_server_without_event_services,
        without_heartbeats,
    )

    try:
        with (
            writer_lock(db, wait=wait),
            _byte_progress() as update,
            watching(update),
            without_heartbeats(),
            temporary_server_without_event_services(),
        ):
            result = ingest_flow(sources, str(db), options)
    except DatabaseBusy as error:
        fail(str(error), 3)
    print_summary({"ingest": result})


@contextmanager
def _byte_progress() -> Iterator[Callable[[int, int, str], None]]:
    """A rich progress bar over the bytes to read (it appears once reading starts)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("ingest"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total or None, description=Path(path).name)

        yield update


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
