"""Name folding and span linking in `resolve` (the fast paths must keep the slow ones' answers)."""

from __future__ import annotations

import unicodedata

from cooccur.gazetteer import Entity
from cooccur.ner import Span
from cooccur.resolve import _fold, link_spans
from cooccur.tagger import Match


def _reference_fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    word = "".join(c for c in decomposed if not unicodedata.combining(c))
    return word[:-2] if word.endswith(("'s", "’s")) else word


def test_fold_drops_case_accents_and_possessive() -> None:
    words = ["Guler", "GÜLER", "Güller's", "Reagan’s", "Crosetto", "Erdoğan", "ÅLAND", "O'Neill"]
    for word in words:
        assert _fold(word) == _reference_fold(word), word
    assert _fold("GÜLER") == "guler"


def test_link_spans_skips_overlaps_and_lower_case_spans() -> None:
    text = "Yasar Guler met Dean Foods Co and the ministry in Ankara."

    def at(name: str) -> tuple[int, int]:
        return text.index(name), text.index(name) + len(name)

    ankara = Match(*at("Ankara"), "place:ankara", "Ankara")
    spans = [
        Span(*at("Yasar Guler"), "person", "rule"),
        Span(*at("Dean Foods Co"), "org", "rule"),
        Span(*at("the ministry"), "org", "rule"),  # no capital: names no one
        Span(*at("in Ankara"), "place", "rule"),  # overlaps the gazetteer's Ankara
    ]
    found: dict[str, Entity] = {}
    matches = link_spans(text, [ankara], spans, None, found)
    assert [(m.surface, m.entity_key) for m in matches] == [
        ("Yasar Guler", "person:yasar guler"),
        ("Dean Foods Co", "org:dean foods co"),
        ("Ankara", "place:ankara"),
    ]
    assert sorted(found) == ["org:dean foods co", "person:yasar guler"]
