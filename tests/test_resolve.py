"""Name folding and span linking in `resolve` (the fast paths must keep the slow ones' answers)."""

from __future__ import annotations

import random
import unicodedata

from cooccur.gazetteer import Entity
from cooccur.ner import Span
from cooccur.resolve import _WORD, _fold, _word_at, link_spans, resolve_within
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


def test_word_at_finds_what_the_word_regex_finds() -> None:
    # resolve_within places a name's words with str.find + _word_at instead of scanning
    # every capitalised word: both must give the regex's words, at the same places
    texts = [
        "O'Baker met Baker, ex-Baker, 'Baker' and McBaker; Bakers BAKER Baker's Baker-Smith",
        "x-Baker _Baker Ba Baker\u2019s l'Baker Ab'Baker Ab-'Baker a'B'Baker Ébaker ÉBaker",
    ]
    alphabet = "AaBb'’-_ .É1"
    rng = random.Random(7)
    texts += ["".join(rng.choice(alphabet) for _ in range(40)) for _ in range(3000)]
    for text in texts:
        expected = {(m.start(), m.end()) for m in _WORD.finditer(text)}
        got = set()
        for word in set(_WORD.findall(text)):
            at = text.find(word)
            while at >= 0:
                if _word_at(text, at, at + len(word)):
                    got.add((at, at + len(word)))
                at = text.find(word, at + 1)
        assert got == expected, text


def test_resolve_within_links_surnames_and_near_misses_outside_matches() -> None:
    text = "Yasar Guler met Guido Crosetto. Guller said O'Guler and Crosettos agreed; Guler-Smith"

    def at(name: str) -> Match:
        start = text.index(name)
        return Match(start, start + len(name), f"person:{name.lower()}", name, "rule")

    _, body = resolve_within("", [], text, [at("Yasar Guler"), at("Guido Crosetto")], None, {})
    assert [(m.surface, m.entity_key, m.alias_type) for m in body] == [
        ("Yasar Guler", "person:yasar guler", "rule"),
        ("Guido Crosetto", "person:guido crosetto", "rule"),
        ("Guller", "person:yasar guler", "resolved"),
        ("Crosettos", "person:guido crosetto", "resolved"),
    ]
