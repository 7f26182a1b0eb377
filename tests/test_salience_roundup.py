"""Round-up stories: enumeration features, and the article-level model that lowers the
countries' threshold in a story about many countries at once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from cooccur.gazetteer import Gazetteer, load_gazetteer
from cooccur.normalize import normalize_text
from cooccur.salience import (
    FEATURES,
    ROUNDUP_FEATURES,
    RoundupModel,
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


def test_roundup_lowers_the_countries_threshold_only_in_roundups(rows: pl.DataFrame) -> None:
    # a toy model: salience grows with mentions; the round-up score with the share of
    # sentences naming three or more countries
    base = SalienceModel({"log_mentions": 3.0}, -3.0, 0.6)
    without = _focus(rows, base)
    assert "country:FRA" not in without.get("g7", set())  # each member named once
    roundup = RoundupModel({"art_multi3": 10.0}, -5.0, 0.5, 0.0, 3)
    with_roundup = _focus(rows, replace(base, roundup=roundup))
    members = {f"country:{c}" for c in ("GBR", "CAN", "FRA", "ITA", "JPN", "USA", "DEU")}
    assert with_roundup["g7"] == members
    # the Japanese story has two candidates and no sentence naming three: unchanged
    assert with_roundup.get("jp") == without.get("jp")


def test_model_round_trip_keeps_roundup_and_country_threshold(tmp_path: Path) -> None:
    model = SalienceModel(
        {"in_title": 1.0}, -1.0, 0.44, RoundupModel({"art_multi": 2.0}, -1.0, 0.4, 0.2, 3), 0.38
    )
    model.save(tmp_path / "m.json", fitted_on="test")
    assert SalienceModel.load(tmp_path / "m.json") == model
    bundled = SalienceModel.load()
    assert bundled.roundup is not None and bundled.country_threshold is not None
    assert set(bundled.weights) == set(FEATURES)
    assert set(bundled.roundup.weights) == set(ROUNDUP_FEATURES)
