"""Each alias rule of the gazetteer, on sentences from the seed article and Reuters."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooccur.gazetteer import GazetteerError, load_gazetteer
from cooccur.tagger import Tagger


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(load_gazetteer())


def keys(tagger: Tagger, text: str) -> list[str]:
    return [m.entity_key for m in tagger.find(text)]


def test_spellings_with_and_without_diacritics(tagger: Tagger) -> None:
    # seed article: machine translation drops the ü of Türkiye
    text = "In a rapidly evolving world, the relationship between Italy and Trkiye is intended"
    assert keys(tagger, text) == ["country:ITA", "country:TUR"]
    assert keys(tagger, "Türkiye and Turkiye") == ["country:TUR", "country:TUR"]


def test_demonyms_plural_and_compound_forms(tagger: Tagger) -> None:
    # seed: 'the Italian-Turkey intergovernmental summit'; Reuters compounds
    assert keys(tagger, "the Italian-Turkey intergovernmental summit") == [
        "country:ITA",
        "country:TUR",
    ]
    assert keys(tagger, "under a 1984 Sino-British agreement") == ["country:CHN", "country:GBR"]
    assert keys(tagger, "a Franco-German candidate to take over") == [
        "country:FRA",
        "country:DEU",
    ]
    assert keys(tagger, "MMC Sittipol is a Thai-Japanese joint venture") == [
        "country:THA",
        "country:JPN",
    ]
    assert keys(tagger, "Turco-Italian talks; Italians and Turks") == [
        "country:TUR",
        "country:ITA",
        "country:ITA",
        "country:TUR",
    ]


def test_historic_names(tagger: Tagger) -> None:
    # Reuters 1987: 'Vorontsov said Soviet-American talks on cutting medium-range'
    assert keys(tagger, "Vorontsov said Soviet-American talks on cutting") == [
        "country:SUN",
        "country:USA",
    ]
    assert keys(tagger, "West German exports to the U.S. fell") == ["country:DEU", "country:USA"]


def test_capitals_and_cities_are_places_of_their_country(tagger: Tagger) -> None:
    gazetteer = load_gazetteer()
    found = keys(tagger, "paid an official visit to Ankara, then Istanbul and Rome")
    assert found == ["place:ankara", "place:istanbul", "place:rome"]
    assert [gazetteer.country_of(k) for k in found] == ["TUR", "TUR", "ITA"]
    # a city name that is mostly a person's name is no place in running text
    assert keys(tagger, "Chairman Kenneth Douglas told analysts") == []


def test_organisations_and_acronyms(tagger: Tagger) -> None:
    text = "the memorandum of understanding signed between Leonardo and Baykar on March 6"
    assert keys(tagger, text) == ["org:leonardo", "org:baykar"]
    # an acronym matches its exact case only: 'the ec' is nothing, the EC is the Community
    assert keys(tagger, "EC ministers met the IMF") == [
        "org:european community",
        "org:international monetary fund",
    ]
    assert keys(tagger, "Bank of Japan intervened") == ["org:bank of japan"]


def test_user_gazetteer_csv_and_toml(tmp_path: Path) -> None:
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text(
        "name,kind,aliases\nGuido Crosetto,person,Crosetto\nSpezia,place,La Spezia\n"
        "Turkey,country,Turkiye Cumhuriyeti\n",
        encoding="utf-8",
    )
    toml_file = tmp_path / "mine.toml"
    toml_file.write_text(
        '[[entity]]\nname = "Akinci"\nkind = "org"\naliases = ["Bayraktar Akinci"]\n',
        encoding="utf-8",
    )
    gazetteer = load_gazetteer([csv_file, toml_file])
    tagger = Tagger(gazetteer)
    text = "Crosetto saw the Bayraktar Akinci in La Spezia; Turkiye Cumhuriyeti agreed."
    assert keys(tagger, text) == [
        "person:guido crosetto",
        "org:akinci",
        "place:spezia",
        "country:TUR",
    ]


def test_user_gazetteer_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.csv"
    path.write_text("name,kind,aliases\nAgenzia Nova,org,Nova News\n", encoding="utf-8")
    monkeypatch.setenv("COOCCUR_GAZETTEER", str(path))
    assert "org:agenzia nova" in load_gazetteer().entities


def test_bad_gazetteer_file_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("name,kind,aliases\nSomething,planet,\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="bad.csv, entry 2"):
        load_gazetteer([path])
    with pytest.raises(GazetteerError, match="not found"):
        load_gazetteer([tmp_path / "missing.toml"])
