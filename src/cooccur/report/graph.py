"""Charts of many pairs at once: the entity network and the clustered heatmap.

Layout and ordering are computed here in Python (networkx spring layout, hierarchical
clustering in NumPy) so the browser only draws: positions and orders are data in the spec.
"""

from __future__ import annotations

import math

import altair as alt
import networkx as nx
import numpy as np
import polars as pl

ALL_TIME = "all time"
Tree = int | tuple["Tree", "Tree"]  # a leaf's index, or two subtrees merged


def spring_layout(nodes: pl.DataFrame, edges: pl.DataFrame, *, seed: int = 7) -> pl.DataFrame:
    """x, y in [-1, 1] per entity: strongly tied entities close, fixed for every period.

    Every tie pulls, with a spring as strong as its rank by the measure (0–1], so the
    strongest associations cluster; the seed makes the picture the same on every run.
    """
    graph = nx.Graph()
    graph.add_nodes_from(nodes["entity_id"].to_list())
    ranked = edges.with_columns(rank=pl.col("value").rank("average") / pl.len())
    for a, b, rank in ranked.select("entity_a", "entity_b", "rank").iter_rows():
        graph.add_edge(a, b, weight=rank or 0.0)
    if graph.number_of_nodes() == 0:
        return pl.DataFrame(schema={"entity_id": pl.Int32, "x": pl.Float64, "y": pl.Float64})
    k = 1.5 / math.sqrt(graph.number_of_nodes())
    positions = nx.spring_layout(graph, weight="weight", seed=seed, k=k, iterations=200)
    ids = list(positions)
    xy = np.array([positions[i] for i in ids], dtype=float).reshape(len(ids), 2)
    low, high = xy.min(axis=0), xy.max(axis=0)
    xy = 2 * (xy - low) / np.where(high > low, high - low, 1.0) - 1  # fill the frame
    return pl.DataFrame(
        {"entity_id": ids, "x": xy[:, 0], "y": xy[:, 1]},
        schema={"entity_id": pl.Int32, "x": pl.Float64, "y": pl.Float64},
    )


def network(
    nodes: pl.DataFrame,
    edges: pl.DataFrame,
    positions: pl.DataFrame,
    *,
    periods: list[str],
    measure_label: str,
) -> alt.LayerChart:
    """Entities as circles (size: articles, colour: kind), ties as lines (width: measure);
    a drop-down picks all time or one bucket. Inputs carry a `period` label column."""
    placed_nodes = nodes.join(positions, on="entity_id", maintain_order="left")
    ends = positions.rename({"entity_id": "entity_a"})
    placed_edges = edges.join(ends, on="entity_a", maintain_order="left").join(
        positions.rename({"entity_id": "entity_b", "x": "x2", "y": "y2"}),
        on="entity_b",
        maintain_order="left",
    )
    period = alt.param(
        name="period",
        value=periods[0],
        bind=alt.binding_select(options=periods, name="Period "),
    )
    in_period = alt.datum.period == period
    scale = alt.Scale(domain=[-1.15, 1.15])
    x = alt.X("x:Q", axis=None, scale=scale)
    y = alt.Y("y:Q", axis=None, scale=scale)
    lines = (
        alt.Chart(placed_edges)
        .transform_filter(in_period)
        .mark_rule(color="#888")
        .encode(
            x=x,
            y=y,
            x2=alt.X2("x2:Q"),
            y2=alt.Y2("y2:Q"),
            strokeWidth=alt.StrokeWidth(
                "weight:Q", title="Tie strength", legend=None, scale=alt.Scale(range=[0.5, 6])
            ),
            opacity=alt.Opacity("weight:Q", legend=None, scale=alt.Scale(range=[0.25, 0.8])),
            tooltip=[
                alt.Tooltip("pair:N", title="Pair"),
                alt.Tooltip("n:Q", title="Articles naming both"),
                alt.Tooltip("value:Q", title=measure_label, format=".3f"),
                alt.Tooltip("period:N", title="Period"),
            ],
        )
    )
    node_tooltip = [
        alt.Tooltip("name:N", title="Entity"),
        alt.Tooltip("kind:N", title="Kind"),
        alt.Tooltip("n_articles:Q", title="Articles naming it"),
        alt.Tooltip("period:N", title="Period"),
    ]
    circles = (
        alt.Chart(placed_nodes)
        .transform_filter(in_period)
        .mark_circle(opacity=0.9, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            size=alt.Size("n_articles:Q", title="Articles", scale=alt.Scale(range=[30, 900])),
            color=alt.Color("kind:N", title="Kind"),
            tooltip=node_tooltip,
        )
    )
    labels = (
        alt.Chart(placed_nodes)
        .transform_filter(in_period)
        .mark_text(dy=-19, fontSize=11, color="#222")
        .encode(x=x, y=y, text=alt.Text("name:N"), tooltip=node_tooltip)
    )
    # One constructor with every option: `.add_params()`, `.properties()` and
    # `.configure_view()` on a layer each copy it whole and build it again (same spec).
    return alt.layer(
        lines.add_params(period),
        circles,
        labels,
        width=820,
        height=680,
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    )


def edge_weights(edges: pl.DataFrame, measure: str) -> pl.DataFrame:
    """`weight` in [0, 1] for drawing: the measure ranked within each period."""
    return edges.with_columns(
        weight=(pl.col("value").rank("average").over("period") / pl.len().over("period"))
        if measure != "n"
        else pl.col("n").log1p() / pl.col("n").log1p().max().over("period")
    )


