"""The report's queries adapt to what the database holds: monthly or bucketed counts, extra
measures, a `themes` table or none. Small literal corpora, numbers worked out by hand."""

from __future__ import annotations

import math
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from test_report import make_db

from cooccur.report.build import read_summary
from cooccur.report.data import ReportData, ReportInputError, choose_bucket
from cooccur.report.sections import Pair, Sections
from cooccur.settings import load_sql
from cooccur.store import Store

# Italy = ITA, Turkey = TUR, Greece = GRC; four articles over two months.
RECORDS = [
    {
        "id": "a1",
        "date": "2025-01-10",
        "title": "Talks",
        "text": "Italy and Turkey sign a defence pact.",
    },
    {"id": "a2", "date": "2025-01-20", "title": "Vote", "text": "Italy votes."},
    {
        "id": "a3",
        "date": "2025-02-03",
        "title": "Summit",
        "text": "Italy and Turkey hold talks. Greece watches.",
    },
    {"id": "a4", "date": "2025-02-14", "title": "Ballot", "text": "Greece votes."},
]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_db(tmp_path_factory.mktemp("small"), RECORDS)


def ids(store: Store, *names: str) -> list[int]:
    found = dict(store.query("select name, entity_id from entities").iter_rows())
    return [found[n] for n in names]


def test_all_time_rows_follow_the_pmi_formulas(small_db: Path) -> None:
    with Store(small_db, read_only=True) as store:
        data = ReportData.open(store)
        italy, turkey = ids(store, "Italy", "Turkey")
        row = store.query(
            "select n, n_a, n_b, n_contexts, pmi, npmi from report_cooccurrence "
            "where bucket = 'all' and context = 'document' and entity_a = $a and entity_b = $b",
            {"a": min(italy, turkey), "b": max(italy, turkey)},
        ).row(0)
    assert data.bucket == "month" and data.notes == []
    # over all four articles: both in a1 and a3, Italy in 3, Turkey in 2
    n, n_a, n_b, total, pmi, npmi = row
    assert (n, total) == (2, 4) and sorted([n_a, n_b]) == [2, 3]
    assert pmi == pytest.approx(math.log(2 * 4 / (3 * 2)))
    assert npmi == pytest.approx(math.log(4 / 3) / math.log(2))


def test_entity_buckets_agree_with_entity_frequency(small_db: Path) -> None:
    """The report reads `entity_frequency` when it holds the report's bucket, else counts the
    mentions (sql/report/entity_buckets.sql): both give the same rows."""
    with Store(small_db, read_only=True) as store:
        ReportData.open(store, bucket="month")
        store.execute(load_sql("report/entity_buckets"), {"bucket": "month"})
        mine = store.query(
            "select bucket_start, entity_id, n_articles, n_mentions, share_of_articles "
            "from report_entities where bucket = 'month' order by all"
        )
        stored = store.query(
            "select bucket_start, entity_id, n_articles, n_mentions, share_of_articles "
            "from entity_frequency where bucket = 'month' order by all"
        )
    assert mine.rows() == stored.rows()


def test_changes_compare_shares_of_the_last_two_buckets(small_db: Path) -> None:
    with Store(small_db, read_only=True) as store:
        data = ReportData.open(store)
        changes = data.select("changes", limit=5, min_n=1)
    # January: 2 articles, Italy–Turkey in 1 (50%); February: 2 articles, Italy–Turkey in 1
    # (50%: no change, left out), Greece with Italy and with Turkey in 1 (50%, from 0%).
    got = {(r["name_a"], r["name_b"]): r["change"] for r in changes.iter_rows(named=True)}
    # pairs are stored with the lower entity id first: Greece (GRC) before Italy and Turkey
    assert got == {("Greece", "Italy"): 0.5, ("Greece", "Turkey"): 0.5}
    assert set(changes["direction"]) == {"rose"}
    assert changes["latest_start"][0] == date(2025, 2, 1)


def test_without_themes_the_filter_is_reported_unavailable(no_themes_db: Path) -> None:
    with Store(no_themes_db, read_only=True) as store:
        data = ReportData.open(store, theme="defense")
    assert data.theme is None
    assert any("theme filter ('defense') is unavailable" in n for n in data.notes)


