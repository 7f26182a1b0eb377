from __future__ import annotations

import pytest

from cooccur.gazetteer import load_countries
from cooccur.tagger import Tagger


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(load_countries())


ENTITIES = load_countries().entities


def names(tagger: Tagger, text: str) -> list[str]:
    entities = ENTITIES
    return [entities[m.entity_key].name for m in tagger.find(text)]


def test_names_demonyms_and_spellings_resolve_to_one_country(tagger: Tagger) -> None:
    text = "Italy and Türkiye, the Italian-Turkish deal, Turkiye and Trkiye, Turkish firms."
    assert names(tagger, text) == [
        "Italy",
        "Turkey",
        "Italy",
        "Turkey",
        "Turkey",
        "Turkey",
        "Turkey",
    ]


def test_case_rules(tagger: Tagger) -> None:
    # a lowercase common word is not the country; an ALL-CAPS headline still is
    assert names(tagger, "They ate turkey and chad.") == []
    assert names(tagger, "TURKEY AND ITALY SIGN DEAL") == ["Turkey", "Italy"]
    # an acronym must match exactly: 'us' is a pronoun
    assert names(tagger, "The U.S. told us, the US said.") == ["United States", "United States"]


def test_whole_words_and_longest_match(tagger: Tagger) -> None:
    assert names(tagger, "Nigeria is not Niger; Omani is not Oman.")[:2] == ["Nigeria", "Niger"]
    assert names(tagger, "South Korea and Papua New Guinea") == ["South Korea", "Papua New Guinea"]
    assert names(tagger, "Latin American officials") == []  # a blocker phrase names nothing
    # a US state is a place of its own, not the island of Jersey
    assert names(tagger, "New Jersey officials") == ["New Jersey"]


def test_spans_point_at_the_surface(tagger: Tagger) -> None:
    text = "Talks between Italy's navy and Turkey."
    spans = [(text[m.start : m.end], m.surface) for m in tagger.find(text)]
    assert spans == [("Italy", "Italy"), ("Turkey", "Turkey")]


def test_offsets_are_characters_after_non_ascii_text(tagger: Tagger) -> None:
    # the scan runs in Rust over UTF-8: offsets must still count characters, and acronyms
    # (looked for as written) and folded names must land on their surfaces alike
    text = "Café señor – Türkiye, the US and ÉTATS-UNIS; bonus thus Japan"
    found = [(m.surface, text[m.start : m.end]) for m in tagger.find(text)]
    assert found == [(s, s) for s in ("Türkiye", "US", "Japan")]
