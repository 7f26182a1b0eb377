"""A bucket's co-occurrence network as a networkx graph, written as GEXF or GraphML for Gephi.

Nodes are entities (label, kind, contexts naming them), edges are pairs with their counts
and measures as attributes, so Gephi can size, filter and lay out by any of them.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import polars as pl

FORMATS = ("gexf", "graphml")
EDGE_COLUMNS = (
    "n",
    "n_contexts",
    "pmi",
    "npmi",
    "jaccard",
    "dice",
    "assoc_strength",
    "lift",
    "llr",
    "llr_p",
    "tone_mean",
    "tone_n",
)


def pair_graph(pairs: pl.DataFrame, nodes: pl.DataFrame, *, directed: bool = False) -> nx.Graph:
    """Graph of `pairs` (rows of `cooccurrence`) over `nodes` (entity_id, name, kind, n).

    Missing values (a pair without tone) are left out of the edge's attributes: GEXF and
    GraphML have no null.
    """
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    for row in nodes.iter_rows(named=True):
        graph.add_node(str(row["entity_id"]), label=row["name"], kind=row["kind"], n=int(row["n"]))
    for row in pairs.iter_rows(named=True):
        attributes = {
            key: (float(row[key]) if isinstance(row[key], float) else int(row[key]))
            for key in EDGE_COLUMNS
            if row.get(key) is not None
        }
        attributes["weight"] = int(row["n"])
        graph.add_edge(str(row["entity_a"]), str(row["entity_b"]), **attributes)
    return graph


def write_graph(graph: nx.Graph, path: Path, fmt: str) -> Path:
    """Write `graph` to `path` as `fmt` ('gexf' or 'graphml'); returns the path."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown network format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "gexf":
        nx.write_gexf(graph, path)
    else:
        nx.write_graphml(graph, path)
    return path
