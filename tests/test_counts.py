"""Pair counts and every measure checked against an independent computation.

The reference is built differently from the SQL: a sparse incidence matrix per bucket
(contexts × entities, X.T @ X for pairs), bucket starts from Python dates, measures from
their published formulas in NumPy/SciPy. Counts must be equal, measures within 1e-9.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from scipy import sparse, stats
from scipy.special import xlogy

from cooccur.store import Store

EPOCH_ALL = date(1970, 1, 1)


def bucket_start(kind: str, moment: datetime) -> date:
    """Bucket starts by calendar arithmetic, independent of the SQL macro."""
    day = moment.date()
    if kind == "day":
        return day
    if kind == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if kind == "year":
        return date(day.year, 1, 1)
    return EPOCH_ALL


def reference_pairs(incidence: pl.DataFrame, totals: dict[date, int]) -> dict[tuple, tuple]:
    """(bucket_start, a, b) -> (n, n_a, n_b, N) from rows (bucket_start, unit, entity_id)."""
    expected: dict[tuple, tuple] = {}
    for (start,), part in incidence.unique().group_by(["bucket_start"]):
        units = {u: i for i, u in enumerate(part["unit"].unique().to_list())}
        rows = np.array([units[u] for u in part["unit"]])
        cols = part["entity_id"].to_numpy()
        x = sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)))
        together = sparse.triu(x.T @ x, k=1).tocoo()
        marginal = np.asarray(x.sum(axis=0)).ravel()
        for a, b, n in zip(together.row, together.col, together.data, strict=True):
            expected[(start, int(a), int(b))] = (
                int(n),
                int(marginal[a]),
                int(marginal[b]),
                totals[start],
            )
    return expected


def reference_measures(n: np.ndarray, n_a: np.ndarray, n_b: np.ndarray, total: np.ndarray):
    """Every measure from its formula (see README "Measures and views")."""
    n, n_a, n_b, total = (v.astype(float) for v in (n, n_a, n_b, total))
    p_ab, p_a, p_b = n / total, n_a / total, n_b / total
    pmi = np.log(p_ab / (p_a * p_b))
    npmi = np.where(n == total, 1.0, pmi / -np.log(np.where(n == total, 0.5, p_ab)))
    observed = np.stack([n, n_a - n, n_b - n, total - n_a - n_b + n])
    expected = np.stack(
        [
            n_a * n_b / total,
            n_a * (total - n_b) / total,
            (total - n_a) * n_b / total,
            (total - n_a) * (total - n_b) / total,
        ]
    )
    ratio = np.divide(observed, expected, out=np.ones_like(observed), where=expected > 0)
    llr = 2 * xlogy(observed, ratio).sum(axis=0)  # a cell with E = 0 has O = 0: no term
    return {
        "pmi": pmi,
        "npmi": npmi,
        "jaccard": n / (n_a + n_b - n),
        "dice": 2 * n / (n_a + n_b),
        "assoc_strength": n / (n_a * n_b),
        "lift": p_ab / (p_a * p_b),
        "llr": llr,
        "llr_p": stats.chi2.sf(llr, df=1),
    }


def _buckets(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("published_at")
        .map_elements(lambda t: bucket_start(kind, t), return_dtype=pl.Date)
        .alias("bucket_start")
    )


@pytest.mark.slow
@pytest.mark.parametrize("context", ["document", "sentence"])
@pytest.mark.parametrize("bucket", ["month", "week", "all"])
def test_counts_and_measures_equal_an_independent_reference(
    reuters_db: Path, context: str, bucket: str
) -> None:
    with Store(reuters_db, read_only=True) as store:
        mentions = store.query(
            "select m.article_id, m.sentence_id, m.entity_id, a.published_at "
            "from mentions m join articles a using (article_id)"
        )
        units = store.query(
            "select s.article_id, s.sentence_id, a.published_at "
            "from sentences s join articles a using (article_id)"
            if context == "sentence"
            else "select article_id, published_at from articles "
            "where article_id in (select article_id from tagged_articles)"
        )
        ours = store.query(
            "select * from cooccurrence where bucket = ? and context = ?", [bucket, context]
        )
    unit_key = ["article_id", "sentence_id"] if context == "sentence" else ["article_id"]
    mentions = _buckets(mentions, bucket).with_columns(pl.concat_str(unit_key).alias("unit"))
    totals = dict(_buckets(units, bucket).group_by("bucket_start").len().rows())
    expected = reference_pairs(mentions.select("bucket_start", "unit", "entity_id"), totals)

    got = {
        (r["bucket_start"], r["entity_a"], r["entity_b"]): (
            r["n"],
            r["n_a"],
            r["n_b"],
            r["n_contexts"],
        )
        for r in ours.iter_rows(named=True)
    }
    assert got == expected  # every pair, every count, exactly
    reference = reference_measures(*(ours[c].to_numpy() for c in ("n", "n_a", "n_b", "n_contexts")))
    for measure, values in reference.items():
        np.testing.assert_allclose(ours[measure].to_numpy(), values, rtol=1e-9, atol=1e-9)


@pytest.mark.slow
def test_llr_matches_scipy_contingency_test_on_sampled_pairs(reuters_db: Path) -> None:
    with Store(reuters_db, read_only=True) as store:
        sample = store.query(
            "select n, n_a, n_b, n_contexts, llr, llr_p from cooccurrence "
            "where bucket = 'all' order by n desc, entity_a, entity_b limit 60"
        )
    for n, n_a, n_b, total, llr, llr_p in sample.rows():
        table = np.array([[n, n_a - n], [n_b - n, total - n_a - n_b + n]])
        g2, p, _, _ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
        assert llr == pytest.approx(g2, rel=1e-9, abs=1e-9)
        assert llr_p == pytest.approx(p, rel=1e-9, abs=1e-12)


def test_chi_square_tail_macro_matches_scipy_over_its_range(tmp_path: Path) -> None:
    with Store(tmp_path / "db.duckdb") as store:
        values = np.concatenate([np.linspace(0, 60, 6001), np.geomspace(1e-9, 3000, 500)])
        store.register("g", pl.DataFrame({"g2": values}))
        got = store.query("select chi2_sf_1df(g2) as p from g")["p"].to_numpy()
    np.testing.assert_allclose(got, stats.chi2.sf(values, 1), rtol=1e-12, atol=1e-15)


@pytest.mark.slow
def test_seed_article_pairs_italy_and_turkey_in_april_2025(reuters_db: Path) -> None:
    with Store(reuters_db, read_only=True) as store:
        rows = store.query(
            "select context, n from cooccurrence "
            "where name_a || '|' || name_b in ('Italy|Turkey', 'Turkey|Italy') "
            "and bucket = 'month' and bucket_start = date '2025-04-01' order by context"
        ).rows()
    # one article naming both; several of its sentences name both
    assert rows[0] == ("document", 1)
    assert rows[1][0] == "sentence" and rows[1][1] >= 3


@pytest.mark.slow
def test_table_invariants_hold(reuters_db: Path) -> None:
    """Data tests: each query returns the offending rows, so empty means pass."""
    checks = {
        "pair order and count bounds": "select * from cooccurrence "
        "where entity_a >= entity_b or n > least(n_a, n_b) or n_a > n_contexts or n < 1",
        "one row per key": "select bucket, bucket_start, context, entity_a, entity_b "
        "from cooccurrence group by all having count(*) > 1",
        "marginals agree with entity_marginals": "select * from cooccurrence c "
        "join entity_marginals m on m.bucket = c.bucket and m.bucket_start = c.bucket_start "
        "and m.context = c.context and m.entity_id = c.entity_a where m.n <> c.n_a",
        "N agrees with bucket_totals": "select * from cooccurrence c join bucket_totals t "
        "using (bucket, bucket_start, context) where t.n_contexts <> c.n_contexts",
        "months sum to all time": "select * from (select context, entity_a, entity_b, "
        "sum(n) filter (where bucket = 'month') as months, "
        "sum(n) filter (where bucket = 'all') as total from cooccurrence group by all) "
        "where months is distinct from total",
        "weeks sum to all time (frequency)": "select * from (select entity_id, "
        "sum(n_articles) filter (where bucket = 'week') as weeks, "
        "sum(n_articles) filter (where bucket = 'all') as total from entity_frequency "
        "group by all) where weeks is distinct from total",
        "npmi in [-1, 1]": "select * from cooccurrence where npmi < -1 - 1e-12 or npmi > 1 + 1e-12",
    }
    with Store(reuters_db, read_only=True) as store:
        for name, sql in checks.items():
            assert store.query(sql).is_empty(), name
        months = store.query(
            "select distinct bucket_start from cooccurrence where bucket = 'month'"
        ).to_series()
    assert date(1987, 3, 1) in months.to_list()


@pytest.mark.slow
def test_entity_frequency_shares_are_volume_normalised(reuters_db: Path) -> None:
    with Store(reuters_db, read_only=True) as store:
        frequency = store.query(
            "select f.bucket_start, f.entity_id, f.n_articles, f.share_of_articles "
            "from entity_frequency f where bucket = 'week'"
        )
        mentions = store.query(
            "select distinct m.article_id, m.entity_id, a.published_at "
            "from mentions m join articles a using (article_id)"
        )
        articles = store.query(
            "select published_at from articles "
            "where article_id in (select article_id from tagged_articles)"
        )
    per_week = dict(_buckets(articles, "week").group_by("bucket_start").len().rows())
    expected = _buckets(mentions, "week").group_by("bucket_start", "entity_id").len().rows()
    got = {(s, e): (n, share) for s, e, n, share in frequency.rows()}
    assert len(got) == len(expected)
    for start, entity, count in expected:
        n, share = got[(start, entity)]
        assert n == count
        assert share == pytest.approx(count / per_week[start], abs=1e-12)
    assert math.isclose(sum(per_week.values()), articles.height)


def test_views_are_replaced_only_when_missing_or_changed(tmp_path: Path) -> None:
    from cooccur.store import install_views

    with Store(tmp_path / "db.duckdb") as store:
        install_views(store)
        names = {r[0] for r in store.query("select view_name from duckdb_views()").rows()}
        assert {"top_pairs", "pair_timeline", "entity_timeline"} <= names
        digest = store.scalar("select value from meta where key = 'views_digest'")
        store.execute("drop view top_pairs")
        install_views(store)  # one missing: all are created again
        assert store.scalar("select count(*) from duckdb_views() where view_name = 'top_pairs'")
        store.execute("update meta set value = 'old' where key = 'views_digest'")
        install_views(store)  # files changed since: replaced, digest recorded
        assert store.scalar("select value from meta where key = 'views_digest'") == digest


def test_a_newer_cooccur_replaces_the_views_of_an_older_count_when_it_opens_the_file(
    tmp_path: Path,
) -> None:
    from cooccur.store import install_views

    db = tmp_path / "db.duckdb"
    with Store(db) as store:
        assert not store.scalar("select count(*) from duckdb_views() where view_name = 'top_pairs'")
        install_views(store)  # what a count does
        # as an older cooccur left it: another view body, other digests
        store.execute("create or replace view top_pairs as select 1 as old")
        stale = "update meta set value = 'old' where key in ('views_digest', 'schema_digest')"
        store.execute(stale)
    with Store(db) as store:
        assert "old" not in store.query("select * from top_pairs limit 0").columns


def test_a_read_only_open_answers_with_this_cooccurs_views_and_leaves_the_file(
    tmp_path: Path,
) -> None:
    """`cooccur top`/`changes`/… open read-only, so they cannot replace an older cooccur's
    views in the file: they shadow them with temporary ones for the connection."""
    from cooccur.store import install_views

    db = tmp_path / "db.duckdb"
    with Store(db) as store:
        install_views(store)  # what a count does
        store.execute("create or replace view top_pairs as select 1 as old")
        store.execute("create or replace macro npmi_of(n, n_a, n_b, total) as -7")
        stale = "update meta set value = 'old' where key in ('views_digest', 'schema_digest')"
        store.execute(stale)
    with Store(db, read_only=True) as store:
        assert "old" not in store.query("select * from top_pairs limit 0").columns
        assert store.scalar("select npmi_of(2, 2, 2, 4)") == pytest.approx(1.0)
    with duckdb.connect(str(db), read_only=True) as con:  # the file is as it was
        assert con.sql("select * from top_pairs").fetchall() == [(1,)]
        assert con.sql("select npmi_of(2, 2, 2, 4)").fetchall() == [(-7,)]


def test_a_union_of_both_sides_of_the_cooccurrence_view_keeps_them_apart(tmp_path: Path) -> None:
    """DuckDB's `common_subplan` optimizer (1.5.1 onward) answered this union with entity_a's
    columns on both sides, silently (duckdb#25819); the store turns that optimizer off. The
    bundled examples reproduced it: entity_b got entity_a's marginal and name."""
    from cooccur.counts import compute_tables
    from cooccur.gazetteer import load_gazetteer
    from cooccur.ingest import ingest_paths
    from cooccur.tag import tag_pending

    examples = Path(__file__).resolve().parents[1] / "examples" / "articles"
    with Store(tmp_path / "db.duckdb") as store:
        ingest_paths(store, [examples])
        tag_pending(store, load_gazetteer())
        compute_tables(store)
        sides = store.query(
            "select bucket, bucket_start, entity_a as entity_id, name_a as name, n_a as n "
            "from cooccurrence where context = 'document' union all "
            "select bucket, bucket_start, entity_b, name_b, n_b "
            "from cooccurrence where context = 'document'"
        )
        marginals = store.query(
            "select m.bucket, m.bucket_start, m.entity_id, e.name, m.n "
            "from entity_marginals as m join entities as e using (entity_id) "
            "where m.context = 'document'"
        )
    assert sides.height > 100 and set(sides.rows()) <= set(marginals.rows())
