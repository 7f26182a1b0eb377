from __future__ import annotations

from cooccur.sentences import sentence_spans


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
