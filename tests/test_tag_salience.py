"""Datelines and focus: what a story is about, on real Reuters stories and the seed."""

from __future__ import annotations

import polars as pl
import pytest

from cooccur.gazetteer import Gazetteer, load_gazetteer
from cooccur.normalize import normalize_text
from cooccur.salience import SalienceModel, article_entities, find_dateline
from cooccur.tagger import Tagger, tag_articles


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.parametrize(
    ("text", "place", "country"),
    [
        ("LONDON, March 3 - Hillsdown Holdings Plc said", "LONDON", "country:GBR"),
        # a US state abbreviation means the USA, whatever the town
        ("PASADENA, Calif., Feb 26 - Avery said its board", "PASADENA, Calif.", "country:USA"),
        ("OLD GREENWHICH, Conn, March 20 - Electronic Mail", "OLD GREENWHICH, Conn", "country:USA"),
        ("MURDOCHVILLE, Quebec, April 3 - Noranda Inc said", "MURDOCHVILLE, Quebec", "country:CAN"),
        # the region wins over a same-named city elsewhere (San José, Costa Rica)
        ("SAN JOSE, Calif., March 31 - Corvus Systems", "SAN JOSE, Calif.", "country:USA"),
        ("MUNICH, West Germany, March 26 - Siemens AG", "MUNICH, West Germany", "country:DEU"),
        ("****NEW YORK, March 25 - Turkey bought", "NEW YORK", "country:USA"),
        ("ANKARA (Reuters) - Turkey said", "ANKARA", "country:TUR"),
        ("Kansas City, April 7 - The following cash", "Kansas City", "country:USA"),
    ],
)
def test_datelines(gazetteer: Gazetteer, text: str, place: str, country: str) -> None:
    dateline = find_dateline(text, gazetteer)
    assert dateline is not None
    assert (dateline.place, dateline.country_key) == (place, country)


def test_no_dateline_in_ordinary_sentences(gazetteer: Gazetteer) -> None:
    assert find_dateline("Minister of Defense, Guido Crosetto, today has paid", gazetteer) is None
    assert find_dateline("The visit comes - as expected - at a time", gazetteer) is None


def _focus(gazetteer: Gazetteer, rows: list[dict]) -> dict[str, set[str]]:
    frame = pl.DataFrame(rows).with_columns(normalize_text("text"))
    result = tag_articles(frame, Tagger(gazetteer), gazetteer=gazetteer)
    scored = article_entities(result.mentions, result.articles, gazetteer, SalienceModel.load())
    focus: dict[str, set[str]] = {}
    for article_id, key in scored.filter("focus").select("article_id", "entity_key").iter_rows():
        focus.setdefault(article_id, set()).add(key)
    return focus


def test_focus_countries_of_real_stories(gazetteer: Gazetteer) -> None:
    rows = [
        {  # reuters-214: US company news; the USA is never named, the dateline says it
            "article_id": "a",
            "title": "AVERY <AVY> SETS TWO FOR ONE STOCK SPLIT",
            "text": "PASADENA, Calif., Feb 26 - Avery said its board authorizerd\na two for "
            "one stock split, an increased dividend and plans to offer\nshares.",
        },
        {  # reuters-1952: Taiwan buys from the U.S.; gold is Taiwan alone
            "article_id": "b",
            "title": "TAIWAN BUYS 60,000 TONNES OF U.S. MAIZE",
            "text": "TAIPEI, March 5 - The joint committee of Taiwan's maize importers has "
            "awarded contracts to two U.S. Companies to supply 60,000 tonnes of maize.",
        },
        {  # a currency is not a country the story is about
            "article_id": "c",
            "title": "CHUAN HUP ISSUES 28 MLN DLR FRN",
            "text": "SINGAPORE, March 31 - <Chuan Hup Holdings Ltd> said it has signed a 28 "
            "mln U.S. Dlr guaranteed floating rate note due 1990 with a group of banks.",
        },
    ]
    focus = _focus(gazetteer, rows)
    assert focus["a"] == {"country:USA"}
    assert "country:TWN" in focus["b"]
    assert focus["c"] == {"country:SGP"}


def test_historic_country_by_date(gazetteer: Gazetteer) -> None:
    # Moscow in 1987 is the Soviet Union's capital, in 2020 Russia's
    text = "MOSCOW, March 3 - The government said grain output rose, Moscow officials said."
    for day, expected in (("1987-03-03", "country:SUN"), ("2020-03-03", "country:RUS")):
        rows = [{"article_id": "m", "title": None, "text": text, "published_at": day}]
        frame = pl.DataFrame(rows).with_columns(pl.col("published_at").str.to_datetime())
        result = tag_articles(frame, Tagger(gazetteer), gazetteer=gazetteer)
        assert result.articles["dateline_country"].to_list() == [expected]


def test_article_entities_come_sorted_whatever_the_group_bys_did(
    gazetteer: Gazetteer, reuters_file
) -> None:
    # Polars' group-bys give their rows in an order that changes from run to run; the rows
    # written (and the shards the flow caches) must not
    stories = pl.read_ndjson(reuters_file, n_rows=400).select(
        pl.col("id").cast(pl.String).alias("article_id"),
        "title",
        "text",
        pl.col("date").str.to_datetime(strict=False).alias("published_at"),
    )
    result = tag_articles(stories, Tagger(gazetteer), gazetteer=gazetteer)
    scored = article_entities(result.mentions, result.articles, gazetteer, SalienceModel.load())
    assert scored.height > 400
    assert scored.equals(scored.sort("article_id", "entity_key"))
