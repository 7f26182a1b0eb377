"""Sentence spans for normalised article text (see `normalize`): rules, no model.

A sentence ends at `.`, `!` or `?` (plus closing quotes or brackets) followed by a space
and a capital, digit or opening quote, unless the word before is a known abbreviation or a
single initial; a paragraph break always ends one.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr prof sen rep gov gen col lt sgt capt adm cmdr st sr jr rev hon pres "
        "co corp inc ltd plc bros dept univ assn jan feb mar apr jun jul aug sep sept oct "
        "nov dec no nos vs etc approx fig est ave blvd mt ft al"
    ).split()
)
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*( +)(?=[\"'“‘(\[]?[A-Z0-9])|\n\n+")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans `(start, end)` of the sentences of `text`, in order, non-empty."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(1) is not None:
            stop = match.start(1)
            if _is_abbreviation(text, match.start(), stop):
                continue
        else:
            stop = match.start()
        if stop > start:
            spans.append((start, stop))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _is_abbreviation(text: str, punct_start: int, stop: int) -> bool:
    if text[punct_start] != "." or stop - punct_start != 1:
        return False  # '!', '?', or '.' followed by a closing quote end a sentence
    word = _WORD_BEFORE.search(text, max(0, punct_start - 20), punct_start + 1)
    if word is None:
        return False
    token = word.group(1).lower()
    return token in _ABBREVIATIONS or len(token) == 1 or "." in token
