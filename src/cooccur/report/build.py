"""Build the report site from the database: an index plus one page per chart (the
sections themselves are in `sections.py`)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import polars as pl
from altair.utils import schemapi

from cooccur.report import charts
from cooccur.report.data import ReportData, ReportInputError, fetch
from cooccur.report.html import Section, export_images, frames_converted_once, summary_table
from cooccur.report.sections import DESCRIPTIONS, PAGES, TOP_N, Pair, Sections
from cooccur.settings import load_sql
from cooccur.store import Store

__all__ = ["PAGES", "Pair", "UnknownEntity", "build_report", "resolve_entity"]


class UnknownEntity(ReportInputError):
    """A name given by the user matches no entity."""


def resolve_entity(store: Store, name: str) -> tuple[int, str]:
    found = store.select("resolve_entity", {"name": name})
    if found.is_empty():
        raise UnknownEntity(
            f"no entity named {name!r}; list entities with "
            '`cooccur sql "select name, kind from entities order by name"`'
        )
    entity_id, canonical, _kind = found.row(0)
    return entity_id, canonical


def read_summary(store: Store) -> dict[str, object]:
    """The report header's figures (after `ReportData.open`): pairs are counted from the
    all-time bucket, else (none stored) over every bucket."""
    summary = fetch(store, load_sql("report/summary")).row(0, named=True)
    if not summary["pairs"]:
        summary["pairs"] = fetch(store, load_sql("report/pairs")).item()
    return summary


def choose_pair(
    data: ReportData, names: tuple[str, str] | None, top: pl.DataFrame | None = None
) -> Pair | None:
    """The pair the user asked for, else the most co-mentioned one (None if no pairs);
    `top`: the `top_pairs` rows if already read."""
    if names:
        (a, name_a), (b, name_b) = (resolve_entity(data.store, n) for n in names)
        return Pair(a, b, name_a, name_b)
    if top is None:
        top = data.select("top_pairs", limit=1)
    if top.is_empty():
        return None
    a, b, name_a, name_b, *_ = top.row(0)
    return Pair(a, b, name_a, name_b)


def build_report(
    store: Store,
    out_dir: Path,
    *,
    pair: tuple[str, str] | None = None,
    entities: tuple[str, ...] = (),
    theme: str | None = None,
    bucket: str | None = None,
    measure: str = "npmi",
    png: bool = False,
    svg: bool = False,
    warn: Callable[[str], object] | None = None,
    validate_specs: bool = False,
) -> list[Path]:
    """Write the report pages (and PNG/SVG exports if asked); returns the pages, index first.

    What was asked for but cannot be shown (a theme without a `themes` table, a bucket or
    measure not stored) is said on every page and passed to `warn`. `validate_specs` checks
    every chart against the Vega-Lite JSON schema, as Altair does by default: the tests do;
    a run does not, as it costs more than the rest of the report.
    """
    with schemapi.debug_mode(validate_specs), frames_converted_once():
        return _build_report(store, out_dir, pair, entities, theme, bucket, measure, png, svg, warn)


def _build_report(
    store: Store,
    out_dir: Path,
    pair: tuple[str, str] | None,
    entities: tuple[str, ...],
    theme: str | None,
    bucket: str | None,
    measure: str,
    png: bool,
    svg: bool,
    warn: Callable[[str], object] | None,
) -> list[Path]:
    data = ReportData.open(store, bucket=bucket, measure=measure, theme=theme)
    for note in data.notes:
        if warn:
            warn(note)
    summary = read_summary(store)
    site = Sections(data, summary, out_dir)
    chosen = choose_pair(data, pair, None if pair else site.top("top_pairs", TOP_N))
    picked = [resolve_entity(store, name) for name in entities]

    changed, changes = site.changes(chosen)
    site.load_pairs([p for p in [chosen, *changed] if p is not None])
    timeline = site.pair_timeline(chosen, evidence_page=PAGES["Evidence"])
    evidence = site.evidence(chosen)
    top = site.top("top_entities", TOP_N)
    sections = {
        "Pair timeline": [timeline],
        "Evidence": [evidence],
        "What changed": [changes],
        "Entity timeline": [site.entity_timeline(chosen, picked, top)],
        "Ego view": [site.ego(picked[0] if picked else chosen)],
        "Network": [site.network()],
        "Heatmap": [site.heatmap()],
        "Top entities": [
            Section(
                "Top entities",
                f"The {TOP_N} entities named in the most articles over the whole period.",
                charts.top_entities(top),
            )
        ],
        "Top pairs": [
            Section(
                "Top pairs",
                f"The {TOP_N} pairs of entities named together in the most articles.",
                charts.top_pairs(site.top("top_pairs", TOP_N), measure_label=data.measure_label),
            )
        ],
    }
    overview = Section(
        "Summary",
        "What the database holds. Query it directly with `cooccur sql` or the duckdb shell.",
        html_body=summary_table(site.summary_rows()) + _page_list(),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = [site.write("index.html", "cooccur report", [overview, timeline, changes])]
    for label, page_sections in sections.items():
        path = site.write(PAGES[label], label, page_sections)
        pages.append(path)
        if png or svg:
            export_images(path, page_sections, png=png, svg=svg)
    for other in changed:
        if chosen is None or other.page != chosen.page:
            title = f"{other.name_a} and {other.name_b}"
            here = site.pair_timeline(other, evidence_page="")
            pages.append(site.write(other.page, title, [here, site.evidence(other)]))
    return pages


def _page_list() -> str:
    items = "".join(
        f'<li><a href="{PAGES[label]}">{html.escape(label)}</a>: {html.escape(text)}</li>'
        for label, text in DESCRIPTIONS.items()
    )
    return f"<h3>Pages</h3><ul>{items}</ul>"
