"""Paragraph and window contexts: a case worked by hand, then plain Python on Reuters."""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from test_counts import bucket_start, reference_measures

from cooccur.counts import AnalyticsConfig, compute_tables
from cooccur.gazetteer import load_countries
from cooccur.ingest import ingest_paths
from cooccur.store import Store
from cooccur.tag import tag_pending

ALL_CONTEXTS = AnalyticsConfig(
    buckets=("day", "week", "all"),
    contexts=("document", "paragraph", "sentence", "window"),
    window_k=7,
    ordered=True,
)


def build(path: Path, records: list[dict], config: AnalyticsConfig) -> Path:
    source = path.parent / f"{path.stem}.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    with Store(path) as store:
        ingest_paths(store, [source])
        tag_pending(store, load_countries())
        compute_tables(store, config)
    return path


@pytest.fixture
def hand_db(tmp_path: Path) -> Path:
    records = [
        {"id": "1", "date": "2025-04-08T09:00", "title": "Italy",
         "text": "Italy met France and then Germany"},
        {"id": "2", "date": "2025-04-08T10:00",
         "text": "Spain and Italy agreed.\n\nFrance said nothing."},
    ]  # fmt: skip
    config = AnalyticsConfig(
        buckets=("day", "all"),
        contexts=("document", "paragraph", "sentence", "window"),
        window_k=3,
        ordered=True,
    )
    return build(tmp_path / "hand.duckdb", records, config)


def _rows(store: Store, context: str) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    frame = store.query(
        "select name_a, name_b, n, n_a, n_b, n_contexts from cooccurrence "
        "where bucket = 'day' and context = ?",
        [context],
    )
    return {(a, b): (n, na, nb, t) for a, b, n, na, nb, t in frame.rows()}


def _unordered(rows: dict) -> dict:
    return {tuple(sorted(k)): v[0] for k, v in rows.items()}


def test_contexts_worked_by_hand(hand_db: Path) -> None:
    with Store(hand_db, read_only=True) as store:
        paragraph = _rows(store, "paragraph")
        window = _rows(store, "window")
        ordered = _rows(store, "window_ordered")
        document = _rows(store, "document")
    # paragraphs: 1:[title: Italy] 1:[Italy France Germany] / 2:[Spain Italy] 2:[France]
    assert _unordered(paragraph) == {
        ("France", "Italy"): 1,
        ("Germany", "Italy"): 1,
        ("France", "Germany"): 1,
        ("Italy", "Spain"): 1,
    }
    assert {v[3] for v in paragraph.values()} == {4}
    # windows of 3 tokens. Article 1: title [Italy]; text Italy met France and then Germany
    # -> {Italy, France} {France} {France} {Germany}. Article 2: Spain and Italy agreed.
    # France said nothing. -> {Spain, Italy} {Italy} {Italy, France} {France} {France}.
    assert _unordered(window) == {("France", "Italy"): 2, ("Italy", "Spain"): 1}
    italy_france = window.get(("Italy", "France")) or window[("France", "Italy")]
    n, n_x, n_y, total = italy_france
    assert total == 10 and n == 2 and {n_x, n_y} == {5, 6}  # Italy in 5 windows, France 6
    # ordered: Italy precedes France in both shared windows; Spain precedes Italy
    assert {k: v[0] for k, v in ordered.items()} == {("Italy", "France"): 2, ("Spain", "Italy"): 1}
    assert {v[3] for v in document.values()} == {2}
    with Store(hand_db, read_only=True) as store:
        pmi, npmi = store.query(
            "select pmi, npmi from cooccurrence where bucket = 'day' and context = 'window' "
            "and n = 2"
        ).row(0)
    assert pmi == pytest.approx(math.log(2 * 10 / (5 * 6)), abs=1e-12)
    assert npmi == pytest.approx(math.log(2 * 10 / (5 * 6)) / -math.log(2 / 10), abs=1e-12)


@pytest.fixture(scope="module")
def contexts_db(tmp_path_factory: pytest.TempPathFactory, reuters_file: Path) -> Path:
    """Every tenth Reuters story (all six weeks), counted in every context kind."""
    lines = reuters_file.read_text(encoding="utf-8").splitlines()[::10]
    path = tmp_path_factory.mktemp("contexts") / "contexts.duckdb"
    return build(path, [json.loads(line) for line in lines], ALL_CONTEXTS)


