"""The seed article end to end: the entities and theme an analyst expects from it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from cooccur.gazetteer import load_gazetteer
from cooccur.ingest import ingest_paths
from cooccur.store import Store
from cooccur.tag import TagOptions, tag_pending


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seed.duckdb"
    with Store(path) as store:
        ingest_paths(store, [seed_dir])
        tag_pending(store, load_gazetteer(), options=TagOptions())
    return path


def test_seed_entities(seed_db: Path) -> None:
    with Store(seed_db, read_only=True) as store:
        found = store.query(
            "select e.key, ae.n_mentions, ae.focus from article_entities as ae "
            "join entities as e using (entity_id)"
        )
        surfaces = store.query(
            "select e.key, list(distinct m.surface order by m.surface) as surfaces "
            "from mentions as m join entities as e using (entity_id) group by e.key"
        )
    focus = set(found.filter("focus")["key"])
    assert {
        "country:ITA",
        "country:TUR",
        "person:guido crosetto",
        "person:recep tayyip erdogan",
        "person:yasar guler",
    } <= focus
    # the two companies are found; Leonardo, named once, is not what the story is about
    assert {"org:leonardo", "org:baykar"} <= set(found["key"])
    spelled = dict(surfaces.iter_rows())
    # one person for all spellings: 'Yasar GULER' then 'Guller' twice
    assert spelled["person:yasar guler"] == ["Guller", "Yasar GULER"]
    # the short form links to the full name seen earlier, the plural too
    assert spelled["person:guido crosetto"] == ["Crosetto", "Crosettos", "Guido Crosetto"]
    assert spelled["country:TUR"] == ["Trkiye", "Turkey", "Turkish"]
    # nobody else: no stray person from 'Indo-Pacific', 'Akinci' or 'Liendin'
    assert {k for k in spelled if k.startswith("person:")} == {
        "person:guido crosetto",
        "person:recep tayyip erdogan",
        "person:yasar guler",
    }


def test_seed_defense_theme_on_the_leonardo_baykar_sentences(seed_db: Path) -> None:
    with Store(seed_db, read_only=True) as store:
        baykar = store.query(
            "select distinct m.sentence_id from mentions as m join entities as e "
            "using (entity_id) where e.key = 'org:baykar'"
        )["sentence_id"].to_list()
        themes = store.query("select sentence_id, theme, keywords from themes")
    defense = themes.filter(pl.col("theme") == "defense")
    # 'joint production of advanced drones', 'the broader context … in the defense,
    # security and space sectors', 'cooperation … in the defense industry'
    baykar_defense = set(defense["sentence_id"]) & set(baykar)
    assert len(baykar_defense) >= 2
    assert {"drones", "defense"} <= set(";".join(defense["keywords"]).split(";"))
    assert "diplomacy" in set(themes["theme"])


def test_every_baykar_sentence_is_defense(seed_db: Path) -> None:
    with Store(seed_db, read_only=True) as store:
        baykar = store.query(
            "select distinct m.sentence_id from mentions as m join entities as e "
            "using (entity_id) where e.key = 'org:baykar'"
        )["sentence_id"].to_list()
        sentences = store.query(
            "select s.sentence_id, substr(a.text, s.start_char + 1, s.end_char - s.start_char)"
            " as sentence from sentences as s join articles as a using (article_id)"
        )
        defense = store.query("select sentence_id, keywords from themes where theme = 'defense'")
    # 'the memorandum of understanding signed between Leonardo and Baykar on March 6'
    # names no weapon: Baykar, a drone maker, is what makes it a defence sentence
    memorandum = sentences.filter(pl.col("sentence").str.contains("memorandum of understanding"))
    assert memorandum.height == 1
    assert memorandum["sentence_id"][0] in set(baykar)
    assert len(baykar) >= 3
    assert set(baykar) <= set(defense["sentence_id"])
    keywords = dict(defense.iter_rows())
    assert "baykar" in keywords[memorandum["sentence_id"][0]].split(";")


def test_memorandum_alone_is_not_defense_vocabulary() -> None:
    from cooccur.themes import ThemeTagger

    themes = ThemeTagger.load()
    # a trade memorandum stays out of the defence theme; a UAV maker's does not
    assert not [
        r
        for r in themes.tag("a", "", "A memorandum of understanding on wheat.", [0])
        if r[2] == "defense"
    ]
    rows = themes.tag("a", "", "Baykar signed a memorandum on UAVs.", [0])
    assert ("a", 1, "defense", 2, "baykar;uavs") in rows
