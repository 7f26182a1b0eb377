"""Altair chart builders: frames in, charts out (no database, no files).

Every mark carries a tooltip. Time buckets are drawn as bars from their first day to the
next bucket's first day, so days, weeks (starting Monday), months, quarters and years all
read right on one time axis.
"""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import polars as pl
from altair.utils import schemapi

BUCKET_WORD = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}
PAIR_COLOR = "#4c78a8"
MEASURE_COLOR = "#e45756"
WIDTH = 860


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def bucket_end(start: date, bucket: str) -> date:
    """First day of the next bucket."""
    if bucket == "day":
        return start + timedelta(days=1)
    if bucket == "week":
        return start + timedelta(days=7)
    return _add_months(start, {"month": 1, "quarter": 3, "year": 12}[bucket])


def bucket_label(start: date, bucket: str) -> str:
    """How a newcomer names the bucket: 'week of 2 Mar 1987', 'Mar 1987', '1987 Q1'."""
    if bucket == "day":
        return f"{start.day} {start:%b %Y}"
    if bucket == "week":
        return f"week of {start.day} {start:%b %Y}"
    if bucket == "month":
        return f"{start:%b %Y}"
    if bucket == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def with_buckets(frame: pl.DataFrame, bucket: str, column: str = "bucket_start") -> pl.DataFrame:
    """Add `bucket_end`, `bucket_mid` and a readable `period` for each bucket start."""
    starts = frame[column].to_list()
    ends = [bucket_end(d, bucket) for d in starts]
    mids = [s + (e - s) / 2 for s, e in zip(starts, ends, strict=True)]
    return frame.with_columns(
        pl.Series("bucket_end", ends, dtype=pl.Date),
        pl.Series("bucket_mid", mids, dtype=pl.Date),
        pl.Series("period", [bucket_label(d, bucket) for d in starts], dtype=pl.String),
    )


BUCKET_DAYS = {"day": 1, "week": 7, "month": 31, "quarter": 92, "year": 366}
GAP_BUCKETS = 12  # empty buckets that split a timeline into separate runs


def busiest_run(frame: pl.DataFrame, bucket: str, weight: str) -> tuple[date, date] | None:
    """(first day, end) of the busiest stretch when long empty gaps split the timeline, so
    the chart opens on it rather than on decades of nothing; None if there is one stretch."""
    rows = frame.select("bucket_start", weight).sort("bucket_start").iter_rows()
    runs: list[list[tuple[date, int]]] = []
    for start, count in rows:
        if runs and (start - runs[-1][-1][0]).days <= GAP_BUCKETS * BUCKET_DAYS[bucket]:
            runs[-1].append((start, count or 0))
        else:
            runs.append([(start, count or 0)])
    if len(runs) < 2:
        return None
    best = max(reversed(runs), key=lambda run: sum(c for _, c in run))
    return best[0][0], bucket_end(best[-1][0], bucket)


def with_margin(window: tuple[date, date], bucket: str) -> tuple[date, date]:
    """A window widened by one bucket each side, so its first and last bars stand clear."""
    margin = timedelta(days=BUCKET_DAYS[bucket])
    return window[0] - margin, window[1] + margin


def padded_extent(frame: pl.DataFrame, bucket: str) -> pl.DataFrame:
    """The day before the first bucket by one bucket, and the day after the last by one."""
    margin = timedelta(days=BUCKET_DAYS[bucket])
    first = frame["bucket_start"].min() - margin  # type: ignore[operator]
    last = bucket_end(frame["bucket_start"].max(), bucket) + margin  # type: ignore[arg-type]
    return pl.DataFrame({"bucket_start": [first, last]}, schema={"bucket_start": pl.Date})


def count_ticks(top: object) -> list[int]:
    """Whole-number ticks from 0 to at least `top`, at most about six of them."""
    top = max(int(top or 0), 1)  # type: ignore[call-overload]
    step = next(m * 10**e for e in range(12) for m in (1, 2, 5) if top / (m * 10**e) <= 6)
    return list(range(0, top + step, step))


def time_axis(bucket: str) -> alt.Axis:
    """Vega's own multi-scale labels (they adapt to the zoom), years alone for yearly data."""
    return alt.Axis(format="%Y") if bucket == "year" else alt.Axis(labelOverlap=True)


def _datetime(day: date) -> alt.DateTime:
    return alt.DateTime(year=day.year, month=day.month, date=day.day)


