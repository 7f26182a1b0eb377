"""Text normalisation as Polars expressions: one canonical form for hashing and tagging.

Paragraphs become blank-line separated; hard-wrapped lines (newswire wraps at ~70
characters) are joined, since a newline inside a paragraph is not a sentence break.
"""

from __future__ import annotations

import polars as pl

_SPACES = r"[\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
_CONTROLS = r"[\x00-\x08\x0e-\x1f\x7f\u200b\ufeff]"
_PARAGRAPH = "\u2029"


def normalize_text(column: str) -> pl.Expr:
    """NFC, one space between words, paragraphs separated by exactly one blank line."""
    return (
        pl.col(column)
        .fill_null("")
        .str.normalize("NFC")
        .str.replace_all(_CONTROLS, "")
        .str.replace_all(r"\r\n?", "\n")
        .str.replace_all(_SPACES, " ")
        .str.replace_all(r"\n {2,}", "\n\n")  # an indented line starts a paragraph
        .str.replace_all(r" *\n *\n[\n ]*", _PARAGRAPH)
        .str.replace_all(r" *\n *", " ")  # a hard wrap is just a space
        .str.replace_all(r" {2,}", " ")
        .str.replace_all(f" ?{_PARAGRAPH} ?", "\n\n")
        .str.strip_chars()
        .alias(column)
    )


def normalize_line(column: str) -> pl.Expr:
    """NFC and single spaces for one-line fields such as titles; empty becomes null."""
    return (
        pl.col(column)
        .str.normalize("NFC")
        .str.replace_all(_CONTROLS, "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .replace("", None)
        .alias(column)
    )
