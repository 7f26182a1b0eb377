"""Sentence spans for normalised article text (see `normalize`): rules, no model.

A sentence ends at `.`, `!` or `?` (plus closing quotes or brackets) followed by a space
and a capital, digit or opening quote, unless the word before is a known abbreviation or a
single initial; a paragraph break always ends one.

All of it is one compiled regular expression: the abbreviation and initial checks are
fixed-width look-behinds, so `finditer` runs in C with no Python call per candidate
boundary (splitting used to cost more than finding the entities).
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
_WINDOW = 20  # characters before the full stop in which the word before it is read


def _abbreviation_after_stop() -> str:
    """Look-behinds true just after `<word>.` when the word is an abbreviation.

    The word is the run of ASCII letters and dots before the stop, leading dots dropped,
    read within `_WINDOW` characters: an abbreviation if it is listed (any case), is one
    letter (*J.*), or holds a dot (*U.S.*, *e.g.*).
    """
    listed: dict[int, list[str]] = {}
    for word in sorted(_ABBREVIATIONS):
        listed.setdefault(len(word), []).append("".join(f"[{c.upper()}{c}]" for c in word))
    tests = [r"(?<![A-Za-z][A-Za-z]\.)"]  # one letter: J. Doe
    tests += [rf"(?<=(?<![A-Za-z])(?:{'|'.join(words)})\.)" for _, words in sorted(listed.items())]
    # a dot inside the word: a letter, a dot, then k letters or dots before the stop
    tests += [rf"(?<=[A-Za-z]\.[A-Za-z.]{{{k}}}\.)" for k in range(1, _WINDOW - 1)]
    return r"(?<=[A-Za-z]\.)(?= )(?:" + "|".join(tests) + ")"


# `[.!?][.!?]*`, not `[.!?]+`: a pattern that starts with a plain character set lets `re`
# skip to the next stop; one that starts with a repeat is tried at every character (25 %
# of the scan)
_STOP_REST = r"[.!?]*(?!" + _abbreviation_after_stop() + r")[\"'”’)\]]*( +)(?=[\"'“‘(\[]?[A-Z0-9])"
_STOP = re.compile(r"[.!?]" + _STOP_REST)
# the same for text without `!` or `?` (99.7 % of Reuters): a literal first character,
# which `re` skips to 3× faster than to a character set
_DOT_STOP = re.compile(r"\." + _STOP_REST)
_PARAGRAPH = re.compile(r"\n\n\n*")  # not `\n\n+`: a literal prefix, searched 3× faster


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans `(start, end)` of the sentences of `text`, in order, non-empty."""
    # (end of the sentence, start of the next): a stop's spaces, or a paragraph break.
    # The two kinds share no character, so two scans find what one alternation would,
    # and each alone runs faster in `re` than the alternation does.
    stops = _STOP if "!" in text or "?" in text else _DOT_STOP
    cuts = [m.span(1) for m in stops.finditer(text)]
    if "\n\n" in text:
        cuts += [m.span() for m in _PARAGRAPH.finditer(text)]
        cuts.sort()
    spans: list[tuple[int, int]] = []
    append = spans.append
    start = 0
    for stop, after in cuts:
        # a span is blank only if it starts blank: slice just those
        if stop > start and not (text[start].isspace() and text[start:stop].isspace()):
            append((start, stop))
        start = after
    if start < len(text) and not (text[start].isspace() and text[start:].isspace()):
        append((start, len(text)))
    return spans
