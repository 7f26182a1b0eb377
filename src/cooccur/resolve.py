"""Linking found names to entities, and names to each other within one article.

A span from a finder (rules or spaCy) is first looked up in the alias table, so spaCy's
*Ankara* is the gazetteer's Ankara and its *Turkish* (NORP) is Turkey; an unknown name
becomes a new entity keyed `<kind>:<name lower-cased>` (all-caps words written as names:
*Yasar GULER* → *Yasar Guler*).

Within an article, a person's short form links to the full name: *Crosetto* after *Guido
Crosetto*, and near-miss spellings of the surname (*Guller* for *Guler*, *Crosettos*)
when exactly one full name is that close (rapidfuzz ratio ≥ 85). Two full names merge
only when their first names agree: *Yasar Guler* and *Yasar Guller* are one person,
*James Baker* and *Howard Baker* are two.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter

from rapidfuzz import fuzz, process

from cooccur.gazetteer import Entity, Gazetteer, entity_key
from cooccur.ner import Span
from cooccur.tagger import Match

NEAR_MISS = 85.0
_POSSESSIVE = re.compile(r"['’]s$")
# a capitalised word (`\b[A-Z][\w'’-]+`), written to start with the capital so `re` skips
# to capitals instead of trying a word boundary at every character (40 % faster)
_WORD = re.compile(r"[A-Z](?<!\w[A-Z])[\w'’-]+")
_CAPITALISED_COMMON = frozenset(
    (
        "the and of in on at for with from by to as but or this that these those he she it "
        "they we his her its their our today also according minister president ministry "
        "government mission summit defense defence agreement partnership"
    ).split()
)


def canonical_name(surface: str) -> str:
    """One spelling per name: single spaces, all-caps words capitalised (GULER → Guler)."""
    words = []
    for word in surface.split():
        if len(word) > 1 and word.isupper() and word.isalpha():
            word = word.capitalize()
        words.append(word)
    return " ".join(words)


@lru_cache(maxsize=1 << 16)  # the same capitalised words recur in every article
def _fold(word: str) -> str:
    word = word.lower()
    if not word.isascii():  # accents off (an ASCII word has none: the common case, 5× faster)
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _POSSESSIVE.sub("", word)


def link_spans(
    text: str,
    matches: list[Match],
    spans: list[Span],
    gazetteer: Gazetteer | None,
    found: dict[str, Entity],
) -> list[Match]:
    """Gazetteer matches plus the finders' spans that do not overlap them, each linked to
    an entity (a known one by alias, else a new one recorded in `found`)."""
    if not spans:
        return matches
    taken = sorted([m[:2] for m in matches])  # (start, end)
    added: list[Match] = []
    for span in sorted(spans, key=lambda s: (s.start, s.start - s.end)):
        if _overlaps(taken, span.start, span.end):
            continue
        start, end = _tidy(text, span.start, span.end)
        if end - start < 2 or not any(map(str.isupper, text[start:end])):
            continue
        surface = text[start:end]
        if gazetteer is not None and surface in gazetteer.blockers:
            continue  # 'Indo-Pacific' names nothing, whoever finds it
        key = gazetteer.lookup_alias(surface) if gazetteer is not None else None
        if key is None:
            if span.kind in ("norp", "place"):
                continue  # 'Republicans', or a place the gazetteer cannot put in a country
            name = canonical_name(surface)
            key = entity_key(span.kind, name)
            if key not in found:
                found[key] = Entity(key=key, name=name, kind=span.kind)
        added.append(Match(start, end, key, surface, span.source))
        taken.append((start, end))
    return sorted(matches + added, key=itemgetter(0))  # by start


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    for s, e in taken:  # noqa: SIM110 (a loop: no generator made for each of 10⁵ spans)
        if s < end and start < e:
            return True
    return False


def _tidy(text: str, start: int, end: int) -> tuple[int, int]:
    """A model's span without a leading article or what follows a comma
    ('the Ministry of Defense on X, Crosetto' → 'Ministry of Defense on X')."""
    surface = text[start:end]
    comma = surface.find(", ")
    if comma > 0:
        end = start + comma
    for article in ("the ", "The "):
        if text.startswith(article, start) and end - start > len(article):
            start += len(article)
    return start, end


_IN_WORD = re.compile(r"[\w'’-]")  # a character `_WORD` takes after the capital
_WORD_CHAR = re.compile(r"\w")


def _word_at(text: str, start: int, end: int) -> bool:
    """Whether `_WORD.finditer(text)` yields the word `text[start:end]` (a capitalised word
    found again by `str.find`): it ends there, and starts there rather than inside a word."""
    if _IN_WORD.match(text, end):
        return False  # the word goes on ('Baker' in 'Bakers')
    if start == 0:
        return True
    if _WORD_CHAR.match(text, start - 1):
        return False  # inside a word ('Baker' in 'McBaker')
    if text[start - 1] not in "'’-":
        return True
    # after an apostrophe or hyphen: taken already if a word starts earlier in that run
    # ("O'Baker"), its own word otherwise ("'Baker'", "ex-Baker")
    run = start - 1
    while run > 0 and _IN_WORD.match(text, run - 1):
        run -= 1
    return not any(
        "A" <= text[q] <= "Z" and (q == run or not _WORD_CHAR.match(text, q - 1))
        for q in range(run, start - 1)
    )


def _name_of(key: str, gazetteer: Gazetteer | None, found: dict[str, Entity]) -> str:
    entity = found.get(key) or (gazetteer.entities.get(key) if gazetteer else None)
    return entity.name if entity else key.split(":", 1)[1]


# memos of pure facts about capitalised words (they recur from article to article): the
# words too short or too common to be a surname, and the folded form of the others
_NOT_SURNAME: set[str] = set()
_FOLDED: dict[str, str] = {}
_MEMO_SIZE = 1 << 17


def _owners(words: set[str], by_surname: dict[str, list[str]]) -> dict[str, str]:
    """The person each word names, for the words that name one: its folded form is one
    person's surname, or a near miss (ratio ≥ 85) of exactly one person's.

    The near misses of an article's words are scored one surname at a time against all
    of them (`process.extract`, one call): a third of the instructions of a `fuzz.ratio`
    call per word and surname."""
    if len(_FOLDED) > _MEMO_SIZE or len(_NOT_SURNAME) > _MEMO_SIZE:
        _FOLDED.clear()
        _NOT_SURNAME.clear()
    owned: dict[str, str] = {}
    rest: list[str] = []
    folded_rest: list[str] = []
    for word in words.difference(_NOT_SURNAME):
        folded = _FOLDED.get(word)
        if folded is None:
            folded = _fold(word)
            if len(folded) < 4 or folded in _CAPITALISED_COMMON:
                _NOT_SURNAME.add(word)
                continue
            _FOLDED[word] = folded
        keys = by_surname.get(folded)
        if keys is None:
            rest.append(word)
            folded_rest.append(folded)
        elif len(keys) == 1:  # not two people with one surname
            owned[word] = keys[0]
    if rest:
        near: dict[int, list[str]] = {}
        for surname, keys in by_surname.items():
            for _, _, index in process.extract(
                surname, folded_rest, scorer=fuzz.ratio, score_cutoff=NEAR_MISS, limit=None
            ):
                near.setdefault(index, []).extend(keys)
        for index, keys in near.items():
            if len(keys) == 1:  # near exactly one person
                owned[rest[index]] = keys[0]
    return owned


def resolve_within(
    title: str,
    title_matches: list[Match],
    text: str,
    body_matches: list[Match],
    gazetteer: Gazetteer | None,
    found: dict[str, Entity],
) -> tuple[list[Match], list[Match]]:
    """Merge spellings of one person in an article and link surname-only mentions."""
    order: list[str] = []
    for m in [*body_matches, *title_matches]:
        key = m.entity_key
        # people, and one-word names a finder made up (spaCy's 'Crosetto' as ORG)
        if key not in order and (key.startswith("person:") or (key in found and " " not in key)):
            order.append(key)
    if not order:
        return title_matches, body_matches
    words = {key: _name_of(key, gazetteer, found).split() for key in order}
    full = [key for key in order if len(words[key]) >= 2 and key.startswith("person:")]
    remap: dict[str, str] = {}
    for i, key in enumerate(full):  # full names: same first name, near-miss surname
        for earlier in full[:i]:
            if earlier in remap or _fold(words[key][0]) != _fold(words[earlier][0]):
                continue
            if fuzz.ratio(_fold(words[key][-1]), _fold(words[earlier][-1])) >= NEAR_MISS:
                remap[key] = earlier
                break
    surnames = {key: _fold(words[key][-1]) for key in full if key not in remap}

    by_surname: dict[str, list[str]] = {}
    for key, surname in surnames.items():
        by_surname.setdefault(surname, []).append(key)
    owned: dict[str, str] = {}  # word → the person it names
    title_words: set[str] = set()
    text_words: set[str] = set()
    if by_surname:
        # every capitalised word of the article scored at once (see `_owners`)
        title_words = set(_WORD.findall(title))
        text_words = set(_WORD.findall(text))
        singles = [words[key][0] for key in order if len(words[key]) == 1]
        owned = _owners(title_words.union(text_words, singles), by_surname)
        for key in order:  # single-word people found by rules ('counterpart Guller')
            if len(words[key]) == 1 and key not in remap:
                target = owned.get(words[key][0])
                if target:
                    remap[key] = target

    def rewrite(source: str, matches: list[Match], source_words: set[str]) -> list[Match]:
        out = (
            [
                m._replace(entity_key=remap[m.entity_key]) if m.entity_key in remap else m
                for m in matches
            ]
            if remap
            else list(matches)
        )
        if not by_surname:
            return out
        named = source_words.intersection(owned)
        if not named:
            return sorted(out, key=itemgetter(0))  # by start
        # a word overlaps a match iff, of the matches starting before it ends, one ends
        # after it starts: bisect the starts, compare with the furthest end so far
        # (`m[:2]`, not `(m.start, m.end)`: a slice of the tuple, no attribute look-ups)
        taken = sorted([m[:2] for m in out])
        starts = [s for s, _ in taken]
        furthest = list(accumulate([e for _, e in taken], max))
        for word in named:  # each place of a word that names someone, unless in a match
            target = owned[word]
            at = source.find(word)
            while at >= 0:
                end = at + len(word)
                if _word_at(source, at, end):
                    before = bisect_left(starts, end)
                    if not before or furthest[before - 1] <= at:
                        out.append(Match(at, end, target, word, "resolved"))
                at = source.find(word, at + 1)
        return sorted(out, key=itemgetter(0))  # by start

    return rewrite(title, title_matches, title_words), rewrite(text, body_matches, text_words)
