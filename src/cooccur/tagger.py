"""Gazetteer tagging with one Aho-Corasick automaton: whole words, case-aware.

Case rules: an acronym alias (US, UK, U.S.) must match exactly; any other alias matches
regardless of case but the text must start with a capital, so *Turkey* and *TURKEY* are
the country and *turkey* is not. Overlapping matches keep the longest (South Korea, not
Korea); a blocker phrase (New Jersey) can win and then names nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import polars as pl

from cooccur.gazetteer import KIND_PRIORITY, Entity, Gazetteer
from cooccur.salience import ARTICLE_SCHEMA, find_dateline
from cooccur.sentences import sentence_spans
from cooccur.themes import THEME_SCHEMA, ThemeTagger
from cooccur.word_scan import bytes_automaton, char_hits

if TYPE_CHECKING:
    from cooccur.ner import NameFinder, Span

_BLOCKER = ""


def _fold(text: str) -> str:
    """Lower case that keeps every character at its offset (str.lower can grow a string)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 5


class Match(NamedTuple):
    """One entity mention (a tuple: cheap to make by the hundred thousand)."""

    start: int
    end: int
    entity_key: str
    surface: str
    alias_type: str = "name"  # or "demonym" (Turkish), "rule", "ner", "resolved"


class Tagger:
    """Finds gazetteer entities in text; build once, reuse for every article."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.version = gazetteer.version
        candidates: dict[str, list[tuple[str, str | None, str]]] = {}
        for key, forms in gazetteer.aliases.items():
            for form, alias_type in forms.items():
                exact = form if _is_acronym(form) else None
                candidates.setdefault(_fold(form), []).append((key, exact, alias_type))
        for phrase in gazetteer.blockers:
            candidates.setdefault(_fold(phrase), []).append((_BLOCKER, None, ""))
        words: list[str] = []
        self._values: list[tuple] = []
        exact_forms: dict[str, tuple[str, str]] = {}
        for folded, entries in candidates.items():
            # exact-case entries first: 'US' must not fall back to a caseless 'us'; then a
            # blocker, a country, a place, an org, a person (Douglas, Georgia)
            entries.sort(
                key=lambda e: (
                    e[1] is None,
                    -1 if e[0] == _BLOCKER else KIND_PRIORITY.get(e[0].split(":")[0], 9),
                    e[0],
                )
            )
            if all(exact is not None for _, exact, _ in entries):
                # acronyms only (EC, UN, US): looked for as written, so 'ec' inside
                # 'second' or 'us' inside 'bonus' is never a hit to check
                for key, exact, alias_type in entries:
                    exact_forms.setdefault(exact, (key, alias_type))  # type: ignore[arg-type]
                continue
            # one caseless entry (most names): its key stands whenever the text starts
            # with a capital, so `find` need not slice the surface or loop
            if len(entries) == 1:
                value: tuple = (entries[0][0], entries[0][2])
            else:
                value = (None, tuple(entries))
            words.append(folded)
            self._values.append(value)
        # every (overlapping) occurrence of every name, found in Rust: the scan costs a
        # fraction of iterating a pyahocorasick automaton from Python
        self._automaton = bytes_automaton(words)
        self._exact_values = list(exact_forms.values())
        self._exact = bytes_automaton(list(exact_forms))

    def find(self, text: str) -> list[Match]:
        """Non-overlapping whole-word entity matches in `text`, left to right."""
        if not text:
            return []
        found: list[tuple[int, int, str, str]] = []
        append = found.append
        n = len(text)
        values = self._values
        if text.isascii():  # bytes offsets are character offsets
            raw = text.encode()
            hits = self._automaton.find_matches_as_indexes(raw.lower(), overlapping=True)
            exact_hits = self._exact.find_matches_as_indexes(raw, overlapping=True)
        else:
            hits = char_hits(self._automaton, _fold(text))
            exact_hits = char_hits(self._exact, text)
        for index, start, end in hits:
            if (start > 0 and text[start - 1].isalnum()) or (end < n and text[end].isalnum()):
                continue
            key, detail = values[index]
            if key is not None:  # one caseless name, `detail` its alias type
                if text[start].isupper():
                    append((start, -end, key, detail))
                continue
            surface = text[start:end]
            for key, exact, alias_type in detail:
                if (surface == exact) if exact is not None else surface[0].isupper():
                    append((start, -end, key, alias_type))
                    break
        exact_values = self._exact_values
        for index, start, end in exact_hits:
            if (start > 0 and text[start - 1].isalnum()) or (end < n and text[end].isalnum()):
                continue
            key, alias_type = exact_values[index]
            append((start, -end, key, alias_type))
        if len(found) > 1:
            found.sort()  # leftmost, then longest; one candidate per (start, end)
        matches: list[Match] = []
        last_end = -1
        for start, negative_end, key, alias_type in found:
            if start >= last_end:
                last_end = -negative_end
                if key != _BLOCKER:
                    matches.append(Match(start, last_end, key, text[start:last_end], alias_type))
        return matches


_LIST_GAP = frozenset((", ", " and ", ", and ", " or ", ", or ", "/", "-", " & ", " vs ", "; "))
_LONGEST_GAP = max(map(len, _LIST_GAP))
_SUBJECT_AFTER = ("'s", "’s", " said", " says", " has ", " have ", " will ", " is ", " was ")
_CURRENCY = re.compile(
    r" (?:dollars?|dlrs?|cents?|yen|marks?|francs?|pounds?|sterling|stg|lire|lira|pesos?|"
    r"rupees?|crowns?|kroner?|kronor|guilders?|schillings?|currency|won|yuan|rand|riyals?)\b",
    re.IGNORECASE,
)


_COMPANY = re.compile(
    r"(?:[- ][A-Z][\w&'.-]*){0,3} (?:Corp|Corporation|Inc|Co|Cos|Ltd|Plc|PLC|AG|SA|NV|BV|"
    r"Bhd|Group|Holdings?|Industries|Airways|Airlines|Petroleum|Steel|Motors?|Telecom)\b"
)


def mention_roles(text: str, matches: list[Match], starts: list[int] | None) -> list[str]:
    """How each mention is used, for salience: the subject of its sentence (*Japan said*,
    *Japan's exports*), one item of a list (*Japan, South Korea and Taiwan*), a currency
    (*Australian dlrs*, *U.S. dollar*), next to a figure (*3.44 mln tonnes in France*),
    or none of these."""
    roles = [""] * len(matches)
    sentence_starts = set(starts or [0])
    for i, match in enumerate(matches):
        after = text[match.end : match.end + 12]
        if after[:1] == " " and _CURRENCY.match(after):
            roles[i] = "currency"
            continue
        if after[1:2].isupper() and _COMPANY.match(text, match.end, match.end + 60):
            roles[i] = "company"  # Bell Canada Enterprises Inc, British Petroleum Co
            continue
        if match.start in sentence_starts and _figure_follows(after):
            roles[i] = "figure"  # a row of a table: Holland 2,444,260
        elif match.start in sentence_starts or after.startswith(_SUBJECT_AFTER):
            roles[i] = "subject"
        if (
            i
            and match.start - matches[i - 1].end <= _LONGEST_GAP  # no slice of a long gap
            and text[matches[i - 1].end : match.start] in _LIST_GAP
            and roles[i - 1] not in ("currency", "company")
        ):
            roles[i] = roles[i - 1] = "list"
    for i, match in enumerate(matches):
        if not roles[i] and _near_figure(text, match.start, match.end):
            roles[i] = "figure"  # 3.44 mln tonnes in France; Holland 2,444,260
    return roles


# a quantity (*3.44*, *2,444,260*, *12 pct*), not a year, a date or a name (*G-7*, *B-52*)
# (`(?<![\w.,-])\d…` written to start with the digit, so `re` skips to digits: 2× faster)
_FIGURE = re.compile(r"\d(?<![\w.,-]\d)[\d.,]*(?!\w)")
_NOT_FIGURE = re.compile(
    r"(?:19|20)\d\d\W*$|.*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? $"
)
_FIGURE_SPAN = 25


def _figure_follows(after: str) -> bool:
    number = _FIGURE.match(after.lstrip(" :.,-"))
    return number is not None and not _NOT_FIGURE.match(number.group())


def _near_figure(text: str, start: int, end: int) -> bool:
    """A number within `_FIGURE_SPAN` characters of the mention, on its line: an item of
    a table or of a round-up of figures rather than the story's subject."""
    lo = max(0, text.rfind("\n", max(0, start - _FIGURE_SPAN), start) + 1, start - _FIGURE_SPAN)
    hi = text.find("\n", end, end + _FIGURE_SPAN)
    hi = end + _FIGURE_SPAN if hi < 0 else hi
    for number in _FIGURE.finditer(text, lo, hi):
        if not (
            _NOT_FIGURE.match(number.group())
            or _NOT_FIGURE.match(text[max(0, number.start() - 10) : number.start()])
        ):
            return True
    return False


SENTENCE_SCHEMA = {
    "article_id": pl.String,
    "sentence_id": pl.Int32,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
}
MENTION_SCHEMA = {
    "article_id": pl.String,
    "entity_key": pl.String,
    "sentence_id": pl.Int32,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "surface": pl.String,
    "alias_type": pl.String,
    "role": pl.String,  # "subject" (Japan said…), "list" (Japan, Korea and Taiwan) or ""
}


@dataclass
class TagResult:
    """Everything the tag stage writes for a batch of articles."""

    sentences: pl.DataFrame
    mentions: pl.DataFrame
    articles: pl.DataFrame  # per article: text length and dateline (salience.ARTICLE_SCHEMA)
    entities: pl.DataFrame = field(default_factory=pl.DataFrame)  # found beyond the gazetteer
    themes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=THEME_SCHEMA))