def _token_position(starts: list[int], offset: int) -> int:
    return bisect_right(starts, offset) - 1


def reference_contexts(store: Store, k: int) -> dict[str, dict]:
    """Plain-Python paragraph and window counts: {context: {(kind, start): Counter-like}}."""
    articles = store.query(
        "select article_id, title, text, published_at from articles "
        "where article_id in (select article_id from tagged_articles)"
    )
    mentions = store.query("select article_id, entity_id, sentence_id, start_char from mentions")
    by_article: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for article_id, entity_id, sentence_id, start in mentions.rows():
        by_article[article_id].append((sentence_id, start, entity_id))

    result: dict[str, dict] = {
        c: defaultdict(lambda: {"pairs": Counter(), "single": Counter(), "total": 0})
        for c in ("paragraph", "window", "window_ordered")
    }
    for article_id, title, text, published in articles.rows():
        keys = [(kind, bucket_start(kind, published)) for kind in ALL_CONTEXTS.buckets]
        found = by_article.get(article_id, [])
        # paragraphs: the title, then the text split on blank lines
        paragraph_starts = [0] + [m.end() for m in re.finditer("\n\n", text)]
        units: dict[int, set[int]] = defaultdict(set)
        for sentence_id, start, entity in found:
            units[-1 if sentence_id == 0 else bisect_right(paragraph_starts, start)].add(entity)
        n_paragraphs = (1 if title else 0) + (len(text.split("\n\n")) if text else 0)
        contexts = {"paragraph": ([(e, None) for e in u] for u in units.values())}
        # windows: title and text apart; a mention sits at the token holding its start
        windows: list[list[tuple[int, int]]] = []
        n_windows = 0
        for segment, body in ((0, title or ""), (1, text)):
            tokens = [m.start() for m in re.finditer(r"\S+", body)]
            if not tokens:
                continue
            count = max(len(tokens) - k + 1, 1)
            n_windows += count
            placed = [
                (_token_position(tokens, start), start, entity)
                for sid, start, entity in found
                if (sid == 0) == (segment == 0)
            ]
            for s in range(count):
                inside = [(start, e) for pos, start, e in placed if s <= pos <= s + k - 1]
                if inside:
                    windows.append(inside)
        contexts["window"] = ([(e, start) for start, e in w] for w in windows)
        for key in keys:
            result["paragraph"][key]["total"] += n_paragraphs
            result["window"][key]["total"] += n_windows
            result["window_ordered"][key]["total"] += n_windows
        for name, units_iter in contexts.items():
            for members in units_iter:
                entities = {e for e, _ in members}
                ordered_pairs = {
                    (a, b) for a, sa in members for b, sb in members if a != b and sa < sb
                } if name == "window" else set()  # fmt: skip
                for key in keys:
                    for e in entities:
                        result[name][key]["single"][e] += 1
                        if name == "window":
                            result["window_ordered"][key]["single"][e] += 1
                    for a in entities:
                        for b in entities:
                            if a < b:
                                result[name][key]["pairs"][(a, b)] += 1
                    for pair in ordered_pairs:
                        result["window_ordered"][key]["pairs"][pair] += 1
    return result


@pytest.mark.slow
def test_paragraph_and_window_counts_equal_plain_python(contexts_db: Path) -> None:
    with Store(contexts_db, read_only=True) as store:
        reference = reference_contexts(store, ALL_CONTEXTS.window_k)
        ours = store.query(
            "select * from cooccurrence where context in ('paragraph', 'window', 'window_ordered')"
        )
    checked = 0
    for context, buckets in reference.items():
        expected = {
            (kind, start, a, b): (n, c["single"][a], c["single"][b], c["total"])
            for (kind, start), c in buckets.items()
            for (a, b), n in c["pairs"].items()
        }
        part = ours.filter(pl.col("context") == context)
        got = {
            (r["bucket"], r["bucket_start"], r["entity_a"], r["entity_b"]): (
                r["n"],
                r["n_a"],
                r["n_b"],
                r["n_contexts"],
            )
            for r in part.iter_rows(named=True)
        }
        assert got == expected, context
        measures = reference_measures(
            *(part[c].to_numpy() for c in ("n", "n_a", "n_b", "n_contexts"))
        )
        for name, values in measures.items():
            np.testing.assert_allclose(part[name].to_numpy(), values, rtol=1e-9, atol=1e-9)
        checked += len(got)
    assert checked > 1000
