"""Property tests: random small corpora through the real stages keep the pair invariants.

Articles are sentences of country names ("Italy and Japan met."), dated in one of three
months. Expected document counts come straight from the generated sets, independently of
the tagger's sentence splitting.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooccur.counts import compute_tables
from cooccur.gazetteer import load_countries
from cooccur.ingest import ingest_paths
from cooccur.store import Store
from cooccur.tag import tag_pending

NAMES = ["Italy", "France", "Japan", "Brazil", "Kenya"]
MONTHS = ["2024-01-15", "2024-02-15", "2024-03-15"]

sentence = st.lists(st.sampled_from(NAMES), min_size=0, max_size=3)
article = st.tuples(st.sampled_from(MONTHS), st.lists(sentence, min_size=1, max_size=4))
corpus = st.lists(article, min_size=1, max_size=12)


def text_of(number: int, sentences: list[list[str]]) -> str:
    parts = [f"Item {number} of the day."]
    for names in sentences:
        parts.append(f"{' and '.join(names)} met." if names else "Nothing happened.")
    return " ".join(parts)


@pytest.fixture(scope="module")
def gazetteer():  # type: ignore[no-untyped-def]
    return load_countries()


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(corpus=corpus, batch_size=st.integers(1, 5))
def test_pair_counts_keep_their_invariants(gazetteer, corpus, batch_size) -> None:  # type: ignore[no-untyped-def]
    with TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles.jsonl"
        lines = [
            json.dumps({"id": str(i), "date": month, "title": "", "text": text_of(i, sentences)})
            for i, (month, sentences) in enumerate(corpus)
        ]
        source.write_text("\n".join(lines) + "\n", "utf-8")
        with Store(Path(tmp) / "db.duckdb") as store:
            ingest_paths(store, [source])
            tag_pending(store, gazetteer, batch_size=batch_size)
            compute_tables(store)
            ids = dict(store.query("select name, entity_id from entities").rows())
            rows = store.query(
                "select bucket_start::varchar as month, context, entity_a, entity_b, "
                "n, n_a, n_b, n_contexts from cooccurrence where bucket = 'month'"
            ).rows(named=True)
            sentence_pairs = dict(
                store.query(
                    "with s as (select distinct article_id, sentence_id, entity_id from mentions) "
                    "select x.entity_id || '-' || y.entity_id, count(*) from s x join s y "
                    "on x.article_id = y.article_id and x.sentence_id = y.sentence_id "
                    "and x.entity_id < y.entity_id group by all"
                ).rows()
            )

    # reference: document pairs per month from the generated sets
    expected: Counter[tuple[str, int, int]] = Counter()
    marginal: Counter[tuple[str, int]] = Counter()
    for month, sentences in corpus:
        named = sorted({ids[name] for names in sentences for name in names})
        for entity in named:
            marginal[(month[:8] + "01", entity)] += 1
        for a, b in itertools.combinations(named, 2):
            expected[(month[:8] + "01", a, b)] += 1

    seen = set()
    for row in rows:
        key = (row["month"], row["context"], row["entity_a"], row["entity_b"])
        assert key not in seen  # one row per unordered pair: symmetric by construction
        seen.add(key)
        assert row["entity_a"] < row["entity_b"]
        assert 1 <= row["n"] <= min(row["n_a"], row["n_b"])
        assert max(row["n_a"], row["n_b"]) <= row["n_contexts"]
    document = [r for r in rows if r["context"] == "document"]
    got = {(r["month"], r["entity_a"], r["entity_b"]): r["n"] for r in document}
    assert got == dict(expected)
    for r in document:
        assert r["n_a"] == marginal[(r["month"], r["entity_a"])]
        assert r["n_b"] == marginal[(r["month"], r["entity_b"])]
    # sums over buckets equal the all-time counts, for both kinds of context
    all_time = {"document": Counter[str](), "sentence": Counter[str](sentence_pairs)}
    for (_month, a, b), n in expected.items():
        all_time["document"][f"{a}-{b}"] += n
    for context, reference in all_time.items():
        summed: Counter[str] = Counter()
        for r in rows:
            if r["context"] == context:
                summed[f"{r['entity_a']}-{r['entity_b']}"] += r["n"]
        assert summed == reference, context
