"""Theme lexicons: the bundled files are sound, matching is whole-word, users extend."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cooccur.themes import THEMES_DIR, ThemeError, ThemeTagger


def test_bundled_lexicons_have_30_to_80_distinct_keywords() -> None:
    files = sorted(THEMES_DIR.glob("*.toml"))
    assert {p.stem for p in files} >= {"defense", "diplomacy", "economy", "energy", "security"}
    for path in files:
        keywords = tomllib.loads(path.read_text("utf-8"))["keywords"]
        assert 30 <= len(set(keywords)) <= 80, path.name
        assert len(set(keywords)) == len(keywords), f"duplicates in {path.name}"


def test_whole_words_longest_first_per_sentence() -> None:
    themes = ThemeTagger.load()
    # Reuters-style: 'crude oil' is one energy keyword, not also 'oil'; 'armistice'
    # contains 'arms' but is not the word
    text = "Crude oil exports rose. The armistice held. Troops left."
    rows = themes.tag("a", "OPEC MEETS", text, [0, 24, 43])
    assert ("a", 0, "energy", 1, "opec") in rows
    assert ("a", 1, "energy", 1, "crude oil") in rows
    assert ("a", 1, "economy", 1, "exports") in rows
    assert not [r for r in rows if r[1] == 2]
    assert ("a", 3, "defense", 1, "troops") in rows


def test_user_theme_file_extends_and_adds(tmp_path: Path) -> None:
    path = tmp_path / "space.toml"
    path.write_text('theme = "space"\nkeywords = ["satellite", "satellites", "orbit"]\n', "utf-8")
    themes = ThemeTagger.load([path])
    assert themes.tag("a", "", "Two satellites reached orbit.", [0]) == [
        ("a", 1, "space", 2, "orbit;satellites")
    ]
    assert themes.version != ThemeTagger.load().version
    bad = tmp_path / "bad.toml"
    bad.write_text('theme = "x"\nkeywords = "oops"\n', "utf-8")
    with pytest.raises(ThemeError, match="bad.toml"):
        ThemeTagger.load([bad])


def test_offsets_are_characters_after_non_ascii_text() -> None:
    # the scan runs in Rust over UTF-8 bytes: 'oil' starts at character 10 but byte 19,
    # which would put it in the next sentence (from 15)
    text = "ééééééééé oil. Troops left."
    rows = ThemeTagger.load().tag("a", "", text, [0, 15])
    assert ("a", 1, "energy", 1, "oil") in rows
    assert ("a", 2, "defense", 1, "troops") in rows
    assert ThemeTagger.load().tag("a", "", "ééé turmoil", [0]) == []  # inside a word


def test_batch_rows_are_those_of_each_article_in_order() -> None:
    themes = ThemeTagger.load()
    articles = [
        ("b", "OPEC MEETS", "Crude oil exports rose. Oil and oil. Armistice.", [0, 24, 37]),
        ("a", "", "", [0]),
        ("c", "", "ééééééééé oil. Troops left.", [0, 15]),
    ]
    frame = themes.tag_batch(*(list(column) for column in zip(*articles, strict=True)))
    assert frame.rows() == [row for article in articles for row in themes.tag(*article)]
    assert themes.tag_batch(["a"], [""], ["nothing here"], [[0]]).is_empty()
