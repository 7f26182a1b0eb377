"""What the report reads: the database's capabilities, and every query the charts need.

The report runs against whatever the database holds: the buckets (day … year, all) and
measures counted, a `themes` table or none. `ReportData.open` reads `information_schema`
once, then points a few temporary views (`report_cooccurrence`, `report_buckets`,
`report_entities`, `report_themes`) at what exists, so every query in `sql/report/` has one
shape whatever the database holds. Values are always bound parameters; the measure column
is chosen with `columns(lambda c: c = $measure)`.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from cooccur.settings import load_sql
from cooccur.store import Store

BUCKETS = ("day", "week", "month", "quarter", "year")
MEASURES = {
    "n": "articles naming both",
    "npmi": "NPMI",
    "pmi": "PMI",
    "jaccard": "Jaccard",
    "dice": "Dice",
    "llr": "log-likelihood ratio",
    "lift": "lift",
    "assoc_strength": "association strength",
    "tone_mean": "mean tone",
}
MEASURE_HELP = {
    "n": "the number of articles naming both",
    "npmi": "normalised PMI, how much more often they appear together than chance would "
    "predict (1 = always together, 0 = independent, −1 = never together)",
    "pmi": "pointwise mutual information, the log of how many times more often they appear "
    "together than chance would predict (0 = independent)",
    "jaccard": "articles naming both ÷ articles naming either (0 to 1)",
    "dice": "twice the articles naming both ÷ the articles naming each, summed (0 to 1)",
    "llr": "the log-likelihood ratio, how surely they are tied rather than independent "
    "(higher = stronger evidence)",
    "lift": "how many times more often they appear together than chance would predict "
    "(1 = independent)",
    "assoc_strength": "association strength, articles naming both relative to the product "
    "of how often each is named",
    "tone_mean": "the mean tone of the sentences naming both (−1 negative to 1 positive)",
}
# Buckets with at least this many points make a readable timeline (auto bucket choice).
MIN_TIMELINE_POINTS = 6


def fetch(store: Store, sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
    """The rows of one query as a frame, planned once: `Store.query` (`con.sql(…).pl()`) binds
    the statement, then plans it again to run it (≈ a third of a small report query's time).
    DuckDB warns that Arrow from `execute` copies the rows: the report's results are small.
    Not `Store.query` itself: its large results (texts to tag) would pay the copy, and the
    warning would need silencing for the whole process."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
        table = store.con.execute(sql, params or {}).to_arrow_table()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


class ReportInputError(ValueError):
    """The user asked for something the report cannot show (unknown name, measure)."""


@dataclass
class Capabilities:
    """What this database can show, read from `information_schema`."""

    columns: dict[str, list[str]]

    @property
    def has_themes(self) -> bool:
        themes = self.columns.get("themes", [])
        return {"article_id", "sentence_id", "theme"} <= set(themes)

    @property
    def has_pair_changes(self) -> bool:
        """The analytics area's `pair_changes` view (rolling-baseline z-scores) is there, with
        the macro that computes it for the latest bucket alone."""
        needed = {"bucket", "bucket_start", "context", "entity_a", "entity_b", "name_a"}
        needed |= {"name_b", "n", "z_n", "baseline_mean_n", "baseline_max_n"}
        needed |= {"baseline_buckets", "baseline_mean_npmi"}
        view = set(self.columns.get("pair_changes", []))
        return "pair_changes_since" in self.columns and needed <= view

    @property
    def measures(self) -> list[str]:
        present = set(self.columns.get("cooccurrence", []))
        return [m for m in MEASURES if m in present]


@dataclass
class ReportData:
    """One open store plus the choices (bucket, measure, theme) every query is bound to."""

    store: Store
    caps: Capabilities
    bucket: str
    measure: str
    theme: str | None
    latest: date | None  # the start of the latest bucket counted (None: nothing counted)
    notes: list[str] = field(default_factory=list)  # what was unavailable, for the pages
    pairs: list[tuple[int, int]] = field(default_factory=list)  # in `report_pairs` now

    @classmethod
    def open(
        cls,
        store: Store,
        *,
        bucket: str | None = None,
        measure: str = "npmi",
        theme: str | None = None,
    ) -> ReportData:
        """Detect capabilities, set up the report's views, resolve bucket/measure/theme."""
        found = fetch(store, load_sql("report/capabilities"))
        caps = Capabilities({row[0]: list(row[1]) for row in found.iter_rows()})
        if "cooccurrence" not in caps.columns:
            raise FileNotFoundError(
                "the database has no cooccurrence table yet; run `cooccur run` first"
            )
        notes: list[str] = []
        store.execute(load_sql("report/shim_cooccurrence"))
        themes = "shim_themes" if caps.has_themes else "shim_themes_absent"
        store.execute(load_sql(f"report/{themes}"))

        if measure not in MEASURES:
            raise ReportInputError(
                f"unknown measure {measure!r}; choose one of: {', '.join(caps.measures)}"
            )
        if measure not in caps.measures:
            notes.append(
                f"The measure {measure!r} is not in this database yet (it has "
                f"{', '.join(caps.measures)}); showing NPMI instead."
            )
            measure = "npmi"

        counted = fetch(store, load_sql("report/buckets"))
        available = dict(counted.select("bucket", "n_buckets").iter_rows())
        if bucket is not None and bucket not in BUCKETS:
            raise ReportInputError(
                f"unknown bucket {bucket!r}; choose one of: {', '.join(BUCKETS)}"
            )
        if bucket is not None and bucket not in available:
            stored = ", ".join(b for b in BUCKETS if b in available) or "none"
            notes.append(
                f"Buckets of one {bucket} are not in this database (it holds: {stored}); "
                "choosing one automatically."
            )
            bucket = None
        if bucket is None:
            bucket = choose_bucket(available)

        if theme is not None and not caps.has_themes:
            notes.append(
                f"The theme filter ({theme!r}) is unavailable: this database has no `themes` "
                "table yet, so the charts count every sentence and article."
            )
            theme = None
        stored = "all" in available and bucket in available
        entities = "report/entity_buckets_stored" if stored else "report/entity_buckets"
        store.execute(load_sql(entities), {"bucket": bucket})  # type: ignore[arg-type]
        latest = dict(counted.select("bucket", "latest").iter_rows()).get(bucket)
        return cls(store, caps, bucket, measure, theme, latest, notes)

    def params(self, **extra: Any) -> dict[str, Any]:
        return {"bucket": self.bucket, "measure": self.measure, "latest": self.latest, **extra}

    def select(self, name: str, **params: Any) -> pl.DataFrame:
        """Result of `sql/report/<name>.sql` with only the parameters it names bound."""
        sql = load_sql(f"report/{name}")
        values = {"theme": self.theme, **self.params(**params)}
        named = set(re.findall(r"\$(\w+)", sql))
        return fetch(self.store, sql, {k: v for k, v in values.items() if k in named})

    def select_pairs(
        self, name: str, pairs: list[tuple[int, int]], **params: Any
    ) -> dict[tuple[int, int], pl.DataFrame]:
        """`select` for many pairs at once (the query reads them from `report_pairs`): each
        pair's rows, in the query's order, without the pair columns `a`, `b` (an empty frame
        for a pair with none). One query for all the pair pages costs what one page's did;
        the pairs' sentences are gathered once for all such queries (`pair_sentences`)."""
        if pairs != self.pairs:
            pair_list = {"pair_a": [a for a, _ in pairs], "pair_b": [b for _, b in pairs]}
            self.store.execute(load_sql("report/pair_list"), pair_list)  # type: ignore[arg-type]
            self.store.execute(load_sql("report/pair_sentences"))
            self.pairs = list(pairs)
        frame = self.select(name, **params)
        parts = frame.partition_by("a", "b", as_dict=True, include_key=False, maintain_order=True)
        empty = frame.clear().drop("a", "b")
        return {(a, b): parts.get((a, b), empty) for a, b in pairs}

    @property
    def measure_label(self) -> str:
        return MEASURES[self.measure]

    @property
    def measure_help(self) -> str:
        return MEASURE_HELP[self.measure]


def choose_bucket(available: dict[str, int]) -> str:
    """The coarsest stored bucket with enough points for a timeline, else month."""
    for bucket in reversed(BUCKETS):
        if available.get(bucket, 0) >= MIN_TIMELINE_POINTS:
            return bucket
    if "month" in available or not available:
        return "month"
    return next(b for b in BUCKETS if b in available)
