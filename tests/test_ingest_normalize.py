"""`normalize_frame` (the fast path ingest uses) equals the definition, `normalize_text` and
`normalize_line`, on real news, on hostile text, and on the Unicode facts it relies on."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from cooccur.normalize import _UNUSUAL, normalize_frame, normalize_line, normalize_text


def both(texts: list[str | None], titles: list[str | None]) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = pl.DataFrame(
        {"text": texts, "title": titles}, schema={"text": pl.String, "title": pl.String}
    )
    reference = frame.with_columns(normalize_text("text"), normalize_line("title"))
    return reference, normalize_frame(frame)


def test_reuters_normalises_as_the_definition(reuters_file: Path) -> None:
    with reuters_file.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    reference, fast = both([r.get("text") for r in records], [r.get("title") for r in records])
    assert fast.equals(reference)
    assert reference.height > 10_000


PIECES = [" ", "  ", "\n", "\n  ", "\n\n", "\r", "\r\n", "\t", "\u00a0", "\u2000", "\u3000",
          "\u2028", "\u2029", "\u0085", "\x00", "\x1c", "\x7f", "\u200b", "\ufeff", "a", "Bé",
          "e\u0301", "\u212b", "\u1100\u1161", "\u0344", ".", "😀"]  # fmt: skip


@settings(max_examples=120, deadline=None, derandomize=True)
@given(
    texts=st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join) | st.none()),
    titles=st.lists(st.lists(st.sampled_from(PIECES), max_size=5).map("".join) | st.none()),
)
def test_hostile_text_normalises_as_the_definition(texts: list, titles: list) -> None:
    n = min(len(texts), len(titles))
    reference, fast = both(texts[:n], titles[:n])
    assert fast.equals(reference)


def test_mixed_rows_keep_their_order() -> None:
    texts = ["plain\ntext", "tab\there", "  x  ", None, "para\u2029graph", "é\u0301"] * 3
    reference, fast = both(texts, ["t"] * len(texts))
    assert fast.equals(reference)


def test_the_unicode_facts_the_fast_path_relies_on() -> None:
    unusual = re.compile(_UNUSUAL)
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        char = chr(cp)
        nfc = unicodedata.normalize("NFC", char)
        # NFC never makes or removes a character that the fast path hands to the definition
        assert bool(unusual.search(char)) == bool(unusual.search(nfc)), hex(cp)
        if cp < 0x300:  # text below U+0300 is NFC already: none decomposes or combines
            assert nfc == char and unicodedata.combining(char) == 0, hex(cp)
