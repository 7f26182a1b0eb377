"""The rule finder (default, no model): people by title, apposition and speech; companies
by suffix — on Reuters stories read in place."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from cooccur.gazetteer import load_gazetteer
from cooccur.ner import RuleFinder
from cooccur.tagger import Tagger, tag_articles


@pytest.fixture(scope="module")
def stories(reuters_file: Path) -> dict[str, dict]:
    wanted = {"GREEK OFFICIAL SAYS AUSTERITY MEASURES PAYING OFF"}
    found = {}
    with reuters_file.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("title") in wanted:
                found[record["title"]] = record
    return found


def people(text: str) -> list[str]:
    return [text[s.start : s.end] for s in RuleFinder().find(text) if s.kind == "person"]


def test_a_title_before_a_name_it_is_not_part_of() -> None:
    text = "West German Economics Minister Martin Bangemann said the mark was too strong."
    assert set(people(text)) == {"Martin Bangemann"}


def test_a_role_after_a_name_in_apposition() -> None:
    text = "John Smith, an analyst at Merrill Lynch, expects prices to rise."
    assert people(text) == ["John Smith"]
    assert people("the Middle East, added the Italian minister.") == []


def test_a_speaker_named_again_by_surname_but_not_a_company() -> None:
    assert people("Maria Lopez said exports fell. Lopez expects a recovery.") == ["Maria Lopez"]
    assert people("Salomon Brothers said exports fell. The bank expects a recovery.") == []
    assert people("Reuters Holdings PLC said profits rose. Reuters is a news agency.") == []


def test_a_speaker_with_a_title_and_the_surname_later_resolve_to_one_person(
    stories: dict[str, dict],
) -> None:
    story = stories["GREEK OFFICIAL SAYS AUSTERITY MEASURES PAYING OFF"]
    frame = pl.DataFrame({"article_id": ["a"], "title": [story["title"]], "text": [story["text"]]})
    gazetteer = load_gazetteer()
    result = tag_articles(frame, Tagger(gazetteer), gazetteer=gazetteer, finders=[RuleFinder()])
    person = result.mentions.filter(pl.col("entity_key") == "person:yannos papantoniou")
    # 'Economy Undersecretary Yannos Papantoniou said …', then 'Papantoniou said …'
    assert person["surface"].to_list()[:2] == ["Yannos Papantoniou", "Papantoniou"]


def test_roles_after_finds_what_finditer_finds() -> None:
    import random

    from cooccur.ner import _ROLE_AFTER, _roles_after

    words = [",", ", ", " ", "the", "its", "Acme", "U.S.", "senior", "vice", "President"]
    words += ["chief", "CHIEF", "executive", "head", "headquarters", "of", "analyst", "\n"]
    words += ["Smith", "general", "official", "officialdom", "'s", "Dr.", "Kelvin \u212a"]
    rng = random.Random(7)
    for _ in range(5_000):
        text = "".join(rng.choice(words) + rng.choice(["", " ", ", "]) for _ in range(12))
        expected = [(m.span(), m.group()) for m in _ROLE_AFTER.finditer(text)]
        assert [(m.span(), m.group()) for m in _roles_after(text)] == expected, text