def tag_articles(
    articles: pl.DataFrame,
    tagger: Tagger,
    *,
    gazetteer: Gazetteer | None = None,
    finders: Sequence[NameFinder] = (),
    themes: ThemeTagger | None = None,
    places_as_countries: bool = False,
) -> TagResult:
    """Sentences, mentions and dateline of a batch of articles (`article_id`, `title`, `text`).

    The title is sentence 0 (its spans count within the title); the text's sentences are
    numbered from 1 (spans within the text). `finders` add people and organisations the
    gazetteer does not know (rules, spaCy); names are then resolved within each article.
    With `places_as_countries`, a city or region counts as a mention of its country.
    """
    # columns, extended an article at a time (a list.append per value cost more than tagging)
    sentences: dict[str, list] = {name: [] for name in SENTENCE_SCHEMA}
    s_article, s_id, s_start, s_end = sentences.values()
    mentions: dict[str, list] = {name: [] for name in MENTION_SCHEMA}
    m_article, m_key, m_sentence, m_start, m_end, m_surface, m_type, m_role = mentions.values()
    meta: list[tuple] = []
    found_entities: dict[str, Entity] = {}
    starts_of: list[list[int]] = []  # each text's sentence starts, for the theme tagger
    place_country: dict[str, str] = {}
    if places_as_countries and gazetteer is not None:
        place_country = {
            k: f"country:{e.country_iso3}"
            for k, e in gazetteer.entities.items()
            if e.kind == "place" and e.country_iso3
        }
    days = (
        articles.get_column("published_at").cast(pl.Date).to_list()
        if "published_at" in articles.columns
        else [None] * articles.height
    )
    frame = articles.select("article_id", "title", "text")
    from cooccur.resolve import link_spans, resolve_within

    historic = gazetteer.historic if gazetteer is not None else {}

    def add_mentions(
        article_id: str, text: str, matches: list[Match], starts: list[int] | None, day: object
    ) -> None:
        if not matches:
            return
        m_role.extend(mention_roles(text, matches, starts))
        begins, ends, keys, surfaces, types = zip(*matches, strict=True)
        m_article.extend([article_id] * len(matches))
        if starts is None:
            m_sentence.extend([0] * len(matches))
        else:
            m_sentence.extend([max(bisect_right(starts, b), 1) for b in begins])
        if historic:
            keys = [gazetteer.as_of(k, day) if k in historic else k for k in keys]  # type: ignore[union-attr, arg-type]
        m_key.extend(keys)
        m_start.extend(begins)
        m_end.extend(ends)
        m_surface.extend(surfaces)
        m_type.extend(types)

    ids = frame.get_column("article_id").to_list()
    titles = frame.get_column("title").to_list()
    texts = [text or "" for text in frame.get_column("text").to_list()]
    extra: list[list[list[Span]]] = [finder.find_batch(texts) for finder in finders]
    for index, (article_id, title, text) in enumerate(frame.iter_rows()):
        text = text or ""
        if title:
            s_article.append(article_id)
            s_id.append(0)
            s_start.append(0)
            s_end.append(len(title))
        spans = sentence_spans(text)
        starts = [start for start, _ in spans]
        if spans:
            s_article.extend([article_id] * len(spans))
            s_id.extend(range(1, len(spans) + 1))
            s_start.extend(starts)
            s_end.extend([end for _, end in spans])
        title_matches = tagger.find(title) if title else []
        body_matches = tagger.find(text)
        for found in extra:
            body_matches = link_spans(text, body_matches, found[index], gazetteer, found_entities)
        title_matches, body_matches = resolve_within(
            title or "", title_matches, text, body_matches, gazetteer, found_entities
        )
        dateline = find_dateline(text, gazetteer) if gazetteer is not None else None
        country = dateline.country_key if dateline else None
        if dateline is not None and gazetteer is not None:
            # `SAN JOSE, Calif.` is not San José, Costa Rica: inside the dateline only
            # names of the dateline's own country stand
            body_matches = [
                m
                for m in body_matches
                if m.start >= dateline.end
                or f"country:{gazetteer.country_of(m.entity_key)}" == country
            ]
        if place_country:
            title_matches, body_matches = (
                [
                    Match(m.start, m.end, place_country[m.entity_key], m.surface, "place")
                    if m.entity_key in place_country
                    else m
                    for m in matches
                ]
                for matches in (title_matches, body_matches)
            )
        add_mentions(article_id, title or "", title_matches, None, days[index])
        add_mentions(article_id, text, body_matches, starts, days[index])
        starts_of.append(starts)
        meta.append(
            (
                article_id,
                dateline.place if dateline else None,
                days[index],
                len(text),
                len(spans),
                dateline.end if dateline else None,
                dateline.entity_key if dateline else None,
                gazetteer.as_of(country, days[index]) if country and gazetteer else country,
            )
        )
    entities = pl.DataFrame(
        [
            {"key": e.key, "name": e.name, "kind": e.kind, "iso3": e.iso3}
            for e in found_entities.values()
        ],
        schema={"key": pl.String, "name": pl.String, "kind": pl.String, "iso3": pl.String},
    )
    return TagResult(
        pl.DataFrame(sentences, schema=SENTENCE_SCHEMA),
        pl.DataFrame(mentions, schema=MENTION_SCHEMA),
        pl.DataFrame(meta, schema=ARTICLE_SCHEMA, orient="row"),
        entities,
        pl.DataFrame(schema=THEME_SCHEMA)
        if themes is None
        else themes.tag_batch(ids, [title or "" for title in titles], texts, starts_of),
    )
