"""The tag stage in the database: tables filled, options honoured, re-tagging on change."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ingest_reuters_subset

from cooccur.gazetteer import load_gazetteer
from cooccur.store import Store
from cooccur.tag import TagOptions, tag_pending


@pytest.fixture()
def small_db(tmp_path: Path, reuters_file: Path, seed_dir: Path) -> Path:
    """The seed and the first 300 Reuters stories (a temporary subset, not a copy)."""
    return ingest_reuters_subset(tmp_path, reuters_file, seed_dir)


@pytest.mark.slow
def test_tables_after_tagging(small_db: Path) -> None:
    with Store(small_db) as store:
        summary = tag_pending(store, load_gazetteer(), options=TagOptions())
        assert summary.articles_tagged == store.scalar("select count(*) from articles")
        # every article entity has its mentions counted, salience within [0, 1]
        bad = store.scalar(
            "select count(*) from article_entities "
            "where salience < 0 or salience > 1 or n_mentions < 0"
        )
        assert bad == 0
        # most stories carry a wire dateline, most of these a US one
        datelined = store.scalar(
            "select count(*) from datelines as d join entities as e "
            "on e.entity_id = d.country_entity_id where e.iso3 = 'USA'"
        )
        assert datelined > 100
        # a US story never naming the USA still has it as focus, through its dateline
        orphan_focus = store.scalar(
            "select count(*) from focus_countries as f where f.iso3 = 'USA' and not exists "
            "(select 1 from mentions as m where m.article_id = f.article_id "
            "and m.entity_id = f.entity_id)"
        )
        assert orphan_focus > 20
        assert store.scalar("select count(distinct theme) from themes") >= 5
        # entities found by the name rules are stored with an alias
        people = store.scalar(
            "select count(*) from entities as e join aliases as a using (entity_id) "
            "where e.kind = 'person'"
        )
        assert people >= 3


@pytest.mark.slow
def test_places_as_countries_and_retag_on_change(small_db: Path, tmp_path: Path) -> None:
    gazetteer = load_gazetteer()
    with Store(small_db) as store:
        tag_pending(store, gazetteer, options=TagOptions())
        places = store.scalar(
            "select count(*) from mentions join entities using (entity_id) where kind = 'place'"
        )
        assert places > 0
        summary = tag_pending(store, gazetteer, options=TagOptions(places_as_countries=True))
        assert summary.retagged_all
        assert summary.articles_tagged == store.scalar("select count(*) from articles")
        places = store.scalar(
            "select count(*) from mentions join entities using (entity_id) where kind = 'place'"
        )
        assert places == 0
        # a user gazetteer is a new tagger too; its entity is found
        extra = tmp_path / "extra.csv"
        extra.write_text("name,kind,aliases\nComissaria Smith,org,\n", encoding="utf-8")
        summary = tag_pending(store, load_gazetteer([extra]), options=TagOptions())
        assert summary.retagged_all
        assert store.scalar(
            "select count(*) from mentions join entities using (entity_id) "
            "where key = 'org:comissaria smith'"
        )
        # nothing new: nothing to do
        assert tag_pending(store, load_gazetteer([extra])).articles_tagged == 0
