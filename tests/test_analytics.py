"""Tone, filters (theme, source, focus, kinds) and the documented views."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from cooccur.counts import AnalyticsConfig, PairFilter, SettingsError, compute_tables, count_pairs
from cooccur.gazetteer import load_countries
from cooccur.ingest import ingest_paths
from cooccur.store import Store
from cooccur.tag import tag_pending

# The tagging stage's tables, as its helper defines them; created here when absent.
THEMES = (
    "create table if not exists themes (article_id varchar, sentence_id integer, theme varchar)"
)
ARTICLE_ENTITIES = (
    "create table if not exists article_entities (article_id varchar, entity_id integer, "
    "n_mentions integer, salience double, focus boolean)"
)


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """Three articles: a1 and a2 from JSON Lines, a3 from a text file."""
    records = [
        {"id": "a1", "date": "2025-04-01",
         "text": "Italy and France signed a defence pact. Germany watched."},
        {"id": "a2", "date": "2025-04-02", "text": "Italy, France and Germany met in Rome."},
    ]  # fmt: skip
    (tmp_path / "news.jsonl").write_text("\n".join(json.dumps(r) for r in records), "utf-8")
    (tmp_path / "a3.txt").write_text(
        "date 2025-04-03\nGermany and Spain discussed trade.\n", "utf-8"
    )
    path = tmp_path / "small.duckdb"
    with Store(path) as store:
        ingest_paths(store, [tmp_path / "news.jsonl", tmp_path / "a3.txt"])
        tag_pending(store, load_countries())
        compute_tables(store)
    return path


def _article(store: Store, prefix: str) -> str:
    return store.scalar("select article_id from articles where text like ?", [prefix + "%"])


def _entity(store: Store, name: str) -> int:
    return store.scalar("select entity_id from entities where name = ?", [name])


def _pairs(frame: pl.DataFrame, context: str) -> dict[tuple[str, str], tuple[int, int]]:
    part = frame.filter(pl.col("bucket") == "month", pl.col("context") == context)
    return {
        tuple(sorted((a, b))): (n, total)
        for a, b, n, total in part.select("name_a", "name_b", "n", "n_contexts").rows()
    }


CONFIG = AnalyticsConfig(buckets=("month",))


def test_theme_filter_counts_only_tagged_articles_and_sentences(small_db: Path) -> None:
    with Store(small_db) as store:
        store.execute(THEMES)
        store.execute("delete from themes")  # this test decides what is about defence
        a1, a3 = _article(store, "Italy and France"), _article(store, "Germany and Spain")
        # a1: only its first sentence is about defence; a3: the whole article (null sentence)
        store.execute(
            "insert into themes (article_id, sentence_id, theme, n_hits, keywords) "
            "values (?, 1, 'defense', 1, 'drone'), (?, null, 'defense', 1, 'drone')",
            [a1, a3],
        )
        frame = count_pairs(store, CONFIG, PairFilter(theme="defense"))
    assert _pairs(frame, "document") == {
        ("France", "Italy"): (1, 2),
        ("France", "Germany"): (1, 2),
        ("Germany", "Italy"): (1, 2),
        ("Germany", "Spain"): (1, 2),
    }
    # sentences: a1's first sentence and a3's only sentence
    assert _pairs(frame, "sentence") == {("France", "Italy"): (1, 2), ("Germany", "Spain"): (1, 2)}


def test_source_filter_by_format_or_path_glob(small_db: Path) -> None:
    with Store(small_db, read_only=True) as store:
        by_format = count_pairs(store, CONFIG, PairFilter(source="text"))
        by_glob = count_pairs(store, CONFIG, PairFilter(source="*.jsonl"))
    assert _pairs(by_format, "document") == {("Germany", "Spain"): (1, 1)}
    assert _pairs(by_glob, "document")[("France", "Italy")] == (2, 2)
    assert ("Germany", "Spain") not in _pairs(by_glob, "document")


def test_focus_filter_counts_focus_entities_only(small_db: Path) -> None:
    with Store(small_db) as store:
        store.execute(ARTICLE_ENTITIES)
        store.execute("delete from article_entities")  # this test decides what is in focus
        a1, a2 = _article(store, "Italy and France"), _article(store, "Italy, France")
        italy, france, germany = (_entity(store, n) for n in ("Italy", "France", "Germany"))
        store.execute(
            "insert into article_entities values (?, ?, 1, 1.0, true), (?, ?, 1, 1.0, true), "
            "(?, ?, 1, 0.1, false), (?, ?, 1, 1.0, true), (?, ?, 1, 1.0, true)",
            [a1, italy, a1, france, a1, germany, a2, italy, a2, germany],
        )
        frame = count_pairs(store, CONFIG, PairFilter(focus=True))
    # every article still counts in N; only focus entities pair up
    assert _pairs(frame, "document") == {("France", "Italy"): (1, 3), ("Germany", "Italy"): (1, 3)}


@pytest.mark.slow
def test_kind_filter_selects_pairs_of_two_kinds(small_db: Path) -> None:
    with Store(small_db) as store:
        store.execute(
            "insert into entities (key, name, kind) values ('person:guido crosetto', "
            "'Guido Crosetto', 'person')"
        )
        a2 = _article(store, "Italy, France")
        person = _entity(store, "Guido Crosetto")
        store.execute(
            "insert into mentions values (?, ?, 1, 30, 34, 'Rome')", [a2, person]
        )  # a person in a2, for the test
        frame = count_pairs(store, CONFIG, PairFilter(kinds=("person", "country")))
        stored = compute_tables(store, CONFIG, full=True)
        kinds = store.query("select distinct kind_a, kind_b from cooccurrence order by all").rows()
    assert set(_pairs(frame, "document")) == {
        ("France", "Guido Crosetto"),
        ("Germany", "Guido Crosetto"),
        ("Guido Crosetto", "Italy"),
    }
    assert stored["cooccurrence_rows"] > 0
    assert ("country", "person") in kinds or ("person", "country") in kinds


def test_missing_tagging_tables_fail_clearly(small_db: Path) -> None:
    with Store(small_db) as store:
        store.execute("drop table themes")  # as in a database made before themes existed
        with pytest.raises(SettingsError, match="themes"):
            count_pairs(store, CONFIG, PairFilter(theme="defense"))


@pytest.mark.slow
def test_sentence_tone_is_vader_compound_and_pair_tone_its_mean(reuters_db: Path) -> None:
    analyzer = SentimentIntensityAnalyzer()
    with Store(reuters_db, read_only=True) as store:
        needed = store.scalar(
            "select count(*) from (select article_id, sentence_id from mentions "
            "group by all having count(distinct entity_id) >= 2)"
        )
        scored = store.query(
            "select t.compound::double as compound, s.sentence_id, s.start_char, s.end_char, "
            "a.title, a.text from sentence_tone t join sentences s using (article_id, sentence_id) "
            "join articles a using (article_id) order by t.article_id, t.sentence_id"
        )
        japan, usa = _entity(store, "Japan"), _entity(store, "United States")
        tone_mean, tone_n = store.query(
            "select tone_mean, tone_n from cooccurrence where bucket = 'month' "
            "and bucket_start = date '1987-03-01' and context = 'document' "
            "and entity_a = ? and entity_b = ?",
            [min(japan, usa), max(japan, usa)],
        ).row(0)
        both = store.query(
            "select t.compound::double as compound from sentence_tone t "
            "join articles a using (article_id) "
            "where date_trunc('month', a.published_at) = date '1987-03-01' and "
            "(t.article_id, t.sentence_id) in (select article_id, sentence_id from mentions "
            "where entity_id in (?, ?) group by all having count(distinct entity_id) = 2)",
            [japan, usa],
        )["compound"]
    assert scored.height == needed
    for row in scored.sample(40, seed=1).iter_rows(named=True):
        body = row["title"] if row["sentence_id"] == 0 else row["text"]
        sentence = body[row["start_char"] : row["end_char"]]
        assert row["compound"] == round(analyzer.polarity_scores(sentence)["compound"], 4)
    assert tone_n == both.len() > 10
    assert tone_mean == pytest.approx(both.mean(), abs=1e-12)


@pytest.mark.slow
def test_pair_timeline_rolls_over_three_buckets(reuters_db: Path) -> None:
    with Store(reuters_db, read_only=True) as store:
        japan, usa = sorted((_entity(store, "Japan"), _entity(store, "United States")))
        timeline = store.query(
            "select * from pair_timeline where bucket = 'week' and context = 'document' "
            "and entity_a = ? and entity_b = ? order by bucket_start",
            [japan, usa],
        )
        rows = store.query(
            "select bucket_start, n from cooccurrence where bucket = 'week' "
            "and context = 'document' and entity_a = ? and entity_b = ?",
            [japan, usa],
        )
    weekly = dict(rows.rows())
    assert timeline.height == len(weekly) > 3
    for row in timeline.iter_rows(named=True):
        start = row["bucket_start"]
        expected = sum(weekly.get(start - timedelta(weeks=w), 0) for w in range(3))
        assert row["n_rolling"] == expected
        n, na, nb, total = (
            row[c] for c in ("n_rolling", "n_a_rolling", "n_b_rolling", "n_contexts_rolling")
        )
        pmi = math.log(n * total / (na * nb))
        assert row["npmi_rolling"] == pytest.approx(pmi / -math.log(n / total), abs=1e-12)


@pytest.mark.slow
def test_entity_timeline_compares_with_the_previous_bucket(reuters_db: Path) -> None:
    with Store(reuters_db, read_only=True) as store:
        usa = _entity(store, "United States")
        frame = store.query(
            "select bucket_start, share_of_articles, previous_share, share_change "
            "from entity_timeline where bucket = 'week' and entity_id = ? order by 1",
            [usa],
        )
    shares = dict(zip(frame["bucket_start"], frame["share_of_articles"], strict=True))
    first, *rest = frame.iter_rows(named=True)
    assert first["previous_share"] is None  # nothing before the first week
    for row in rest:
        previous = shares.get(row["bucket_start"] - timedelta(weeks=1))
        if previous is not None:
            assert row["previous_share"] == pytest.approx(previous, abs=1e-15)
            assert row["share_change"] == pytest.approx(row["share_of_articles"] - previous)


@pytest.mark.slow
def test_pair_changes_z_scores_follow_their_definition(reuters_db: Path) -> None:
    with Store(reuters_db, read_only=True) as store:
        changes = store.query(
            "select * from pair_changes where bucket = 'week' and context = 'document' "
            "and bucket_start = date '1987-04-06' order by abs(z_n) desc limit 5"
        )
        history = store.query(
            "select bucket_start, entity_a, entity_b, n, npmi from cooccurrence "
            "where bucket = 'week' and context = 'document'"
        )
        weeks = store.query(
            "select bucket_start from bucket_totals where bucket = 'week' "
            "and context = 'document' and bucket_start < date '1987-04-06' "
            "and bucket_start >= date '1987-04-06' - interval 4 week"
        )["bucket_start"].to_list()
    assert changes.height == 5 and len(weeks) == 4
    for row in changes.iter_rows(named=True):
        past = history.filter(
            pl.col("entity_a") == row["entity_a"],
            pl.col("entity_b") == row["entity_b"],
            pl.col("bucket_start").is_in(weeks),
        )
        counts = past["n"].to_list() + [0] * (len(weeks) - past.height)
        mean = sum(counts) / len(counts)
        sd = math.sqrt(sum((c - mean) ** 2 for c in counts) / len(counts))
        assert row["z_n"] == pytest.approx((row["n"] - mean) / max(sd, 1.0), abs=1e-9)
        if past.height >= 2 and row["npmi"] is not None:
            npmis = past["npmi"].to_list()
            m = sum(npmis) / len(npmis)
            s = math.sqrt(sum((x - m) ** 2 for x in npmis) / len(npmis))
            assert row["z_npmi"] == pytest.approx((row["npmi"] - m) / max(s, 0.05), abs=1e-9)


@pytest.mark.slow
def test_pair_changes_holds_every_supported_pair_of_every_week(reuters_db: Path) -> None:
    """The view's rows against the definition computed here in Polars: every pair named in
    a week or in the 4 calendar weeks before it that have articles, whose count in the week
    or in one of those reaches 3, with its z-score of counts."""
    with Store(reuters_db, read_only=True) as store:
        view = store.query(
            "select bucket_start, entity_a, entity_b, z_n from pair_changes "
            "where bucket = 'week' and context = 'document'"
        )
        counts = store.query(
            "select bucket_start, entity_a, entity_b, n from cooccurrence_counts "
            "where bucket = 'week' and context = 'document'"
        )
        weeks = store.query(
            "select bucket_start from bucket_totals where bucket = 'week' and context = 'document'"
        )["bucket_start"].to_list()
    week = pl.DataFrame({"week": weeks})
    before = week.join(week.rename({"week": "before"}), how="cross").filter(
        pl.col("before") < pl.col("week"), pl.col("before") >= pl.col("week") - timedelta(weeks=4)
    )
    size = before.group_by("week").agg(pl.len().alias("buckets"))
    now = counts.rename({"bucket_start": "week"})
    past = (
        counts.join(before, left_on="bucket_start", right_on="before")
        .group_by("week", "entity_a", "entity_b")
        .agg(
            pl.col("n").sum().alias("sum"),
            (pl.col("n") ** 2).sum().alias("sum2"),
            pl.col("n").max().alias("max"),
        )
    )
    rows = (
        now.join(past, on=["week", "entity_a", "entity_b"], how="full", coalesce=True)
        .join(size, on="week")
        .with_columns(pl.col("n", "sum", "sum2", "max").fill_null(0))
        .filter(pl.max_horizontal("n", "max") >= 3)
        .with_columns(mean=pl.col("sum") / pl.col("buckets"))
        .with_columns(sd=(pl.col("sum2") / pl.col("buckets") - pl.col("mean") ** 2).clip(0).sqrt())
    )
    expected = {
        (w, a, b): (n - mean) / max(sd, 1.0)
        for w, a, b, n, mean, sd in rows.select(
            "week", "entity_a", "entity_b", "n", "mean", "sd"
        ).iter_rows()
    }
    got = {(w, a, b): z for w, a, b, z in view.iter_rows()}
    assert len(expected) > 1000 and got.keys() == expected.keys()
    assert all(got[key] == pytest.approx(z, abs=1e-9) for key, z in expected.items())


@pytest.mark.slow
def test_pair_evidence_marks_both_entities_in_each_sentence(reuters_db: Path) -> None:
    with Store(reuters_db, read_only=True) as store:
        italy, turkey = sorted((_entity(store, "Italy"), _entity(store, "Turkey")))
        evidence = store.query(
            "select e.*, a.text from pair_evidence e join articles a using (article_id) "
            "where entity_a = ? and entity_b = ? "
            "and bucket_start_of('month', e.published_at) = date '2025-04-01'",
            [italy, turkey],
        )
        n_sentences = store.scalar(
            "select n from cooccurrence where bucket = 'month' and context = 'sentence' "
            "and bucket_start = date '2025-04-01' and entity_a = ? and entity_b = ?",
            [italy, turkey],
        )
    assert evidence.height == n_sentences
    for row in evidence.iter_rows(named=True):
        assert row["snippet"].count("**") >= 4
        assert row["snippet"].replace("**", "") in row["text"]


@pytest.mark.slow
def test_top_pairs_ranks_within_bucket_and_context(reuters_db: Path) -> None:
    with Store(reuters_db, read_only=True) as store:
        top = store.query(
            "select * from top_pairs where bucket = 'all' and context = 'document' "
            "and rank_npmi = 1"
        )
        best = store.scalar(
            "select max(npmi) from cooccurrence where bucket = 'all' "
            "and context = 'document' and n >= 5"
        )
    assert top.height >= 1 and top["npmi"][0] == best
