"""Pair counts checked against an independent computation: a sparse incidence matrix."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from cooccur.store import Store


@pytest.mark.slow
def test_document_pair_counts_equal_the_incidence_matrix_product(reuters_db: Path) -> None:
    with Store(reuters_db, read_only=True) as store:
        mentions = store.query(
            "select distinct a.article_id, m.entity_id, "
            "date_trunc('month', a.published_at)::date as month "
            "from mentions m join articles a using (article_id)"
        )
        ours = store.query(
            "select bucket_start as month, entity_a, entity_b, n, n_a, n_b, n_contexts, npmi "
            "from cooccurrence where context = 'document'"
        )
        articles_per_month = dict(
            store.query(
                "select date_trunc('month', published_at)::date, count(*) from articles group by 1"
            ).rows()
        )
    expected = {}
    for (month,), part in mentions.group_by(["month"]):
        docs = {d: i for i, d in enumerate(part["article_id"].unique().to_list())}
        rows = np.array([docs[d] for d in part["article_id"]])
        cols = part["entity_id"].to_numpy()
        x = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)))
        together = sparse.triu(x.T @ x, k=1).tocoo()
        totals = np.asarray(x.sum(axis=0)).ravel()
        for a, b, n in zip(together.row, together.col, together.data, strict=True):
            expected[(month, int(a), int(b))] = (int(n), int(totals[a]), int(totals[b]))
    got = {(r[0], r[1], r[2]): (r[3], r[4], r[5]) for r in ours.rows()}
    assert got == expected
    # NPMI by its published formula (Bouma 2009), from the reference counts
    for month, _a, _b, n, n_a, n_b, total, npmi in ours.rows():
        assert total == articles_per_month[month]
        p_ab, p_a, p_b = n / total, n_a / total, n_b / total
        reference = 1.0 if n == total else math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)
        assert npmi == pytest.approx(reference, abs=1e-9)


@pytest.mark.slow
def test_seed_article_pairs_italy_and_turkey_in_april_2025(reuters_db: Path) -> None:
    with Store(reuters_db, read_only=True) as store:
        rows = store.query(
            "select context, n from cooccurrence "
            "where name_a || '|' || name_b in ('Italy|Turkey', 'Turkey|Italy') "
            "and bucket_start = date '2025-04-01' order by context"
        ).rows()
    # one article naming both; several of its sentences name both
    assert rows[0] == ("document", 1)
    assert rows[1][0] == "sentence" and rows[1][1] >= 3


@pytest.mark.slow
def test_table_invariants_hold(reuters_db: Path) -> None:
    with Store(reuters_db, read_only=True) as store:
        broken = store.query(
            "select * from cooccurrence "
            "where entity_a >= entity_b or n > least(n_a, n_b) or n_a > n_contexts or n < 1"
        )
        assert broken.is_empty()
        months = store.query("select distinct bucket_start from cooccurrence").to_series()
    assert date(1987, 3, 1) in months.to_list()
