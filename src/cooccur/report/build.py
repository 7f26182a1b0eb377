"""Build the report site from the database: index plus one page per chart."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cooccur.report import charts
from cooccur.report.html import Section, summary_table, write_page
from cooccur.store import Store

TOP_N = 25
PAGES = {
    "Overview": "index.html",
    "Pair timeline": "pair_timeline.html",
    "Top entities": "top_entities.html",
    "Top pairs": "top_pairs.html",
}


class UnknownEntity(ValueError):
    """A name given by the user matches no entity."""


@dataclass(frozen=True)
class Pair:
    a: int
    b: int
    name_a: str
    name_b: str


def resolve_entity(store: Store, name: str) -> tuple[int, str]:
    found = store.select("resolve_entity", {"name": name})
    if found.is_empty():
        raise UnknownEntity(
            f"no entity named {name!r}; list entities with "
            '`cooccur sql "select name, kind from entities order by name"`'
        )
    entity_id, canonical, _kind = found.row(0)
    return entity_id, canonical


def choose_pair(store: Store, names: tuple[str, str] | None) -> Pair | None:
    """The pair the user asked for, else the most co-mentioned one (None if no pairs)."""
    if names:
        (a, name_a), (b, name_b) = (resolve_entity(store, n) for n in names)
        return Pair(a, b, name_a, name_b)
    top = store.select("report/top_pairs", {"limit": 1})
    if top.is_empty():
        return None
    a, b, name_a, name_b, _n = top.row(0)
    return Pair(a, b, name_a, name_b)


def build_report(store: Store, out_dir: Path, *, pair: tuple[str, str] | None = None) -> list[Path]:
    """Write the report pages; returns their paths (index first)."""
    chosen = choose_pair(store, pair)
    summary = store.select("report/summary").row(0, named=True)
    entities = store.select("report/top_entities", {"limit": TOP_N})
    pairs = store.select("report/top_pairs", {"limit": TOP_N})

    if chosen is None:
        timeline_section = Section("Pair timeline", "No two entities appear together yet.")
    else:
        frame = store.select("report/pair_timeline", {"a": chosen.a, "b": chosen.b})
        timeline_section = Section(
            f"{chosen.name_a} and {chosen.name_b} over time",
            "Bars: articles naming both, per month. Line: NPMI, how much more often they "
            "appear together than chance would predict (1 = always together, 0 = "
            "independent, −1 = never together). Choose another pair with "
            "`cooccur report --pair A B`.",
            charts.pair_timeline(frame, chosen.name_a, chosen.name_b),
        )
    entity_section = Section(
        "Top entities",
        f"The {TOP_N} entities named in the most articles over the whole period.",
        charts.top_entities(entities),
    )
    pair_section = Section(
        "Top pairs",
        f"The {TOP_N} pairs of entities named together in the most articles.",
        charts.top_pairs(pairs),
    )
    overview = Section(
        "Summary",
        "What the database holds. Query it directly with `cooccur sql` or the duckdb shell.",
        html_body=summary_table(summary),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        write_page(
            out_dir / "index.html",
            "cooccur report",
            [overview, timeline_section, entity_section],
            nav=PAGES,
        ),
        write_page(out_dir / "pair_timeline.html", "Pair timeline", [timeline_section], nav=PAGES),
        write_page(out_dir / "top_entities.html", "Top entities", [entity_section], nav=PAGES),
        write_page(out_dir / "top_pairs.html", "Top pairs", [pair_section], nav=PAGES),
    ]