def _measure_scale(measure: str) -> alt.Scale:
    """Fixed ends for bounded measures; a few pixels of padding so a point at an end shows."""
    if measure == "npmi":
        return alt.Scale(domain=[-1, 1], padding=6)
    if measure in ("jaccard", "dice"):
        return alt.Scale(domain=[0, 1], padding=6)
    return alt.Scale(zero=False, padding=6)


def _independent(**scales: str) -> alt.Resolve:
    return alt.Resolve(scale=alt.ScaleResolveMap(**scales))


def pair_timeline(
    frame: pl.DataFrame,
    themes: pl.DataFrame | None,
    *,
    name_a: str,
    name_b: str,
    bucket: str,
    measure: str,
    measure_label: str,
    evidence_page: str,
    theme: str | None = None,
) -> alt.VConcatChart:
    """Per bucket: articles naming both (bars, click for the evidence) and the measure (line,
    right axis); per theme: sentences naming both; a strip below to brush a time range."""
    data = with_buckets(frame, bucket).with_columns(
        href=pl.lit(f"{evidence_page}#b-") + pl.col("bucket_start").cast(pl.String)
    )
    window = busiest_run(data, bucket, "n_documents")
    brush = alt.selection_interval(
        encodings=["x"],
        name="brush",
        value={"x": [_datetime(d) for d in with_margin(window, bucket)]}
        if window
        else alt.Undefined,
    )
    # Zoomed to the brush when there is one, else the whole period (`domain=brush` would
    # compile to the same domainRaw); invisible points widen that period by a bucket each
    # side, so a lone bar stays a bar.
    zoom = alt.Scale(domainRaw=alt.ExprRef("brush['bucket_start']"))
    margins = (
        alt.Chart(padded_extent(data, bucket))
        .mark_point(opacity=0, clip=True)
        .encode(x=alt.X("bucket_start:T"))
    )
    x_detail = alt.X("bucket_start:T", title=None, scale=zoom, axis=time_axis(bucket))
    tooltip = [
        alt.Tooltip("period:N", title="When"),
        alt.Tooltip("n_documents:Q", title="Articles naming both"),
        alt.Tooltip("n_sentences:Q", title="Sentences naming both"),
        alt.Tooltip("value:Q", title=f"{measure_label} (articles)", format=".3f"),
    ]
    base = alt.Chart(data)
    bars = base.mark_bar(color=PAIR_COLOR, opacity=0.85, clip=True, cursor="pointer").encode(
        x=x_detail,
        x2=alt.X2("bucket_end:T"),
        y2=alt.Y2(datum=0),
        y=alt.Y(
            "n_documents:Q",
            title="Articles naming both",
            axis=alt.Axis(
                titleColor=PAIR_COLOR, values=count_ticks(data["n_documents"].max()), format="d"
            ),
        ),
        href=alt.Href("href:N"),
        tooltip=tooltip,
    )
    line = base.mark_line(
        color=MEASURE_COLOR,
        point=alt.OverlayMarkDef(color=MEASURE_COLOR, size=45, filled=True),
        clip=True,
    ).encode(
        x=alt.X("bucket_mid:T"),  # shares the bars' zoomed scale
        y=alt.Y(
            "value:Q",
            title=measure_label,
            scale=_measure_scale(measure),
            axis=alt.Axis(titleColor=MEASURE_COLOR, orient="right"),
        ),
        tooltip=tooltip,
    )
    # Options given to the constructors, not set by `.resolve_scale()`/`.properties()`:
    # each of those deep-copies the whole chart (same spec, a fraction of the time).
    # The detail panel is Altair's plain layer schema class, not an `alt.LayerChart`: it has
    # no parameter or shared data for Altair to lift, and a LayerChart inside a vconcat is
    # deep-copied and rebuilt (copying its layers twice more) at every step of building and
    # serialising the vconcat: half the cost of a pair page. Same spec. (Created with
    # Altair's debug checks off: a LayerSpec checks itself on creation by serialising its
    # layers as if each were a whole chart, with a `$schema` a layer may not have; the
    # vconcat's own check, when on, covers the panel.)
    with schemapi.debug_mode(False):
        detail = alt.LayerSpec(
            layer=[margins, bars, line],
            resolve=_independent(y="independent"),
            title=alt.Title(
                f"{name_a} and {name_b}: articles naming both per {BUCKET_WORD[bucket]}",
                subtitle=f"bars: articles (click one for its sentences) · line: {measure_label}",
            ),
            width=WIDTH,
            height=260,
        )
    overview_bars = (
        base.mark_bar(color=PAIR_COLOR)
        .encode(
            x=alt.X(
                "bucket_start:T",
                title="Drag across this strip to zoom in time; double-click it to zoom out",
                axis=time_axis(bucket),
            ),
            x2=alt.X2("bucket_end:T"),
            y2=alt.Y2(datum=0),
            y=alt.Y(
                "n_documents:Q",
                title=None,
                axis=alt.Axis(values=count_ticks(data["n_documents"].max())[::2], format="d"),
            ),
            tooltip=tooltip[:2],
        )
        .add_params(brush)
    )
    overview = alt.layer(margins, overview_bars, width=WIDTH, height=50)
    panels: list[alt.TopLevelMixin] = [detail]
    if themes is not None and not themes.is_empty():
        themed = with_buckets(themes, bucket)
        order = (
            themed.group_by("theme")
            .agg(pl.col("n_sentences").sum())
            .sort(["n_sentences", "theme"], descending=[True, False])["theme"]
            .to_list()
        )
        if theme in order:
            order = [theme] + [t for t in order if t != theme]
        panels.append(
            alt.Chart(
                themed,
                width=WIDTH,
                height=60,
                title=alt.Title("Sentences naming both, by theme of the sentence"),
            )
            .mark_bar(clip=True)
            .encode(
                x=alt.X("bucket_start:T", title=None, scale=zoom, axis=time_axis(bucket)),
                x2=alt.X2("bucket_end:T"),
                y2=alt.Y2(datum=0),
                y=alt.Y("n_sentences:Q", title="Sentences"),
                color=alt.Color("theme:N", title="Theme", sort=order, legend=None),
                row=alt.Row("theme:N", title=None, sort=order),
                tooltip=[
                    alt.Tooltip("period:N", title="When"),
                    alt.Tooltip("theme:N", title="Theme"),
                    alt.Tooltip("n_sentences:Q", title="Sentences naming both"),
                    alt.Tooltip("n_articles:Q", title="Articles"),
                ],
            )
        )
    panels.append(overview)
    chart = alt.vconcat(*panels, resolve=_independent(color="independent"))
    # Altair has now lifted the brush to the top and named the strip's view, leaving the
    # strip a plain layer: as the plain schema class (like `detail`) it gives the same spec
    # but is no longer deep-copied and rebuilt at every copy of the vconcat.
    with schemapi.debug_mode(False):
        strip = alt.LayerSpec(layer=chart.vconcat[-1].layer, width=WIDTH, height=50)
    chart.vconcat = [*chart.vconcat[:-1], strip]
    return chart


