"""The report's sections, each built from `ReportData` queries: a heading, a note a
newcomer can read, and a chart or an HTML table.

Every query is capped (top-N entities, top edges, latest buckets, latest articles per bucket)
so a page stays small and quick to draw whatever the size of the database.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from cooccur.report import charts, graph
from cooccur.report.data import ReportData
from cooccur.report.evidence import evidence_html
from cooccur.report.html import Section, SpecCache, write_page

TOP_N = 25  # bars in the top entities / top pairs charts
NETWORK_NODES = 40
NETWORK_EDGES = 80  # strongest ties drawn per period
NETWORK_PERIODS = 12  # latest buckets offered besides "all time"
HEATMAP_N = 25
EGO_PARTNERS = 10
ENTITY_PANELS = 9
CHANGES = 8  # pairs that rose most, and that fell most; each gets a page of its own
MAX_BUCKETS = 500  # latest buckets in a timeline
EVIDENCE_PER_BUCKET = 10
EVIDENCE_ARTICLES = 150
SMALL_DATABASE = 500  # articles; below this a single co-mention is worth drawing

PAGES = {
    "Overview": "index.html",
    "Pair timeline": "pair_timeline.html",
    "Evidence": "evidence.html",
    "What changed": "changes.html",
    "Entity timeline": "entity_timeline.html",
    "Ego view": "ego.html",
    "Network": "network.html",
    "Heatmap": "heatmap.html",
    "Top entities": "top_entities.html",
    "Top pairs": "top_pairs.html",
}
DESCRIPTIONS = {
    "Pair timeline": "how often two entities appear together, bucket by bucket",
    "Evidence": "the sentences behind those numbers, with dates, titles and links",
    "What changed": "the pairs that rose or fell most in the latest bucket",
    "Entity timeline": "how often each chosen entity is named over time",
    "Ego view": "one entity's strongest partners and how each tie moved",
    "Network": "the most named entities and the ties between them",
    "Heatmap": "every tie among the top entities, similar entities side by side",
    "Top entities": "the entities named in the most articles",
    "Top pairs": "the pairs named together in the most articles",
}


@dataclass(frozen=True)
class Pair:
    a: int
    b: int
    name_a: str
    name_b: str

    @property
    def page(self) -> str:
        return f"pair-{min(self.a, self.b)}-{max(self.a, self.b)}.html"


class Sections:
    """The sections of the report, each built from `ReportData` queries."""

    def __init__(self, data: ReportData, summary: dict[str, object], out_dir: Path) -> None:
        self.data = data
        self.summary = summary
        self.out_dir = out_dir
        articles = int(summary["articles"] or 0)  # type: ignore[call-overload]
        self.min_n = 1 if articles < SMALL_DATABASE else 3
        self.written = datetime.now(UTC)
        self.pair_frames: dict[tuple[int, int], dict[str, pl.DataFrame | None]] = {}
        self.specs: SpecCache = {}  # each chart serialised once, however many pages show it
        self._top: dict[str, pl.DataFrame] = {}
        self._network_ties: tuple[list[int], pl.DataFrame] | None = None
        per_bucket = data.select("articles_per_bucket")
        self.window = charts.busiest_run(per_bucket, data.bucket, "n_articles")
        self.outside = 0
        if self.window:
            first, end = self.window
            inside = per_bucket.filter(
                (pl.col("bucket_start") >= first) & (pl.col("bucket_start") < end)
            )
            self.outside = int(per_bucket["n_articles"].sum() - inside["n_articles"].sum())

    def focus(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Only the busiest stretch of time, when long gaps split the database."""
        if not self.window:
            return frame
        first, end = self.window
        return frame.filter((pl.col("bucket_start") >= first) & (pl.col("bucket_start") < end))

    def focus_note(self) -> tuple[str, ...]:
        if not self.window:
            return ()
        first, end = self.window
        last = charts.bucket_label(end - timedelta(days=1), self.data.bucket)
        return (
            f"Long empty gaps split this database in time: these panels show its busiest "
            f"stretch, {charts.bucket_label(first, self.data.bucket)} to {last}; "
            f"{self.outside:,} {'article' if self.outside == 1 else 'articles'} outside it "
            f"{'is' if self.outside == 1 else 'are'} left out here (the pair timeline shows "
            "everything).",
        )

    # -- page furniture -------------------------------------------------------------------
    def header(self) -> str:
        s = self.summary
        last = s["last_ingest"]
        parts = [
            f"{s['articles']:,} articles",
            f"{s['first_date']} to {s['last_date']}",
            f"{s['entities_found']:,} entities",
            f"last ingest {last:%Y-%m-%d %H:%M}" if isinstance(last, datetime) else "",
            f"report {self.written:%Y-%m-%d %H:%M} UTC",
            f"per {self.data.bucket}",
            f"measure: {self.data.measure_label}",
            f"theme: {self.data.theme}" if self.data.theme else "",
        ]
        return " · ".join(p for p in parts if p)

    def summary_rows(self) -> dict[str, object]:
        s = self.summary
        return {
            "Articles": f"{s['articles']:,}",
            "From": s["first_date"],
            "To": s["last_date"],
            "Entities found": s["entities_found"],
            "Mentions": s["mentions"],
            "Pairs named together": s["pairs"],
            "Records quarantined": s["quarantined"],
            "Last ingest": s["last_ingest"],
            "Report written (UTC)": f"{self.written:%Y-%m-%d %H:%M}",
            "Time bucket": self.data.bucket,
            "Measure": self.data.measure_label,
            "Theme": self.data.theme or "all sentences",
        }

    def write(self, filename: str, title: str, sections: list[Section]) -> Path:
        notes = tuple(self.data.notes)
        if notes and sections:
            first = sections[0]
            sections = [
                Section(
                    first.title, first.note, first.chart, first.html_body, notes + first.warnings
                ),
                *sections[1:],
            ]
        return write_page(
            self.out_dir / filename,
            title,
            sections,
            nav=PAGES,
            header=self.header(),
            specs=self.specs,
        )

    # -- shared queries ---------------------------------------------------------------------
    def top(self, name: str, limit: int) -> pl.DataFrame:
        """The first `limit` rows of `top_entities` or `top_pairs`: one query for the longest
        list any section needs, the shorter ones cut from it (same order, same rows)."""
        longest = {"top_entities": max(TOP_N, NETWORK_NODES, HEATMAP_N), "top_pairs": TOP_N}
        if name not in self._top:
            self._top[name] = self.data.select(name, limit=max(limit, longest[name]))
        elif self._top[name].height < limit:
            self._top[name] = self.data.select(name, limit=limit)
        return self._top[name].head(limit)

    # -- sections ---------------------------------------------------------------------------
    def load_pairs(self, pairs: list[Pair]) -> None:
        """Read the timeline, themes and evidence of every pair page in one query each."""
        d = self.data
        keys = list(dict.fromkeys((p.a, p.b) for p in pairs if (p.a, p.b) not in self.pair_frames))
        if not keys:
            return
        timeline = d.select_pairs("pair_timeline", keys, max_buckets=MAX_BUCKETS)
        themes = d.select_pairs("pair_themes", keys) if d.caps.has_themes else {}
        evidence = d.select_pairs(
            "evidence", keys, per_bucket=EVIDENCE_PER_BUCKET, max_articles=EVIDENCE_ARTICLES
        )
        for key in keys:
            self.pair_frames[key] = {
                "timeline": timeline[key],
                "themes": themes.get(key),
                "evidence": evidence[key],
            }

    def _pair_frame(self, pair: Pair, name: str) -> pl.DataFrame | None:
        self.load_pairs([pair])
        return self.pair_frames[(pair.a, pair.b)][name]

    def pair_timeline(self, pair: Pair | None, *, evidence_page: str) -> Section:
        if pair is None:
            return Section("Pair timeline", "No two entities appear together yet.")
        d = self.data
        frame = self._pair_frame(pair, "timeline")
        assert frame is not None
        if frame.is_empty():
            return Section(
                f"{pair.name_a} and {pair.name_b} over time",
                f"No article names both {pair.name_a} and {pair.name_b}.",
            )
        themes = self._pair_frame(pair, "themes")
        note = (
            f"Each bar counts the articles naming both {pair.name_a} and {pair.name_b} in one "
            f"{d.bucket}; click a bar to read them. The red line is {d.measure_help}. Drag "
            "across the bottom strip to zoom in time; double-click it to zoom out. Choose "
            "another pair with `cooccur report --pair A B`."
        )
        if d.theme:
            note += (
                f" Theme {d.theme!r}: its panel comes first below, counting only sentences "
                "tagged with it, and the evidence lists only those sentences."
            )
        warnings: tuple[str, ...] = ()
        if not d.caps.has_themes:
            warnings = (
                "Theme panels (defense, diplomacy, …) appear once the database has a `themes` "
                "table; this one has none yet.",
            )
        chart = charts.pair_timeline(
            frame.sort("bucket_start"),
            themes,
            name_a=pair.name_a,
            name_b=pair.name_b,
            bucket=d.bucket,
            measure=d.measure,
            measure_label=d.measure_label,
            evidence_page=evidence_page,
            theme=d.theme,
        )
        return Section(f"{pair.name_a} and {pair.name_b} over time", note, chart, warnings=warnings)

    def evidence(self, pair: Pair | None) -> Section:
        if pair is None:
            return Section("Evidence", "No two entities appear together yet.")
        d = self.data
        frame = self._pair_frame(pair, "evidence")
        assert frame is not None
        scope = f" in sentences tagged {d.theme!r}" if d.theme else ""
        note = (
            f"The articles naming both {pair.name_a} and {pair.name_b}{scope}, latest first, "
            f"grouped by {d.bucket} (at most {EVIDENCE_PER_BUCKET} per {d.bucket} and "
            f"{EVIDENCE_ARTICLES} in all). For each, the sentences naming both, or else the "
            "first sentence naming each; the names found are highlighted."
        )
        body = evidence_html(frame, bucket=d.bucket, name_a=pair.name_a, name_b=pair.name_b)
        return Section(f"Evidence: {pair.name_a} and {pair.name_b}", note, html_body=body)

    def changes(self, chosen: Pair | None) -> tuple[list[Pair], Section]:
        """Pairs that rose or fell most in the latest bucket: against the rolling baseline of
        the `pair_changes` view when the database has it, else against the previous bucket
        by share of articles (computed here, in `sql/report/changes.sql`)."""
        d = self.data
        title = "What changed"
        baseline = d.caps.has_pair_changes
        frame = d.select(
            "changes_baseline" if baseline else "changes", limit=CHANGES, min_n=self.min_n
        )
        if frame.is_empty():
            return [], Section(
                title, f"Nothing to compare yet: this needs two {d.bucket}s of data."
            )
        pairs = [
            Pair(a, b, name_a, name_b)
            for a, b, name_a, name_b in frame.select(
                "entity_a", "entity_b", "name_a", "name_b"
            ).iter_rows()
        ]
        page_of = {
            (p.a, p.b): "pair_timeline.html" if chosen and p.page == chosen.page else p.page
            for p in pairs
        }
        frame = frame.with_columns(
            href=pl.Series(
                [page_of[(a, b)] for a, b in frame.select("entity_a", "entity_b").iter_rows()]
            )
        )
        latest = charts.bucket_label(frame["latest_start"][0], d.bucket)
        if baseline:
            weeks = int(frame["baseline_buckets"].max() or 0)  # type: ignore[arg-type]
            previous = f"the {weeks} {d.bucket}s before"
            count_header = f"Articles per {d.bucket}, {previous} (mean)"
            frame = frame.with_columns(shown=pl.col("change"))
            axis = f"Change in articles naming both (z-score against {previous})"
            note = (
                f"The pairs named together unusually more or less often in {latest} than in "
                f"{previous} (z-score of the articles naming both against that baseline, from "
                f"the `pair_changes` view; pairs named together fewer than {self.min_n} times "
                "are left out). Click a bar or a name for the pair's timeline and evidence."
            )
            change_header, change_format = "z-score", "{:+.1f}"
        else:
            previous = charts.bucket_label(frame["previous_start"][0], d.bucket)
            frame = frame.with_columns(shown=pl.col("change") * 100)
            axis = "Change in share of articles naming both (points)"
            note = (
                f"The pairs whose share of articles naming both rose or fell most from "
                f"{previous} to {latest} (shares, not counts, so a short latest {d.bucket} "
                f"compares fairly; pairs named together fewer than {self.min_n} times are left "
                "out). Click a bar or a name for the pair's timeline and evidence."
            )
            change_header, change_format = "Change in share (points)", "{:+.2f}"
            count_header = f"Articles, {previous}"
        chart = charts.changes(
            frame, measure_label=d.measure_label, latest=latest, previous=previous, axis=axis
        )
        rows = []
        for r in frame.iter_rows(named=True):
            name = html.escape(f"{r['name_a']} – {r['name_b']}")
            target = html.escape(page_of[(r["entity_a"], r["entity_b"])])
            rows.append(
                f'<tr><td><a href="{target}">{name}</a></td>'
                f"<td class='num'>{_fmt(r['n_previous'], '{:.3g}')}</td>"
                f"<td class='num'>{r['n_latest']}</td>"
                f"<td class='num'>{change_format.format(r['shown'])}</td>"
                f"<td class='num'>{_fmt(r['value_previous'])} → {_fmt(r['value_latest'])}</td></tr>"
            )
        table = (
            '<table class="list"><thead><tr><th>Pair</th>'
            f"<th>{html.escape(count_header)}</th><th>Articles, {html.escape(latest)}</th>"
            f"<th>{change_header}</th>"
            f"<th>{html.escape(d.measure_label)}</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
        return pairs, Section(title, note, chart, html_body=table)

    def entity_timeline(
        self, chosen: Pair | None, picked: list[tuple[int, str]], top: pl.DataFrame
    ) -> Section:
        d = self.data
        ids: list[int] = [i for i, _ in picked]
        if chosen:
            ids += [chosen.a, chosen.b]
        ids += top["entity_id"].to_list()
        ids = list(dict.fromkeys(ids))[:ENTITY_PANELS]
        frame = self.focus(d.select("entity_timeline", ids=ids))
        if frame.is_empty():
            return Section("Entity timeline", "No entity has been found in any article yet.")
        names = dict(frame.select("entity_id", "name").unique().iter_rows())
        order = [names[i] for i in ids if i in names]
        note = (
            f"Articles naming each entity per {d.bucket}: the entities you chose with "
            "`--entity` (and the pair), then the most named ones. Each panel has its own "
            "scale; hover a bar for the share of all articles, which corrects for busy periods."
        )
        return Section(
            "Entity timeline",
            note,
            charts.entity_timeline(frame, bucket=d.bucket, order=order),
            warnings=self.focus_note(),
        )

    def ego(self, center: tuple[int, str] | Pair | None) -> Section:
        d = self.data
        if center is None:
            return Section("Ego view", "No entity has been found in any article yet.")
        x, name = (center.a, center.name_a) if isinstance(center, Pair) else center
        partners = d.select("ego_partners", x=x, limit=EGO_PARTNERS, min_n=self.min_n)
        if partners.is_empty():
            return Section(
                f"Ego view: {name}",
                f"{name} is named with no other entity in {self.min_n} or more articles.",
            )
        timeline = self.focus(d.select("ego_timeline", x=x, ids=partners["partner_id"].to_list()))
        note = (
            f"The {EGO_PARTNERS} entities most strongly tied to {name} by {d.measure_label} "
            f"over all time (among those named with it in at least {self.min_n} articles), then "
            f"how many articles name {name} with each, per {d.bucket}. Choose the entity with "
            "`cooccur report --entity NAME`."
        )
        chart = charts.ego(
            partners,
            timeline,
            name=name,
            bucket=d.bucket,
            measure=d.measure,
            measure_label=d.measure_label,
        )
        return Section(f"Ego view: {name}", note, chart, warnings=self.focus_note())

    def network(self) -> Section:
        d = self.data
        nodes_top = self.top("top_entities", NETWORK_NODES)
        ids = nodes_top["entity_id"].to_list()
        edges = d.select("pair_periods", ids=ids, min_n=self.min_n, periods=NETWORK_PERIODS)
        self._network_ties = (ids, edges)
        if edges.is_empty():
            return Section("Network", "No two entities are named together often enough yet.")
        edges = _label_periods(edges, d.bucket)
        positions = graph.spring_layout(nodes_top, edges.filter(pl.col("bucket") == "all"))
        edges = (
            edges.sort("value", descending=True, nulls_last=True, maintain_order=True)
            .group_by("period", maintain_order=True)
            .head(NETWORK_EDGES)
            .with_columns(pair=pl.col("name_a") + " – " + pl.col("name_b"))
        )
        edges = graph.edge_weights(edges, d.measure)
        nodes = _label_periods(
            d.select("entity_periods", ids=ids, periods=NETWORK_PERIODS), d.bucket
        )
        periods = [graph.ALL_TIME] + [
            p
            for p in nodes.filter(pl.col("bucket") != "all")
            .sort("bucket_start", descending=True)["period"]
            .unique(maintain_order=True)
            .to_list()
        ]
        note = (
            f"The {NETWORK_NODES} most named entities (circle size: articles naming it; colour: "
            f"kind) and their strongest ties (line width: {d.measure_label}; at most "
            f"{NETWORK_EDGES} ties, each named together in at least {self.min_n} articles). "
            "Entities often named together sit close. Pick a period under the chart to see one "
            f"{d.bucket}; positions stay fixed so periods compare."
        )
        chart = graph.network(
            nodes, edges, positions, periods=periods, measure_label=d.measure_label
        )
        return Section("Network", note, chart)

    def heatmap(self) -> Section:
        d = self.data
        top = self.top("top_entities", HEATMAP_N)
        ids = top["entity_id"].to_list()
        if self._network_ties and set(ids) <= set(self._network_ties[0]):
            # the network's query already holds every all-time tie among these entities
            cells = self._network_ties[1].filter(
                pl.col("entity_a").is_in(ids) & pl.col("entity_b").is_in(ids)
            )
        else:
            cells = d.select("pair_periods", ids=ids, min_n=self.min_n, periods=0)
        cells = cells.filter(pl.col("bucket") == "all")
        if cells.is_empty():
            return Section("Heatmap", "No two entities are named together often enough yet.")
        order = graph.cluster_order(top["name"].to_list(), cells)
        note = (
            f"Each cell is the {d.measure_label} of two of the {HEATMAP_N} most named entities "
            f"over all time (blank: named together in fewer than {self.min_n} articles). Rows "
            "and columns are in clustering order, so groups of closely tied entities form "
            "blocks along the diagonal."
        )
        chart = graph.heatmap(cells, order=order, measure=d.measure, measure_label=d.measure_label)
        return Section("Heatmap", note, chart)


def _label_periods(frame: pl.DataFrame, bucket: str) -> pl.DataFrame:
    labels = [
        graph.ALL_TIME if b == "all" else charts.bucket_label(s, bucket)
        for b, s in frame.select("bucket", "bucket_start").iter_rows()
    ]
    return frame.with_columns(period=pl.Series(labels, dtype=pl.String))


def _fmt(value: float | None, pattern: str = "{:.3f}") -> str:
    return "–" if value is None else pattern.format(value)
