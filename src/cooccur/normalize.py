"""Text normalisation as Polars expressions: one canonical form for hashing and tagging.

Paragraphs become blank-line separated; hard-wrapped lines (newswire wraps at ~70
characters) are joined, since a newline inside a paragraph is not a sentence break.

`normalize_text` / `normalize_line` are the definition. `normalize_frame` gives the same
output faster for ingest batches: it skips NFC for text that has no character from
U+0300 up (such text is already NFC), and for text without tabs, control characters,
odd spaces, carriage returns or U+2029 it replaces the whitespace runs in three passes
instead of nine (see `_plain_text`); any other text goes through the definition. Most news
text is ASCII: a regex over it looks only at the non-ASCII rows (`non_ascii`).
"""

from __future__ import annotations

import polars as pl

_SPACES = r"[\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
_CONTROLS = r"[\x00-\x08\x0e-\x1f\x7f\u200b\ufeff]"
_PARAGRAPH = "\u2029"
# characters some normalisation pass acts on besides " " and "\n" (NFC never makes or
# removes one of them: checked over all of Unicode in tests/test_ingest_normalize.py)
_UNUSUAL = r"[\x00-\x09\x0b-\x1f\x7f\u200b\ufeff\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u2029]"
# text made only of characters below U+0300 is NFC already (none decomposes or composes)
_MAY_CHANGE_UNDER_NFC = r"[^\x00-\u02ff]"


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
    return _line(pl.col(column).str.normalize("NFC"), column)


def _line(expr: pl.Expr, column: str) -> pl.Expr:
    return (
        expr.str.replace_all(_CONTROLS, "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .replace("", None)
        .alias(column)
    )


def _plain_text(column: str) -> pl.Expr:
    """`normalize_text` for NFC text whose only whitespace is " " and "\\n".

    Every pass of the definition acts only on runs of spaces and newlines, one run at a
    time, and a run's result depends only on the run: a run with two newlines, or with a
    newline followed by two spaces (an indented line), is a paragraph break; any other
    run is one space. So: mark paragraph runs, collapse the rest, expand the marks.
    """
    return (
        pl.col(column)
        .str.replace_all(r" *\n(?: *\n| {2})[ \n]*", _PARAGRAPH)
        # runs of two or more, or a lone newline, as one space (what `[ \n]{2,}|\n` says,
        # in a third of the time: a literal pass, then a regex with a literal prefix)
        .str.replace_all("\n", " ", literal=True)
        .str.replace_all(r" {2,}", " ")
        .str.replace_all(_PARAGRAPH, "\n\n", literal=True)
        .str.strip_chars()
        .alias(column)
    )


def non_ascii(series: pl.Series) -> pl.Series:
    """Rows with a character beyond ASCII (more bytes than characters); null is False.

    A length comparison, ≈ 15× cheaper than a regex over the text: rows it leaves out can
    skip the checks that only non-ASCII text can fail (NFC, mojibake).
    """
    return (series.str.len_bytes() != series.str.len_chars()).fill_null(False)


def _nfc(series: pl.Series) -> pl.Series:
    """NFC of `series`, computed only where it can change anything."""
    rows = non_ascii(series).arg_true()
    if rows.len() == 0:
        return series
    candidates = series.gather(rows)
    mask = candidates.str.contains(_MAY_CHANGE_UNDER_NFC).fill_null(False)
    if not mask.any():
        return series
    if rows.len() == series.len() and mask.all():
        return series.str.normalize("NFC")
    return series.scatter(rows.filter(mask), candidates.filter(mask).str.normalize("NFC"))


def _by_mask(series: pl.Series, mask: pl.Series, special: pl.Expr, usual: pl.Expr) -> pl.Series:
    """`special` where `mask` holds, `usual` elsewhere, each computed on its own rows only."""
    frame = series.to_frame()
    if not mask.any():
        return frame.select(usual).to_series()
    if mask.all():
        return frame.select(special).to_series()
    out = frame.filter(~mask).select(usual).to_series()
    done = frame.filter(mask).select(special).to_series()
    return (
        pl.DataFrame({"i": mask.not_().arg_true(), "v": out})
        .vstack(pl.DataFrame({"i": mask.arg_true(), "v": done}))
        .sort("i")
        .get_column("v")
        .alias(series.name)
    )


def normalize_frame(frame: pl.DataFrame, text: str = "text", title: str = "title") -> pl.DataFrame:
    """`frame` with `text` as `normalize_text` and `title` as `normalize_line` make them."""
    body = _nfc(frame.get_column(text).fill_null(""))
    unusual = body.str.contains(_UNUSUAL)
    body = _by_mask(body, unusual, normalize_text(text), _plain_text(text))
    head = _nfc(frame.get_column(title)).to_frame().select(_line(pl.col(title), title))
    return frame.with_columns(body, head.to_series())