def test_unknown_measure_and_bucket_are_input_errors(small_db: Path) -> None:
    with Store(small_db, read_only=True) as store:
        with pytest.raises(ReportInputError, match="unknown measure"):
            ReportData.open(store, measure="cosine")
        with pytest.raises(ReportInputError, match="unknown bucket"):
            ReportData.open(store, bucket="fortnight")
        data = ReportData.open(store, measure="llr", bucket="day")  # days are not stored
    assert data.measure == "llr" and data.bucket == "month"
    assert len(data.notes) == 1


@pytest.fixture(scope="module")
def extended_db(small_db: Path) -> Path:
    """The small database as the pipeline leaves it: `bucket` column with month, week and
    all-time rows, every measure, the `pair_changes` view and a `themes` table."""
    return small_db


@pytest.fixture
def no_themes_db(small_db: Path, tmp_path: Path) -> Path:
    """A database made before the tagging stage wrote themes."""
    path = tmp_path / "db.duckdb"
    shutil.copy(small_db, path)
    with Store(path) as store:
        store.execute("drop table themes")
    return path


def test_bucket_column_and_extra_measures_are_used_when_present(extended_db: Path) -> None:
    with Store(extended_db, read_only=True) as store:
        data = ReportData.open(store, bucket="week", measure="jaccard", theme="defense")
        italy, turkey = ids(store, "Italy", "Turkey")
        pair = [(italy, turkey)]
        timeline = data.select_pairs("pair_timeline", pair, max_buckets=10)[pair[0]]
        themed = data.select_pairs("pair_themes", pair)[pair[0]]
        evidence = data.select_pairs(
            "evidence", pair, per_bucket=10, max_articles=10, theme="defense"
        )[pair[0]]
    assert data.notes == []
    assert (data.bucket, data.measure, data.theme) == ("week", "jaccard", "defense")
    # weeks of 6 Jan (a1 alone) and 3 Feb (a3); jaccard = n / (n_a + n_b − n) = 1 / (1 + 1 − 1)
    assert sorted(timeline["bucket_start"].to_list()) == [date(2025, 1, 6), date(2025, 2, 3)]
    assert timeline.filter(timeline["bucket_start"] == date(2025, 1, 6))["value"][0] == 1.0
    # sentence 1 of a1 ('defence') is tagged defense; of a3, diplomacy
    assert sorted(themed.select("theme", "n_sentences").rows()) == [
        ("defense", 1),
        ("diplomacy", 1),
    ]
    # with the defense theme, only a1's sentence is evidence
    assert evidence["sentence"].to_list() == ["Italy and Turkey sign a defence pact."]


def test_theme_panels_are_drawn_when_themes_exist(extended_db: Path) -> None:
    with Store(extended_db, read_only=True) as store:
        data = ReportData.open(store, theme="defense")
        italy, turkey = ids(store, "Italy", "Turkey")
        site = Sections(data, {"articles": 4}, Path("."))
        section = site.pair_timeline(Pair(italy, turkey, "Italy", "Turkey"), evidence_page="")
    spec = section.chart.to_dict()  # type: ignore[union-attr]
    assert section.warnings == ()
    rows = [r for rows in spec["datasets"].values() for r in rows if "theme" in r]
    assert "defense" in {r["theme"] for r in rows}  # the seed-like sentence about a pact
    themed = next(v for v in spec["vconcat"] if "row" in v.get("encoding", {}))
    assert themed["encoding"]["row"]["sort"][0] == "defense"  # the chosen theme first


@pytest.mark.parametrize(
    ("available", "expected"),
    [
        ({"month": 3, "week": 8, "day": 30}, "week"),  # Reuters: six weeks
        ({"month": 12, "week": 52, "day": 365, "year": 1, "quarter": 4}, "month"),
        ({"year": 10, "month": 120}, "year"),
        ({"month": 1}, "month"),  # one article: one month
        ({"day": 2, "week": 1}, "day"),  # no month stored: the finest there is
        ({}, "month"),
    ],
)
def test_choose_bucket(available: dict[str, int], expected: str) -> None:
    assert choose_bucket(available) == expected


@pytest.fixture
def changes_db(small_db: Path, tmp_path: Path) -> Path:
    """`pair_changes` with fixed baselines, so the z-scores are known (n = 1, z = 0.5)."""
    path = tmp_path / "db.duckdb"
    shutil.copy(small_db, path)
    with Store(path) as store:
        store.execute(
            """
            create or replace macro pair_changes_since(which_bucket, which_context, since)
            as table
            select bucket, bucket_start, context, entity_a, entity_b, name_a, name_b, n,
                   0.5 as baseline_mean_n, 1 as baseline_max_n, 4 as baseline_buckets,
                   (n - 0.5) / 1.0 as z_n, 0.1 as baseline_mean_npmi
            from cooccurrence
            where bucket = which_bucket and context = which_context
              and bucket_start >= since
            """
        )
        store.execute(
            "create or replace view pair_changes as "
            "from pair_changes_since('week', 'document', date '1970-01-05')"
        )
    return path


