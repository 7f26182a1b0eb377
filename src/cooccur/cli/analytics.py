"""Analytics commands: pair timelines and lists, top pairs, changes, evidence, network export.

They read the tables the cooccur stage wrote (read-only). Filters that change which
contexts are counted (--theme, --source, --focus) count on demand with the same SQL.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import duckdb
import polars as pl
import typer
from rich.table import Table

from cooccur.cli import DEFAULT_DB, DbOption, app, console, fail
from cooccur.counts import (
    BUCKETS,
    AnalyticsConfig,
    PairFilter,
    SettingsError,
    count_pairs,
    select_pairs,
)
from cooccur.settings import load_sql
from cooccur.store import Store

FORMATS = ("table", "csv", "json", "parquet")
MEASURES = ("n", "npmi", "pmi", "jaccard", "dice", "assoc_strength", "lift", "llr", "tone_mean")

BucketOption = Annotated[str, typer.Option("--bucket", help=f"Bucket kind: {', '.join(BUCKETS)}.")]
ContextOption = Annotated[
    str,
    typer.Option("--context", help="document, paragraph, sentence, window or window_ordered."),
]
StartOption = Annotated[
    str | None,
    typer.Option("--bucket-start", help="First day of one bucket, e.g. 2025-04-01."),
]
FormatOption = Annotated[
    str, typer.Option("--format", help="table, csv, json or parquet (needs --output).")
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", help="Write to this file instead of the screen.")
]
LimitOption = Annotated[int, typer.Option("--limit", help="Rows at most (0: all).")]
KindsOption = Annotated[
    str | None,
    typer.Option("--kinds", help="Only pairs of these two kinds, e.g. country-person."),
]
SupportOption = Annotated[
    int, typer.Option("--min-support", help="Only pairs named together this often.")
]
ThemeOption = Annotated[
    str | None,
    typer.Option("--theme", help="Only articles/sentences tagged with this theme."),
]
SourceOption = Annotated[
    str | None,
    typer.Option("--source", help="Only articles of this source (format or path glob)."),
]
FocusOption = Annotated[
    bool, typer.Option("--focus", help="Only entities marked as an article's focus.")
]


def _emit(
    frame: pl.DataFrame,
    fmt: str,
    output: Path | None,
    title: str,
    shown: list[str] | None = None,
) -> None:
    """Print `frame` as a table (columns `shown` only: a terminal is narrow), or write every
    column as CSV/JSON/Parquet to `output` or stdout."""
    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r}; choose one of {', '.join(FORMATS)}", 2)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        if output is None:
            fail("--format parquet needs --output FILE", 2)
        frame.write_parquet(output)
    elif fmt == "csv":
        text = frame.write_csv()
        output.write_text(text, encoding="utf-8") if output else sys.stdout.write(text)
    elif fmt == "json":
        text = frame.write_json()
        output.write_text(text, encoding="utf-8") if output else sys.stdout.write(text + "\n")
    else:
        visible = frame.select([c for c in shown or frame.columns if c in frame.columns])
        table = Table(*visible.columns, title=title)
        for row in visible.iter_rows():
            table.add_row(*(_cell(v) for v in row))
        console.print(table)
        if visible.width < frame.width:
            console.print("(more columns with --format csv, json or parquet)")
        return
    if output is not None:
        console.print(f"wrote {frame.height} rows to {output}")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        fail(f"--bucket-start must be a date like 2025-04-01, not {text!r}", 2)
    return None


def _kinds(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    parts = text.split("-")
    if len(parts) != 2 or not all(parts):
        fail(f"--kinds takes two kinds joined by '-', e.g. country-person; got {text!r}", 2)
    return parts[0], parts[1]


def _open(db: Path) -> Store:
    try:
        store = Store(db, read_only=True)
    except FileNotFoundError as error:
        fail(str(error), 2)
    store.execute("set enable_progress_bar = false")
    return store


def _resolve(store: Store, name: str) -> tuple[int, str]:
    from cooccur.report.build import UnknownEntity, resolve_entity

    try:
        return resolve_entity(store, name)
    except UnknownEntity as error:
        fail(str(error), 2)
    raise AssertionError  # fail() exits


def _pair_table(
    store: Store,
    *,
    bucket: str,
    context: str,
    bucket_start: date | None,
    filters: PairFilter,
) -> pl.DataFrame:
    """Stored pairs, or pairs counted on demand when the filters change the contexts."""
    if not filters.needs_recount:
        return select_pairs(
            store,
            "cooccurrence",
            filters,
            bucket=bucket,
            context=context,
            bucket_start=bucket_start,
        )
    settings = dict(store.query("select key, value from analytics_settings").rows())
    config = AnalyticsConfig.from_options(
        {
            "buckets": [bucket],
            "contexts": ["window" if context.startswith("window") else context],
            "ordered": context == "window_ordered",
            "window_k": int(settings.get("window_k", 10)),
            "tone": settings.get("tone", "true") == "true",
        }
    )
    frame = count_pairs(store, config, filters, bucket_start=bucket_start)
    frame = frame.filter(pl.col("bucket") == bucket, pl.col("context") == context)
    if bucket_start is not None:
        frame = frame.filter(pl.col("bucket_start") == bucket_start)
    return frame


def _check_measure(by: str) -> None:
    if by not in MEASURES:
        fail(f"unknown measure {by!r}; choose one of {', '.join(MEASURES)}", 2)


LIST_COLUMNS = [
    "bucket_start",
    "name_a",
    "name_b",
    "n",
    "n_a",
    "n_b",
    "n_contexts",
    "npmi",
    "pmi",
    "jaccard",
    "dice",
    "assoc_strength",
    "lift",
    "llr",
    "llr_p",
    "tone_mean",
    "tone_n",
]


@app.command()
def pairs(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="No name: all pairs. One: its partners. Two: their timeline."),
    ] = None,
    db: DbOption = DEFAULT_DB,
    bucket: BucketOption = "month",
    context: ContextOption = "document",
    bucket_start: StartOption = None,
    rolling: Annotated[
        int, typer.Option("--rolling", help="Buckets in the rolling sums of a timeline.")
    ] = 3,
    by: Annotated[str, typer.Option("--by", help=f"Sort by: {', '.join(MEASURES)}.")] = "n",
    min_support: SupportOption = 1,
    kinds: KindsOption = None,
    theme: ThemeOption = None,
    source: SourceOption = None,
    focus: FocusOption = False,
    limit: LimitOption = 50,
    fmt: FormatOption = "table",
    output: OutputOption = None,
) -> None:
    """Pairs with their counts and measures: a pair's timeline, an entity's partners, or all.

    Example: cooccur pairs Japan "United States" --bucket week --rolling 3
    """
    _check_measure(by)
    names = names or []
    if len(names) > 2:
        fail("give at most two entity names", 2)
    start = _parse_date(bucket_start)
    with _open(db) as store:
        resolved = [_resolve(store, name) for name in names]
        if len(resolved) == 2 and not (theme or source or focus):
            (a, name_a), (b, name_b) = resolved
            if context != "window_ordered" and a > b:
                (a, name_a), (b, name_b) = (b, name_b), (a, name_a)
            frame = store.query(
                load_sql("analytics/pair_series"),
                {
                    "a": a,
                    "b": b,
                    "bucket": bucket,
                    "context": context,
                    "preceding": max(rolling, 1) - 1,
                },
            )
            if start is not None:
                frame = frame.filter(pl.col("bucket_start") == start)
            title = f"{name_a} and {name_b} by {bucket} ({context} contexts)"
            shown = ["bucket_start", "n", "n_a", "n_b", "n_contexts", "npmi", "n_rolling"]
            _emit(frame, fmt, output, title, [*shown, "npmi_rolling", "tone_mean"])
            return
        try:
            frame = _pair_table(
                store,
                bucket=bucket,
                context=context,
                bucket_start=start,
                filters=PairFilter(source=source, theme=theme, focus=focus, kinds=_kinds(kinds)),
            )
        except (duckdb.Error, SettingsError) as error:
            fail(str(error), 2)
    ids = [entity_id for entity_id, _ in resolved]
    if ids:
        frame = frame.filter(pl.col("entity_a").is_in(ids) | pl.col("entity_b").is_in(ids))
    if len(ids) == 2:
        frame = frame.filter(pl.col("entity_a").is_in(ids) & pl.col("entity_b").is_in(ids))
    frame = frame.filter(pl.col("n") >= min_support).sort(
        ["bucket_start", by], descending=[False, True], nulls_last=True
    )
    frame = frame.select(LIST_COLUMNS)
    shown = ["bucket_start", "name_a", "name_b", "n", by, "npmi", "llr", "tone_mean"]
    title = f"pairs by {bucket} ({context})"
    _emit(frame.head(limit) if limit else frame, fmt, output, title, list(dict.fromkeys(shown)))


@app.command()
def top(
    db: DbOption = DEFAULT_DB,
    bucket: BucketOption = "all",
    context: ContextOption = "document",
    bucket_start: StartOption = None,
    by: Annotated[str, typer.Option("--by", help=f"Rank by: {', '.join(MEASURES)}.")] = "npmi",
    min_support: SupportOption = 5,
    kinds: KindsOption = None,
    theme: ThemeOption = None,
    source: SourceOption = None,
    focus: FocusOption = False,
    limit: Annotated[int, typer.Option("--limit", help="Pairs per bucket.")] = 20,
    fmt: FormatOption = "table",
    output: OutputOption = None,
) -> None:
    """The strongest pairs of each bucket by a measure, among pairs with minimum support.

    Example: cooccur top --bucket all --by npmi --min-support 5 --kinds country-country
    """
    _check_measure(by)
    with _open(db) as store:
        try:
            frame = _pair_table(
                store,
                bucket=bucket,
                context=context,
                bucket_start=_parse_date(bucket_start),
                filters=PairFilter(source=source, theme=theme, focus=focus, kinds=_kinds(kinds)),
            )
        except (duckdb.Error, SettingsError) as error:
            fail(str(error), 2)
    frame = (
        frame.filter(pl.col("n") >= min_support, pl.col(by).is_not_null())
        .with_columns(
            rank=pl.col(by).rank("min", descending=True).over("bucket_start").cast(pl.Int64)
        )
        .filter(pl.col("rank") <= limit)
        .sort(["bucket_start", "rank", "name_a", "name_b"])
        .select(["rank", *LIST_COLUMNS])
    )
    shown = ["rank", "bucket_start", "name_a", "name_b", "n", by, "npmi", "llr"]
    if bucket == "all":
        shown.remove("bucket_start")
    title = f"top pairs by {by}, {bucket} buckets ({context})"
    _emit(frame, fmt, output, title, list(dict.fromkeys(shown)))


@app.command()
def changes(
    db: DbOption = DEFAULT_DB,
    bucket: BucketOption = "week",
    context: ContextOption = "document",
    bucket_start: StartOption = None,
    by: Annotated[str, typer.Option("--by", help="z_n (counts) or z_npmi.")] = "z_n",
    last_run: Annotated[
        bool, typer.Option("--last-run", help="Only buckets the latest count recomputed.")
    ] = False,
    limit: LimitOption = 20,
    fmt: FormatOption = "table",
    output: OutputOption = None,
) -> None:
    """Pairs whose count or NPMI moved most against the previous buckets (view pair_changes).

    Example: cooccur changes --bucket week --last-run --by z_npmi
    """
    if by not in ("z_n", "z_npmi"):
        fail("--by takes z_n or z_npmi", 2)
    start = _parse_date(bucket_start)
    with _open(db) as store:
        since = start
        if since is None and last_run:  # the earliest bucket the latest count recomputed
            since = store.scalar(
                "select min(bucket_start) from bucket_updates where bucket = ? "
                "and updated_at = (select max(updated_at) from bucket_updates)",
                [bucket],
            )
        frame = store.query(
            load_sql("analytics/changes"),
            {
                "bucket": bucket,
                "context": context,
                "bucket_start": start,
                "last_run": last_run,
                "since": since,
            },
        )
    frame = frame.filter(pl.col(by).is_not_null()).sort(
        pl.col(by).abs(), descending=True, nulls_last=True
    )
    shown = ["bucket_start", "name_a", "name_b", "n", "baseline_mean_n", "z_n", "npmi", "z_npmi"]
    _emit(frame.head(limit) if limit else frame, fmt, output, f"changes by {by}", shown)


@app.command()
def evidence(
    name_a: Annotated[str, typer.Argument(help="First entity name.")],
    name_b: Annotated[str, typer.Argument(help="Second entity name.")],
    db: DbOption = DEFAULT_DB,
    bucket: BucketOption = "month",
    bucket_start: StartOption = None,
    limit: LimitOption = 20,
    fmt: FormatOption = "table",
    output: OutputOption = None,
) -> None:
    """The sentences naming both entities, mentions marked **like this**, newest first.

    Example: cooccur evidence Italy Turkey --bucket-start 2025-04-01
    """
    start = _parse_date(bucket_start)
    with _open(db) as store:
        (a, label_a), (b, label_b) = _resolve(store, name_a), _resolve(store, name_b)
        frame = store.query(
            load_sql("analytics/evidence"),
            {"a": min(a, b), "b": max(a, b), "bucket": bucket, "bucket_start": start},
        )
    title = f"{label_a} and {label_b}: evidence"
    shown = ["published_at", "snippet", "tone"]
    _emit(frame.head(limit) if limit else frame, fmt, output, title, shown)


@app.command("export-network")
def export_network(
    output: Annotated[Path, typer.Option("--output", help="File to write.")],
    db: DbOption = DEFAULT_DB,
    bucket: BucketOption = "all",
    context: ContextOption = "document",
    bucket_start: StartOption = None,
    min_support: SupportOption = 1,
    kinds: KindsOption = None,
    fmt: Annotated[str, typer.Option("--format", help="gexf or graphml.")] = "gexf",
) -> None:
    """Write one bucket's co-occurrence network as GEXF or GraphML (for Gephi).

    Example: cooccur export-network --bucket month --bucket-start 1987-03-01 --output m.gexf
    """
    from cooccur.network_export import FORMATS as NETWORK_FORMATS
    from cooccur.network_export import pair_graph, write_graph

    if fmt not in NETWORK_FORMATS:
        fail(f"unknown --format {fmt!r}; choose one of {', '.join(NETWORK_FORMATS)}", 2)
    start = _parse_date(bucket_start)
    with _open(db) as store:
        if start is None:
            start = store.scalar(
                "select max(bucket_start) from bucket_totals where bucket = ? and context = ?",
                [bucket, context],
            )
            if start is None:
                fail(f"no {bucket} buckets with {context} contexts; run `cooccur run` first", 2)
        edges = select_pairs(
            store,
            "cooccurrence",
            PairFilter(kinds=_kinds(kinds)),
            bucket=bucket,
            context=context,
            bucket_start=start,
        ).filter(pl.col("n") >= min_support)
        nodes = store.query(
            load_sql("analytics/network_nodes"),
            {"bucket": bucket, "bucket_start": start, "context": context},
        )
    linked = set(edges["entity_a"].to_list()) | set(edges["entity_b"].to_list())
    nodes = nodes.filter(pl.col("entity_id").is_in(sorted(linked)))
    graph = pair_graph(edges, nodes, directed=context == "window_ordered")
    path = write_graph(graph, output, fmt)
    console.print(
        f"wrote {graph.number_of_nodes()} entities and {graph.number_of_edges()} pairs "
        f"({bucket} {start}, {context}) to {path}"
    )
