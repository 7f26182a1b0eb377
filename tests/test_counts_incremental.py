"""Incremental counts: adding articles recomputes only the buckets they touch, and the tables
end up identical to a full recompute."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cooccur.counts import AnalyticsConfig, SettingsError, compute_tables
from cooccur.gazetteer import load_countries
from cooccur.ingest import ingest_paths
from cooccur.store import SCHEMA_VERSION, Store
from cooccur.tag import TagOptions, tag_pending

# Gazetteer entities only: ids are then given up front, in key order, whatever the batches
# (entities the name rules discover get ids in the order they are met).
FIXED_IDS = TagOptions(name_rules=False)

TABLES = (
    "cooccurrence",
    "cooccurrence_counts",
    "entity_frequency",
    "bucket_totals",
    "entity_marginals",
    "pair_tone_sums",
    "bucket_articles",
    "entity_count_sums",
)
CONFIG = AnalyticsConfig(
    buckets=("day", "week", "month", "quarter", "year", "all"),
    contexts=("document", "paragraph", "sentence", "window"),
    window_k=5,
    ordered=True,
    min_support=2,
)
# every pair kept: new articles are added to the stored sums instead of recounted
ADDITIVE = AnalyticsConfig(
    buckets=("day", "week", "month", "quarter", "year", "all"),
    contexts=("document", "paragraph", "sentence", "window"),
    window_k=5,
    ordered=True,
)


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    return path


def _add(store: Store, source: Path, config: AnalyticsConfig) -> dict[str, int]:
    ingest_paths(store, [source])
    tag_pending(store, load_countries(), options=FIXED_IDS)
    return compute_tables(store, config)


def _snapshot(store: Store) -> dict[str, list[tuple]]:
    return {t: store.query(f"select * from {t} order by all").rows() for t in TABLES}


@pytest.mark.slow
@pytest.mark.parametrize("config", [CONFIG, ADDITIVE], ids=["min-support-2", "additive"])
def test_adding_articles_recomputes_touched_buckets_only_and_equals_full(
    tmp_path: Path, reuters_file: Path, config: AnalyticsConfig
) -> None:
    records = [json.loads(line) for line in reuters_file.read_text("utf-8").splitlines()[::12]]
    late = [r for i, r in enumerate(records) if r["date"] >= "1987-03-30" or i % 60 == 0]
    early = [r for r in records if r not in late]
    first = _write(tmp_path / "early.jsonl", early)
    second = _write(tmp_path / "late.jsonl", late)

    with Store(tmp_path / "incremental.duckdb") as store:
        assert _add(store, first, config)["full_recompute"] == 1
        summary = _add(store, second, config)
        incremental = _snapshot(store)
        kept = store.query(
            "select count(*) as n from bucket_updates where updated_at < "
            "(select max(updated_at) from bucket_updates)"
        ).item()
        total = store.scalar("select count(*) from bucket_updates")
        again = compute_tables(store, config)
    assert summary["full_recompute"] == 0
    assert summary["added_only"] == (config.min_support == 1)
    # some buckets were left alone: none of the new articles fall in them
    assert kept > 0 and summary["buckets_recomputed"] == total - kept
    assert again["buckets_recomputed"] == 0  # nothing new: nothing recomputed

    with Store(tmp_path / "full.duckdb") as store:
        ingest_paths(store, [first, second])
        tag_pending(store, load_countries(), options=FIXED_IDS)
        compute_tables(store, config)
        full = _snapshot(store)
    for table in TABLES:
        assert incremental[table] == full[table], table


def _as_table(store: Store, view: str) -> None:
    """Make a view the table it was before schema 7 (older databases hold the table)."""
    store.execute(f"create table old_{view} as select * from {view}")
    store.execute(f"drop view {view}")
    store.execute(f"alter table old_{view} rename to {view}")


def _untag_busiest(store: Store) -> str:
    """Remove the tags of the article with the most mentions (as a re-tag that found nothing
    in it would); returns its id."""
    victim = store.scalar(
        "select article_id from mentions group by 1 order by count(*) desc, 1 limit 1"
    )
    for table in ("mentions", "sentences", "tagged_articles"):
        store.execute(f"delete from {table} where article_id = ?", [victim])
    return victim


@pytest.mark.slow
def test_articles_whose_tags_vanish_are_uncounted(tmp_path: Path, reuters_file: Path) -> None:
    records = [json.loads(line) for line in reuters_file.read_text("utf-8").splitlines()[:400]]
    source = _write(tmp_path / "a.jsonl", records)
    with Store(tmp_path / "db.duckdb") as store:
        _add(store, source, CONFIG)
        victim = _untag_busiest(store)
        summary = compute_tables(store, CONFIG)
        incremental = _snapshot(store)
        compute_tables(store, CONFIG, full=True)
        assert _snapshot(store) == incremental
        still_counted = store.scalar(
            "select count(*) from counted_articles where article_id = ?", [victim]
        )
    assert summary["full_recompute"] == 0 and summary["buckets_recomputed"] > 0
    assert still_counted == 0


def test_changed_settings_force_a_full_recompute(tmp_path: Path, seed_dir: Path) -> None:
    with Store(tmp_path / "db.duckdb") as store:
        ingest_paths(store, [seed_dir])
        tag_pending(store, load_countries(), options=FIXED_IDS)
        assert compute_tables(store)["full_recompute"] == 1
        assert compute_tables(store)["full_recompute"] == 0
        changed = compute_tables(store, AnalyticsConfig(buckets=("day",)))
        assert changed["full_recompute"] == 1
        assert store.query("select distinct bucket from cooccurrence").rows() == [("day",)]
        settings = dict(store.query("select key, value from analytics_settings").rows())
    assert settings["buckets"] == "day" and settings["contexts"] == "document,sentence"


def test_a_database_with_the_old_cooccurrence_table_is_migrated_and_recounted(
    tmp_path: Path, seed_dir: Path
) -> None:
    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        ingest_paths(store, [seed_dir])
        tag_pending(store, load_countries(), options=FIXED_IDS)
        compute_tables(store)
        rows = _snapshot(store)["cooccurrence"]
        # schema 3: `cooccurrence` was a table of counts and measures
        store.execute("drop view cooccurrence")
        store.execute("create table cooccurrence as select * from cooccurrence_counts")
        store.execute("drop table cooccurrence_counts")
        _as_table(store, "entity_frequency")
        store.execute("update meta set value = '3' where key = 'schema_version'")
    with Store(path) as store:
        assert store.scalar("select count(*) from cooccurrence") == 0  # dropped, not trusted
        assert compute_tables(store)["full_recompute"] == 1
        assert _snapshot(store)["cooccurrence"] == rows


def test_bad_settings_fail_clearly() -> None:
    with pytest.raises(SettingsError, match="fortnight"):
        AnalyticsConfig(buckets=("fortnight",))
    with pytest.raises(SettingsError, match="window_k"):
        AnalyticsConfig(window_k=1)
    config = AnalyticsConfig.from_options({"buckets": "day, week", "min_support": None})
    assert config.buckets == ("day", "week") and config.min_support == 1


def test_a_schema_4_database_keeps_its_counts_and_still_adds_articles(
    tmp_path: Path, reuters_file: Path
) -> None:
    records = [json.loads(line) for line in reuters_file.read_text("utf-8").splitlines()[:60]]
    first = _write(tmp_path / "first.jsonl", records[::2])
    second = _write(tmp_path / "second.jsonl", records[1::2])
    path = tmp_path / "v4.duckdb"
    with Store(path) as store:
        _add(store, first, ADDITIVE)
        counted = _snapshot(store)
        # schema 4 kept a copy of cooccurrence_counts.n, row for row, and (until schema 6)
        # the marginals, N and tone sums in every row of cooccurrence_counts
        store.execute(
            "create table pair_count_sums as select bucket, bucket_start, context, "
            "entity_a, entity_b, n from cooccurrence_counts"
        )
        store.execute("create table wide as select * from cooccurrence_rows")
        store.execute("drop table cooccurrence_counts")
        store.execute("alter table wide rename to cooccurrence_counts")
        _as_table(store, "entity_frequency")
        store.execute("update meta set value = '4' where key = 'schema_version'")
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 7
        assert not store.scalar(
            "select count(*) from duckdb_tables() where table_name = 'pair_count_sums'"
        )
        columns = store.query("describe cooccurrence_counts")["column_name"].to_list()
        assert columns == ["bucket", "bucket_start", "context", "entity_a", "entity_b", "n"]
        assert _snapshot(store) == counted  # the counts are kept, not recounted
        summary = _add(store, second, ADDITIVE)
        incremental = _snapshot(store)
    assert summary["full_recompute"] == 0 and summary["added_only"] == 1

    with Store(tmp_path / "full.duckdb") as store:
        ingest_paths(store, [first, second])
        tag_pending(store, load_countries(), options=FIXED_IDS)
        compute_tables(store, ADDITIVE)
        assert _snapshot(store) == incremental


@pytest.mark.slow
def test_a_full_count_after_tags_vanish_equals_a_fresh_database(
    tmp_path: Path, reuters_file: Path
) -> None:
    # a full count keeps `counted_articles` and changes only the rows that differ: the
    # article whose tags are gone leaves it, and every table equals a database that never
    # counted that article
    records = [json.loads(line) for line in reuters_file.read_text("utf-8").splitlines()[:120]]
    source = _write(tmp_path / "a.jsonl", records)
    with Store(tmp_path / "db.duckdb") as store:
        _add(store, source, ADDITIVE)
        victim = _untag_busiest(store)
        summary = compute_tables(store, ADDITIVE, full=True)
        recounted = _snapshot(store)
        counted = store.query("select * from counted_articles order by all").rows()
        tagged = store.scalar("select count(*) from tagged_articles")
    with Store(tmp_path / "fresh.duckdb") as store:
        _add(store, _write(tmp_path / "b.jsonl", records), ADDITIVE)
        for table in ("mentions", "sentences", "tagged_articles"):
            store.execute(f"delete from {table} where article_id = ?", [victim])
        store.execute("delete from counted_articles")  # as if never counted
        compute_tables(store, ADDITIVE, full=True)
        assert _snapshot(store) == recounted
        assert store.query("select * from counted_articles order by all").rows() == counted
    assert summary["full_recompute"] == 1
    assert victim not in {row[0] for row in counted} and len(counted) == tagged
