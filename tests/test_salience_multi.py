"""Stories about many countries at once: enumeration features, and the multi-country model
that decides the focus countries of a story with three or more candidates."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from cooccur.gazetteer import Gazetteer, load_gazetteer
from cooccur.normalize import normalize_text
from cooccur.salience import (
    FEATURES,
    MULTI_FEATURES,
    MultiCountryModel,
    SalienceModel,
    evidence,
    features,
    score,
)
from cooccur.tagger import Tagger, tag_articles

ROUNDUP = (  # reuters-15375 style: the G-7 statement names every member in one list
    "PARIS, April 8 - Finance ministers of Britain, Canada, France, Italy, Japan, the U.S. "
    "and West Germany said they would cooperate closely to foster exchange rate stability."
)
SINGLE = (  # one country's story citing another once
    "TOKYO, April 8 - Japan's exports rose in March, the finance ministry said. Japan "
    "expects exports to keep rising. Japanese exporters said U.S. demand was strong."
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def rows(gazetteer: Gazetteer) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "article_id": ["g7", "jp"],
            "title": ["G-7 ISSUES STATEMENT AFTER MEETING", "JAPAN EXPORTS RISE"],
            "text": [ROUNDUP, SINGLE],
        }
    ).with_columns(normalize_text("text"))
    result = tag_articles(frame, Tagger(gazetteer), gazetteer=gazetteer)
    return features(evidence(result.mentions, result.articles, gazetteer))


def test_enumeration_and_article_shape_features(rows: pl.DataFrame) -> None:
    countries = rows.filter(pl.col("kind") == "country")
    g7 = countries.filter(pl.col("article_id") == "g7")
    # seven members in one list, in one sentence: each is in a list of seven
    assert g7.height == 7
    assert g7["list_size"].round(4).unique().to_list() == [round(8.0**0 * 2.0794, 4)]
    assert g7["art_max_per_sentence"].round(4).unique().to_list() == [2.0794]  # log1p(7)
    # France is the dateline country, and it is in the list: the list has an anchor
    assert g7["list_with_anchor"].all()
    jp = countries.filter(pl.col("article_id") == "jp")
    assert jp["list_size"].to_list() == [0.0] * jp.height


def _focus(rows: pl.DataFrame, model: SalienceModel) -> dict[str, set[str]]:
    scored = score(rows, model).filter("focus")
    found: dict[str, set[str]] = {}
    for article_id, key in scored.select("article_id", "entity_key").iter_rows():
        found.setdefault(article_id, set()).add(key)
    return found


def test_multi_country_model_decides_only_in_stories_of_several_countries(
    rows: pl.DataFrame,
) -> None:
    # a toy model: salience grows with mentions, so seven members named once each fall
    # short; the multi-country model reads the share of sentences naming three or more
    base = SalienceModel({"log_mentions": 3.0}, -3.0, 0.6)
    without = _focus(rows, base)
    assert "country:FRA" not in without.get("g7", set())
    multi = MultiCountryModel({"art_multi3": 10.0, "salience_rank": -1.0}, -5.0, 0.5, 3)
    with_multi = _focus(rows, replace(base, multi_country=multi))
    members = {f"country:{c}" for c in ("GBR", "CAN", "FRA", "ITA", "JPN", "USA", "DEU")}
    assert with_multi["g7"] == members
    # the Japanese story has two candidate countries: the first model still decides
    assert with_multi.get("jp") == without.get("jp")
    # people and organisations are never decided by it
    none = MultiCountryModel({}, 10.0, 0.5, 1)
    everything = _focus(rows, replace(base, multi_country=none))
    assert all(k.startswith("country:") for k in everything["g7"] - without.get("g7", set()))


def test_model_round_trip_keeps_the_multi_country_model(tmp_path: Path) -> None:
    model = SalienceModel(
        {"in_title": 1.0}, -1.0, 0.44, MultiCountryModel({"art_multi": 2.0}, -1.0, 0.34, 3), 0.38
    )
    model.save(tmp_path / "m.json", fitted_on="test")
    assert SalienceModel.load(tmp_path / "m.json") == model
    bundled = SalienceModel.load()
    assert bundled.multi_country is not None and bundled.country_threshold is not None
    assert set(bundled.weights) == set(FEATURES)
    assert set(bundled.multi_country.weights) == set(MULTI_FEATURES)


def test_where_a_country_stands_among_the_candidates(rows: pl.DataFrame) -> None:
    from cooccur.salience import salience_spread

    model = SalienceModel({"log_mentions": 1.0}, 0.0, 0.5)
    jp = (
        score(rows, model)
        .join(rows.select("article_id", "entity_key", "kind"), on=["article_id", "entity_key"])
        .filter((pl.col("article_id") == "jp") & (pl.col("kind") == "country"))
        .with_columns(salience_spread())
        .sort("salience", descending=True)
    )
    # Japan, named three times, leads; the U.S., named once, is last of two
    assert jp["entity_key"].to_list() == ["country:JPN", "country:USA"]
    assert jp["salience_rank"].to_list() == [0.0, 1.0]
    assert jp["salience_ratio"][0] == 1.0 and jp["salience_ratio"][1] < 1.0
    assert jp["art_third_salience"].to_list() == [0.0, 0.0]  # no third candidate
