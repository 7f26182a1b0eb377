"""Gazetteer tagging with one Aho-Corasick automaton: whole words, case-aware.

Case rules: an acronym alias (US, UK, U.S.) must match exactly; any other alias matches
regardless of case but the text must start with a capital, so *Turkey* and *TURKEY* are
the country and *turkey* is not. Overlapping matches keep the longest (South Korea, not
Korea); a blocker phrase (New Jersey) can win and then names nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import ahocorasick
import polars as pl

from cooccur.gazetteer import Gazetteer
from cooccur.sentences import sentence_spans

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


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    entity_key: str
    surface: str


class Tagger:
    """Finds gazetteer entities in text; build once, reuse for every article."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.version = gazetteer.version
        candidates: dict[str, list[tuple[str, str | None]]] = {}
        for key, forms in gazetteer.aliases.items():
            for form in forms:
                exact = form if _is_acronym(form) else None
                candidates.setdefault(_fold(form), []).append((key, exact))
        for phrase in gazetteer.blockers:
            candidates.setdefault(_fold(phrase), []).append((_BLOCKER, None))
        self._automaton = ahocorasick.Automaton()
        for folded, entries in candidates.items():
            # exact-case entries first: 'US' must not fall back to a caseless 'us'
            entries.sort(key=lambda entry: entry[1] is None)
            self._automaton.add_word(folded, (len(folded), tuple(entries)))
        self._automaton.make_automaton()

    def find(self, text: str) -> list[Match]:
        """Non-overlapping whole-word entity matches in `text`, left to right."""
        if not text:
            return []
        found: list[tuple[int, int, str]] = []
        n = len(text)
        for end_index, (length, entries) in self._automaton.iter(_fold(text)):
            start, end = end_index - length + 1, end_index + 1
            if (start > 0 and text[start - 1].isalnum()) or (end < n and text[end].isalnum()):
                continue
            surface = text[start:end]
            for key, exact in entries:
                if (surface == exact) if exact is not None else surface[0].isupper():
                    found.append((start, end, key))
                    break
        found.sort(key=lambda m: (m[0], m[0] - m[1]))
        matches: list[Match] = []
        last_end = -1
        for start, end, key in found:
            if start >= last_end:
                last_end = end
                if key != _BLOCKER:
                    matches.append(Match(start, end, key, text[start:end]))
        return matches


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
}


def tag_articles(articles: pl.DataFrame, tagger: Tagger) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Sentences and mentions of a batch of articles (`article_id`, `title`, `text`).

    The title is sentence 0 (its spans count within the title); the text's sentences are
    numbered from 1 (spans within the text).
    """
    sentences: dict[str, list] = {name: [] for name in SENTENCE_SCHEMA}
    mentions: dict[str, list] = {name: [] for name in MENTION_SCHEMA}

    def add_sentence(article_id: str, sid: int, start: int, end: int) -> None:
        for name, value in zip(SENTENCE_SCHEMA, (article_id, sid, start, end), strict=True):
            sentences[name].append(value)

    def add_mention(article_id: str, match: Match, sid: int) -> None:
        values = (article_id, match.entity_key, sid, match.start, match.end, match.surface)
        for name, value in zip(MENTION_SCHEMA, values, strict=True):
            mentions[name].append(value)

    for article_id, title, text in articles.select("article_id", "title", "text").iter_rows():
        if title:
            add_sentence(article_id, 0, 0, len(title))
            for match in tagger.find(title):
                add_mention(article_id, match, 0)
        spans = sentence_spans(text or "")
        starts = [start for start, _ in spans]
        for sid, (start, end) in enumerate(spans, start=1):
            add_sentence(article_id, sid, start, end)
        for match in tagger.find(text or ""):
            sid = max(bisect_right(starts, match.start), 1)
            add_mention(article_id, match, sid)
    return pl.DataFrame(sentences, schema=SENTENCE_SCHEMA), pl.DataFrame(
        mentions, schema=MENTION_SCHEMA
    )