def entity_timeline(frame: pl.DataFrame, *, bucket: str, order: list[str]) -> alt.FacetChart:
    """Small multiples: articles naming each chosen entity per bucket."""
    data = with_buckets(frame, bucket)
    return (
        alt.Chart(data, width=260, height=110)
        .mark_bar(color=PAIR_COLOR)
        .encode(
            x=alt.X("bucket_start:T", title=None),
            x2=alt.X2("bucket_end:T"),
            y2=alt.Y2(datum=0),
            y=alt.Y("n_articles:Q", title="Articles"),
            tooltip=[
                alt.Tooltip("name:N", title="Entity"),
                alt.Tooltip("period:N", title="When"),
                alt.Tooltip("n_articles:Q", title="Articles naming it"),
                alt.Tooltip("n_mentions:Q", title="Mentions"),
                alt.Tooltip("share_of_articles:Q", title="Share of the articles", format=".1%"),
            ],
        )
        .facet(
            facet=alt.Facet("name:N", title=None, sort=order),
            columns=3,
            resolve=_independent(y="independent"),
        )
    )


def top_entities(frame: pl.DataFrame) -> alt.Chart:
    """The most frequent entities by articles naming them."""
    return (
        alt.Chart(frame, width=700, height=alt.Step(18))
        .mark_bar()
        .encode(
            x=alt.X("n_articles:Q", title="Articles"),
            y=alt.Y("name:N", sort="-x", title=None),
            color=alt.Color("kind:N", title="Kind"),
            tooltip=[
                alt.Tooltip("name:N", title="Entity"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("n_articles:Q", title="Articles"),
                alt.Tooltip("n_mentions:Q", title="Mentions"),
                alt.Tooltip("share_of_articles:Q", title="Share of all articles", format=".1%"),
            ],
        )
    )


def top_pairs(frame: pl.DataFrame, *, measure_label: str) -> alt.Chart:
    """The most co-mentioned pairs by articles naming both."""
    labelled = frame.with_columns(pair=pl.col("name_a") + " – " + pl.col("name_b"))
    return (
        alt.Chart(labelled, width=700, height=alt.Step(18))
        .mark_bar(color="#54a24b")
        .encode(
            x=alt.X("n_documents:Q", title="Articles naming both"),
            y=alt.Y("pair:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("pair:N", title="Pair"),
                alt.Tooltip("n_documents:Q", title="Articles naming both"),
                alt.Tooltip("value:Q", title=measure_label, format=".3f"),
            ],
        )
    )


def ego(
    partners: pl.DataFrame,
    timeline: pl.DataFrame,
    *,
    name: str,
    bucket: str,
    measure: str,
    measure_label: str,
) -> alt.VConcatChart:
    """One entity's strongest partners (bars), then each partnership per bucket."""
    order = partners["partner"].to_list()
    tooltip = [
        alt.Tooltip("partner:N", title="Partner"),
        alt.Tooltip("n:Q", title=f"Articles naming {name} and the partner"),
        alt.Tooltip("value:Q", title=measure_label, format=".3f"),
    ]
    strength = (
        alt.Chart(
            partners,
            width=600,
            height=alt.Step(20),
            title=alt.Title(f"{name}: strongest partners", subtitle=f"by {measure_label}"),
        )
        .mark_bar(color="#72b7b2")
        .encode(
            x=alt.X(
                "value:Q", title=f"{measure_label} over all time", scale=_measure_scale(measure)
            ),
            y=alt.Y("partner:N", sort=order, title=None),
            tooltip=tooltip,
        )
    )
    over_time = (
        alt.Chart(with_buckets(timeline, bucket), width=380, height=90)
        .mark_bar(color="#72b7b2")
        .encode(
            x=alt.X("bucket_start:T", title=None),
            x2=alt.X2("bucket_end:T"),
            y2=alt.Y2(datum=0),
            y=alt.Y("n:Q", title="Articles"),
            tooltip=[alt.Tooltip("period:N", title="When"), *tooltip],
        )
        .facet(
            facet=alt.Facet("partner:N", title=None, sort=order),
            columns=2,
            title=alt.Title(f"Articles naming {name} with each partner, per {bucket}"),
            resolve=_independent(y="independent"),
        )
    )
    return alt.vconcat(strength, over_time)


def changes(
    frame: pl.DataFrame, *, measure_label: str, latest: str, previous: str, axis: str
) -> alt.Chart:
    """Pairs that rose or fell most from `previous` to `latest` (bar length: the `shown`
    column, titled `axis`); each bar links to the pair's page."""
    data = frame.with_columns(pair=pl.col("name_a") + " – " + pl.col("name_b"))
    tooltip = [
        alt.Tooltip("pair:N", title="Pair"),
        alt.Tooltip("n_previous:Q", title=f"Articles, {previous}", format=".3~f"),
        alt.Tooltip("n_latest:Q", title=f"Articles, {latest}"),
        alt.Tooltip("shown:Q", title=axis, format="+.2f"),
    ]
    if "share_latest" in data.columns:
        tooltip += [
            alt.Tooltip("share_previous:Q", title=f"Share, {previous}", format=".2%"),
            alt.Tooltip("share_latest:Q", title=f"Share, {latest}", format=".2%"),
        ]
    tooltip += [
        alt.Tooltip("value_previous:Q", title=f"{measure_label}, {previous}", format=".3f"),
        alt.Tooltip("value_latest:Q", title=f"{measure_label}, {latest}", format=".3f"),
    ]
    return (
        alt.Chart(
            data,
            width=600,
            height=alt.Step(18),
            title=alt.Title(f"What changed: {previous} → {latest}", subtitle="click a bar"),
        )
        .mark_bar(cursor="pointer")
        .encode(
            x=alt.X("shown:Q", title=axis),
            y=alt.Y("pair:N", sort="-x", title=None),
            color=alt.Color(
                "direction:N",
                title=None,
                scale=alt.Scale(domain=["rose", "fell"], range=["#54a24b", "#e45756"]),
            ),
            href=alt.Href("href:N"),
            tooltip=tooltip,
        )
    )
