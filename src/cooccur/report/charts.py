"""Altair chart builders: frames in, charts out (no database, no files)."""

from __future__ import annotations

import altair as alt
import polars as pl


def pair_timeline(frame: pl.DataFrame, name_a: str, name_b: str) -> alt.LayerChart:
    """Monthly co-mentions of a pair (bars) with NPMI (line, right axis)."""
    base = alt.Chart(frame).encode(
        x=alt.X("yearmonth(bucket_start):T", title="Month"),
    )
    tooltip = [
        alt.Tooltip("yearmonth(bucket_start):T", title="Month"),
        alt.Tooltip("n_documents:Q", title="Articles naming both"),
        alt.Tooltip("n_sentences:Q", title="Sentences naming both"),
        alt.Tooltip("npmi:Q", title="NPMI (articles)", format=".3f"),
    ]
    bars = base.mark_bar(color="#4c78a8", opacity=0.8).encode(
        y=alt.Y("n_documents:Q", title="Articles naming both"), tooltip=tooltip
    )
    line = base.mark_line(point=True, color="#e45756").encode(
        y=alt.Y("npmi:Q", title="NPMI", scale=alt.Scale(domain=[-1, 1])), tooltip=tooltip
    )
    return (
        alt.layer(bars, line)
        .resolve_scale(y="independent")
        .properties(title=f"{name_a} – {name_b}", width=900, height=300)
    )


def top_entities(frame: pl.DataFrame) -> alt.Chart:
    """The most frequent entities by articles naming them."""
    return (
        alt.Chart(frame)
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
            ],
        )
        .properties(width=700, height=alt.Step(18))
    )


def top_pairs(frame: pl.DataFrame) -> alt.Chart:
    """The most co-mentioned pairs by articles naming both."""
    labelled = frame.with_columns(pair=pl.col("name_a") + " – " + pl.col("name_b"))
    return (
        alt.Chart(labelled)
        .mark_bar(color="#54a24b")
        .encode(
            x=alt.X("n_documents:Q", title="Articles naming both"),
            y=alt.Y("pair:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("pair:N", title="Pair"),
                alt.Tooltip("n_documents:Q", title="Articles naming both"),
            ],
        )
        .properties(width=700, height=alt.Step(18))
    )