def cluster_order(names: list[str], cells: pl.DataFrame) -> list[str]:
    """Names ordered so that strongly tied entities sit side by side (average-linkage
    clustering on 1 − rank-normalised measure, leaves in optimal order)."""
    if len(names) < 3:
        return names
    index = {name: i for i, name in enumerate(names)}
    similarity = np.zeros((len(names), len(names)))
    ranked = cells.with_columns(score=pl.col("value").rank("average") / pl.len())
    for a, b, score in ranked.select("name_a", "name_b", "score").iter_rows():
        if a in index and b in index and score is not None:
            similarity[index[a], index[b]] = similarity[index[b], index[a]] = score
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    return [names[i] for i in optimal_leaf_order(average_linkage(distance), distance)]


def average_linkage(distance: np.ndarray) -> Tree:
    """Average-linkage (UPGMA) clustering of a square distance matrix: the closest two
    clusters merge (the first such pair if tied) until one is left. SciPy's `linkage` gives
    the same tree when no two merges tie, but importing `scipy.cluster` costs ≈ 0.4 s,
    far more than the whole heatmap."""
    n = len(distance)
    d = distance.astype(float)
    np.fill_diagonal(d, np.inf)
    trees: dict[int, Tree] = dict(enumerate(range(n)))
    sizes = np.ones(n)
    for _ in range(n - 1):
        i, j = divmod(int(np.argmin(d)), n)
        trees[j] = (trees.pop(i), trees[j])
        d[j] = d[:, j] = (sizes[i] * d[i] + sizes[j] * d[j]) / (sizes[i] + sizes[j])
        d[j, j] = np.inf
        d[i] = d[:, i] = np.inf
        sizes[j] += sizes[i]
    (tree,) = trees.values()
    return tree


def optimal_leaf_order(tree: Tree, distance: np.ndarray) -> list[int]:
    """The tree's leaves in the order, among those its flips allow, with the least sum of
    distances between neighbours (Bar-Joseph, Gifford and Jaakkola 2001), the left subtree
    first. SciPy's `optimal_ordering` does this too, but it does not always return the
    least-cost order it finds (scipy/scipy#11227)."""
    solved: dict[Tree, tuple[list[int], np.ndarray]] = {}

    def solve(node: Tree) -> tuple[list[int], np.ndarray]:
        """The node's leaves and, for each two of them, the least cost of an order of the
        node starting at one and ending at the other (inf where flips cannot do that)."""
        if node not in solved:
            if isinstance(node, int):
                solved[node] = [node], np.zeros((1, 1))
            else:
                (left, cost_l), (right, cost_r) = solve(node[0]), solve(node[1])
                across = _min_plus(_min_plus(cost_l, distance[np.ix_(left, right)]), cost_r)
                no_l, no_r = np.full_like(cost_l, np.inf), np.full_like(cost_r, np.inf)
                solved[node] = left + right, np.block([[no_l, across], [across.T, no_r]])
        return solved[node]

    def order(node: Tree, first: int, last: int) -> list[int]:
        """The node's leaves in its cheapest order from `first` to `last`."""
        if isinstance(node, int):
            return [node]
        (left, cost_l), (right, cost_r) = solve(node[0]), solve(node[1])
        if first not in left:
            return order(node, last, first)[::-1]
        u, w = left.index(first), right.index(last)
        to_right = cost_l[u][:, None] + distance[np.ix_(left, right)]  # via each m, k
        k = int(np.argmin(to_right.min(axis=0) + cost_r[:, w]))
        m = int(np.argmin(to_right[:, k]))
        return order(node[0], first, left[m]) + order(node[1], right[k], last)

    if isinstance(tree, int):
        return [tree]
    leaves, cost = solve(tree)
    split = len(solve(tree[0])[0])
    u, w = divmod(int(np.argmin(cost[:split, split:])), len(leaves) - split)
    return order(tree, leaves[u], leaves[split + w])


def _min_plus(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The (min, +) matrix product: `[i, j]` = min over k of `a[i, k] + b[k, j]`."""
    return (a[:, :, None] + b[None, :, :]).min(axis=1)


def heatmap(
    cells: pl.DataFrame, *, order: list[str], measure: str, measure_label: str
) -> alt.Chart:
    """Top entities × top entities, coloured by the measure, rows and columns in cluster
    order; both halves drawn so each row reads as one entity's profile."""
    both = pl.concat(
        [
            cells,
            cells.rename(
                {
                    "name_a": "name_b",
                    "name_b": "name_a",
                    "entity_a": "entity_b",
                    "entity_b": "entity_a",
                }
            ),
        ],
        how="diagonal",
    )
    if measure == "npmi":
        color_scale = alt.Scale(scheme="redblue", domain=[-1, 1], reverse=True)
    else:
        color_scale = alt.Scale(scheme="blues")
    return (
        alt.Chart(both, width=alt.Step(20), height=alt.Step(20))
        .mark_rect()
        .encode(
            x=alt.X("name_b:N", sort=order, title=None, axis=alt.Axis(labelAngle=-50)),
            y=alt.Y("name_a:N", sort=order, title=None),
            color=alt.Color("value:Q", title=measure_label, scale=color_scale),
            tooltip=[
                alt.Tooltip("name_a:N", title="Entity"),
                alt.Tooltip("name_b:N", title="With"),
                alt.Tooltip("n:Q", title="Articles naming both"),
                alt.Tooltip("value:Q", title=measure_label, format=".3f"),
            ],
        )
    )
