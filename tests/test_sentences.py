from __future__ import annotations

import random
import re
from pathlib import Path

import polars as pl

from cooccur.normalize import normalize_text
from cooccur.sentences import _ABBREVIATIONS, sentence_spans


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "Mr. Smith met U.S. officials in Washington. J. Doe agreed. Prices rose 5.5 pct."
    assert sentences(text) == [
        "Mr. Smith met U.S. officials in Washington.",
        "J. Doe agreed.",
        "Prices rose 5.5 pct.",
    ]


def test_paragraph_breaks_and_quotes_end_sentences() -> None:
    text = 'He said "No!" Then left\n\nNew paragraph? Yes.'
    assert sentences(text) == ['He said "No!"', "Then left", "New paragraph?", "Yes."]


def test_listed_abbreviations_in_any_case_and_dotted_words() -> None:
    text = "Sen. Dole and GOV. Smith met. The U.S.A. team won. Ask e.g. Jones. Done."
    assert sentences(text) == [
        "Sen. Dole and GOV. Smith met.",
        "The U.S.A. team won.",
        "Ask e.g. Jones.",
        "Done.",
    ]


def _reference_spans(text: str) -> list[tuple[int, int]]:
    """The rules written plainly, one Python check per candidate boundary (the former
    implementation): the compiled look-behinds must agree with it everywhere."""
    boundary = re.compile(r"[.!?]+[\"'”’)\]]*( +)(?=[\"'“‘(\[]?[A-Z0-9])|\n\n+")
    word_before = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
    spans, start = [], 0
    for match in boundary.finditer(text):
        if match.group(1) is not None:
            stop, punct = match.start(1), match.start()
            if text[punct] == "." and stop - punct == 1:
                word = word_before.search(text, max(0, punct - 20), punct + 1)
                token = word.group(1).lower() if word else ""
                if word and (token in _ABBREVIATIONS or len(token) == 1 or "." in token):
                    continue
        else:
            stop = match.start()
        if stop > start:
            spans.append((start, stop))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def test_same_spans_as_the_plain_rules_on_random_text() -> None:
    pieces = [*"aAbBmMrRsSjJxX.. .!?\"')”’“‘([\n5é_", "Mr", "mr", "MRS", "Jr", "U.S", "  "]
    pieces += ["\n\n", "Sept", "e.g", "ſt", "approx", "abcdefghijklmnopqrstu", "Inc", "no"]
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        assert sentence_spans(text) == _reference_spans(text), repr(text)


def test_same_spans_as_the_plain_rules_on_reuters(reuters_file: Path) -> None:
    frame = pl.read_ndjson(reuters_file, schema={"text": pl.String}, n_rows=3_000)
    texts = frame.select(normalize_text("text").fill_null(""))["text"].to_list()  # as stored
    assert sum(len(sentence_spans(t)) for t in texts) > 15_000
    for text in texts:
        assert sentence_spans(text) == _reference_spans(text)
