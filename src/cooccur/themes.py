"""Themes per sentence from keyword lexicons: defense, diplomacy, economy, energy, …

Each theme is a TOML file (`theme = "defense"`, `keywords = [...]`) in `data/themes/`;
users add or extend themes with their own files (`--themes FILE`, or `$COOCCUR_THEMES`).
Keywords match case-insensitively as whole words (all inflections are listed in the
file), all themes in one Aho-Corasick pass over the article.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from pathlib import Path

import polars as pl

from cooccur.settings import DATA_DIR
from cooccur.word_scan import bytes_automaton, char_hits

THEMES_DIR = DATA_DIR / "themes"
THEMES_ENV = "COOCCUR_THEMES"
THEME_SCHEMA = {
    "article_id": pl.String,
    "sentence_id": pl.Int32,
    "theme": pl.String,
    "n_hits": pl.Int32,
    "keywords": pl.String,
}


class ThemeError(ValueError):
    """A theme file that cannot be read; the message names the file."""


def read_theme_file(path: Path) -> tuple[str, list[str]]:
    if not path.is_file():
        raise ThemeError(f"theme file not found: {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(f"{path}: not valid TOML ({error})") from None
    theme = str(data.get("theme") or path.stem).strip().lower()
    keywords = data.get("keywords")
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise ThemeError(f'{path}: needs `keywords = ["…", …]`, a list of strings')
    return theme, [" ".join(k.lower().split()) for k in keywords if k.strip()]


def theme_paths(paths: Iterable[Path | str] | None = None) -> list[Path]:
    """User theme files: the given ones, else those in `$COOCCUR_THEMES`."""
    chosen = [Path(p) for p in paths or []]
    if not chosen and os.environ.get(THEMES_ENV):
        chosen = [Path(p) for p in os.environ[THEMES_ENV].split(os.pathsep) if p]
    return chosen


class ThemeTagger:
    """All theme lexicons in one automaton; build once, reuse for every article."""

    def __init__(self, lexicons: dict[str, list[str]]) -> None:
        self.lexicons = {theme: sorted(set(words)) for theme, words in lexicons.items()}
        owners: dict[str, set[str]] = {}
        for theme, words in self.lexicons.items():
            for word in words:
                owners.setdefault(word, set()).add(theme)
        self._words = list(owners)
        self._themes = [tuple(sorted(owners[word])) for word in self._words]
        self._automaton = bytes_automaton(self._words)
        # one row per (keyword index, theme it stands for), joined to a batch's hits
        self._keyword_themes = pl.DataFrame(
            [(i, w, t) for i, w in enumerate(self._words) for t in self._themes[i]],
            schema={"word": pl.Int32, "keyword": pl.String, "theme": pl.String},
            orient="row",
        )
        self.version = hashlib.sha256(repr(sorted(self.lexicons.items())).encode()).hexdigest()[:16]

    @classmethod
    def load(cls, paths: Iterable[Path | str] | None = None) -> ThemeTagger:
        """The bundled themes, extended (same theme name) or added to by user files."""
        lexicons: dict[str, list[str]] = {}
        for path in [*sorted(THEMES_DIR.glob("*.toml")), *theme_paths(paths)]:
            theme, words = read_theme_file(path)
            lexicons.setdefault(theme, []).extend(words)
        return cls(lexicons)

    def find(self, text: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """Whole-word keyword hits `(start, end, keyword, themes)`, longest first at a place."""
        words, themes = self._words, self._themes
        return [(start, end, words[i], themes[i]) for start, end, i in self._hits(text)]

    def _hits(self, text: str) -> list[tuple[int, int, int]]:
        """`find`'s hits as `(start, end, keyword index)`."""
        if not text or not self.lexicons:
            return []
        if text.isascii():  # byte offsets are character offsets; case keeps isalnum
            lowered = text
            found = self._automaton.find_matches_as_indexes(text.encode().lower(), overlapping=True)
        else:
            lowered = text.lower()
            if len(lowered) != len(text):  # keep offsets: lower only what keeps its length
                lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
            found = char_hits(self._automaton, lowered)
        n = len(text)
        hits = []
        append = hits.append
        for index, start, end in found:
            if (start > 0 and lowered[start - 1].isalnum()) or (end < n and lowered[end].isalnum()):
                continue
            append((start, -end, index))
        if len(hits) > 1:
            hits.sort()  # leftmost, then longest; one keyword per (start, end)
        kept, last_end = [], -1
        for start, negative_end, index in hits:  # 'crude oil' counts once, not also as 'oil'
            if start >= last_end:
                last_end = -negative_end
                kept.append((start, last_end, index))
        return kept

    def tag(self, article_id: str, title: str, text: str, starts: list[int]) -> list[tuple]:
        """Rows of the `themes` table for one article (sentence 0 is the title)."""
        return self.tag_batch([article_id], [title], [text], [starts]).rows()

    def tag_batch(
        self,
        article_ids: Sequence[str],
        titles: Sequence[str],
        texts: Sequence[str],
        starts: Sequence[list[int]],
    ) -> pl.DataFrame:
        """The `themes` rows of many articles (`THEME_SCHEMA`), the same rows in the same
        order as `tag` article by article: hits are gathered as columns and counted in one
        Polars group-by (a dict, sort and join per hit in Python cost twice the scan)."""
        row: list[int] = []  # the article's position, its sentence, the keyword's index
        sentence: list[int] = []
        word: list[int] = []
        for i, (title, text, sentence_starts) in enumerate(zip(titles, texts, starts, strict=True)):
            for _, _, index in self._hits(title):
                row.append(i)
                sentence.append(0)
                word.append(index)
            for start, _, index in self._hits(text):
                row.append(i)
                sentence.append(max(bisect_right(sentence_starts, start), 1))
                word.append(index)
        if not row:
            return pl.DataFrame(schema=THEME_SCHEMA)
        hits = pl.DataFrame(
            {"row": row, "sentence_id": sentence, "word": word},
            schema={"row": pl.Int32, "sentence_id": pl.Int32, "word": pl.Int32},
        )
        counted = (
            hits.join(self._keyword_themes, on="word")
            .group_by("row", "sentence_id", "theme")
            .agg(
                pl.len().cast(pl.Int32).alias("n_hits"),
                pl.col("keyword").unique().sort().str.join(";").alias("keywords"),
            )
            .sort("row", "sentence_id", "theme")
        )
        ids = pl.Series("article_id", article_ids, dtype=pl.String).gather(counted["row"])
        return counted.select(ids, "sentence_id", "theme", "n_hits", "keywords")