def test_what_changed_uses_the_pair_changes_view_when_present(changes_db: Path) -> None:
    with Store(changes_db, read_only=True) as store:
        data = ReportData.open(store, bucket="month")
        site = Sections(data, {"articles": 4}, Path("."))
        pairs, section = site.changes(None)
    # the latest month holding articles (February: a3 names all three, a4 Greece alone):
    # Italy–Turkey, Greece–Italy, Greece–Turkey each n = 1, z = 0.5
    assert {(p.name_a, p.name_b) for p in pairs} == {
        ("Greece", "Italy"),
        ("Greece", "Turkey"),
        ("Italy", "Turkey"),
    }
    assert "the 4 months before" in section.note and "`pair_changes`" in section.note
    assert "+0.5" in section.html_body


@pytest.mark.parametrize("theme", [None, "economy"])
def test_pair_queries_for_many_pairs_equal_one_pair_at_a_time(
    reuters_db: Path, theme: str | None
) -> None:
    """The report reads every pair page in one query: no pair's rows, cuts (latest buckets,
    articles per bucket and in all) or order may depend on the other pairs asked for."""
    with Store(reuters_db, read_only=True) as store:
        data = ReportData.open(store, theme=theme)
        top = data.select("top_pairs", limit=6)
        pairs = [(a, b) for a, b in top.select("entity_a", "entity_b").iter_rows()]
        pairs += [pairs[0][::-1], (pairs[0][0], -1)]  # reversed; with no entity
        queries = {
            "pair_timeline": {"max_buckets": 3},
            "pair_themes": {},
            "evidence": {"per_bucket": 2, "max_articles": 5},
        }
        for name, params in queries.items():
            together = data.select_pairs(name, pairs, **params)
            for pair in pairs:
                alone = data.select_pairs(name, [pair], **params)[pair]
                assert together[pair].equals(alone), (name, pair)
                assert "a" not in alone.columns and "b" not in alone.columns
            assert together[pairs[-1]].is_empty()
            assert not together[pairs[0]].is_empty()
        evidence = data.select_pairs("evidence", pairs[:1], per_bucket=2, max_articles=5)
    articles = evidence[pairs[0]].group_by("bucket_start").agg(pl.col("article_id").n_unique())
    assert articles["article_id"].max() <= 2 and articles["article_id"].sum() <= 5


def test_heatmap_ties_cut_from_the_network_query_equal_their_own_query(small_db: Path) -> None:
    """The heatmap reuses the network's all-time ties (its entities are among the network's)
    instead of asking again: same chart either way."""
    with Store(small_db, read_only=True) as store:
        data = ReportData.open(store)
        site = Sections(data, {"articles": 4}, Path("."))
        site.network()
        assert site._network_ties is not None
        reused = site.heatmap()
        site._network_ties = None
        asked = site.heatmap()
    assert reused.chart is not None and asked.chart is not None
    spec = reused.chart.to_dict()
    assert spec == asked.chart.to_dict()
    cells = next(iter(spec["datasets"].values()))
    assert len(cells) == 6  # three ties, both halves


def test_summary_counts_pairs_with_or_without_the_all_time_bucket(
    small_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "no_all.duckdb"
    shutil.copy(small_db, db)
    counts = []
    for drop_all_time in (False, True):
        with Store(db) as store:
            if drop_all_time:
                store.execute("delete from cooccurrence_counts where bucket = 'all'")
            ReportData.open(store)
            expected = store.scalar(
                "select count(*) from (select distinct entity_a, entity_b from cooccurrence "
                "where context = 'document')"
            )
            counts.append((read_summary(store)["pairs"], expected))
    # Italy-Turkey, Italy-Greece, Turkey-Greece (a3)
    assert counts == [(3, 3), (3, 3)]


def test_top_lists_are_cut_from_one_query(small_db: Path) -> None:
    with Store(small_db, read_only=True) as store:
        data = ReportData.open(store)
        site = Sections(data, {"articles": 4}, Path("."))
        for name in ("top_entities", "top_pairs"):
            for limit in (1, 2, 40, 2):
                assert site.top(name, limit).equals(data.select(name, limit=limit)), (name, limit)
