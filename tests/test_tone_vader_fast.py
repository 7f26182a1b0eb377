"""`cooccur.vader_fast` returns exactly the compound score of the installed vaderSentiment."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from cooccur import vader_fast
from cooccur.normalize import normalize_frame
from cooccur.sentences import sentence_spans
from cooccur.vader_fast import FastVader, compound_scores

STOCK = SentimentIntensityAnalyzer()


def stock(text: str) -> float:
    return STOCK.polarity_scores(text)["compound"]


def mismatches(texts: list[str], fast: FastVader | None = None) -> list[tuple[str, float, float]]:
    fast = fast or FastVader()
    pairs = ((t, stock(t), fast.compound(t)) for t in texts)
    return [(t, want, got) for t, want, got in pairs if want != got]


# VADER's own demo sentences and each rule on its own: caps, boosters, "kind of", "but",
# "least", "no", "never so", "without doubt", special idioms, punctuation, emoji, emoticons.
RULES = [
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "With VADER, sentiment analysis is the shit!",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Roger Dodger is one of the very least compelling variations.",
    "It is not the kiss of death, it is to die for, a beating heart.",
    "no good, no or nor bad, no no, No",
    "good good but bad bad",  # `_but_check` rescales the first equal value, not its own
    "great but great but great",
    "It was a sort of good, just enough nice, kind of bad deal???",
    "What???? Wonderful!!!!! Awful?? Bad? Fine!",
    "GOOD",
    "good",
    "Good!",
    "",
    "   ",
    "!!!",
    ":( :-) <3 </3",
    "İYİ good Kelvin good ΣΟΦΌΣ happy",
    "☺️ smile ☹️ ☺ good😁bad",
]


def test_the_rules_and_vader_demo_sentences_score_the_same() -> None:
    assert mismatches(RULES) == []
    assert compound_scores(RULES + [None]) == [stock(t) for t in RULES] + [0.0]


def test_repeated_texts_score_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vader_fast, "_MEMO", {})
    monkeypatch.setattr(vader_fast, "_MEMO_TEXTS", 5)  # the memo fills and empties many times
    texts = RULES + RULES[::-1] + RULES
    assert compound_scores(texts) == [stock(t) for t in texts]
    assert len(vader_fast._MEMO) <= 5


def test_the_seed_article_scores_the_same(seed_dir: Path) -> None:
    texts: list[str] = []
    for path in sorted(seed_dir.iterdir()):
        text = path.read_text(encoding="utf-8")
        texts += [text[a:b] for a, b in sentence_spans(text)] + text.splitlines()
    assert len(texts) > 20
    assert mismatches(texts) == []


# Words that trigger VADER's rules, in several cases, with punctuation glued on.
_RULE_WORDS = (
    "good bad great horrible love hate no not never so this without doubt but least at very "
    "kind of sort just enough kinda sorta extremely barely slightly or nor isn't don't aint "
    "the shit bomb bad ass badass bus stop yeah right kiss death to die for beating heart "
    "happy sad war peace killed win lol sux fine nice ok :) :( :D <3 ;-) xd"
).split()
_WORD = st.builds(
    lambda word, case, before, after: before + case(word) + after,
    st.sampled_from(_RULE_WORDS),
    st.sampled_from([str.lower, str.upper, str.title, lambda w: w]),
    st.sampled_from(["", "", "", "'", '"', "(", "*"]),
    st.sampled_from(["", "", "", "!", "!!!", "?", "??", ",", ".", "'s", ")", ":"]),
)
_ODD = st.sampled_from(["😁", "💘", "☺️", "☺", "👍🏽", "İ", "K", "Σ", "ς", "é", "ß", "ﬁ", "…"])
_GAP = st.sampled_from([" ", " ", " ", "  ", "\t", "\n", "\xa0", "\u2003", "\x1c", ""])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(st.tuples(st.one_of(_WORD, _WORD, _ODD, st.text(max_size=8)), _GAP), max_size=30)
)
def test_generated_text_scores_the_same(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in parts)
    assert FAST.compound(text) == stock(text)


FAST = FastVader()  # one scorer across examples: its token cache must not change a score


def _reuters_sentences(reuters_file: Path) -> list[str]:
    """Titles and sentences of the Reuters dev set, normalised as ingest stores them, and
    the raw texts' sentences too (line breaks and all)."""
    rows = [json.loads(line) for line in reuters_file.open(encoding="utf-8")]
    raw = pl.DataFrame(
        {"title": [r.get("title") or "" for r in rows], "text": [r.get("text") or "" for r in rows]}
    )
    texts: list[str] = []
    for frame in (normalize_frame(raw), raw):
        for title, text in frame.iter_rows():
            texts.append(title or "")
            texts += [text[a:b] for a, b in sentence_spans(text or "")]
    return texts


@pytest.mark.slow
def test_every_reuters_dev_sentence_scores_the_same(reuters_file: Path) -> None:
    texts = _reuters_sentences(reuters_file)
    assert len(texts) > 100_000
    assert mismatches(texts) == []
