"""Datelines are read once per distinct dateline and remembered: the remembered answer
must be the one a fresh reading gives, and the memory must stay bounded."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from cooccur import salience
from cooccur.gazetteer import Gazetteer, load_gazetteer
from cooccur.normalize import normalize_text
from cooccur.salience import Dateline, find_dateline


def _texts(reuters_file: Path, n: int) -> list[str]:
    frame = pl.read_ndjson(reuters_file).head(n).select(normalize_text("text"))
    return [text or "" for text in frame.get_column("text").to_list()]


def _fresh(text: str, gazetteer: Gazetteer) -> Dateline | None:
    """The dateline read with no dateline remembered."""
    gazetteer.__dict__.pop("_dateline_memo", None)
    return find_dateline(text, gazetteer)


def test_remembered_datelines_are_those_read_afresh(reuters_file: Path) -> None:
    texts = _texts(reuters_file, 400)
    gazetteer = load_gazetteer()
    first = [find_dateline(text, gazetteer) for text in texts]
    again = [find_dateline(text, gazetteer) for text in texts]  # all remembered now
    assert first == again
    assert sum(d is not None for d in first) > 300  # most wire stories have one
    assert len(gazetteer.__dict__["_dateline_memo"]) < len(texts)  # datelines repeat
    fresh = load_gazetteer()
    assert first == [_fresh(text, fresh) for text in texts]


def test_the_same_dateline_before_different_stories() -> None:
    gazetteer = load_gazetteer()
    a = find_dateline("ANKARA, March 3 - Turkey said", gazetteer)
    b = find_dateline("ANKARA, March 3 - The lira fell", gazetteer)
    assert a == b and a is not None and a.country_key == "country:TUR"
    assert find_dateline("ANKARA, March 3 -- Turkey said", gazetteer) == Dateline(
        19, "ANKARA", a.entity_key, "country:TUR"
    )
    assert find_dateline("The visit comes - as expected - at a time", gazetteer) is None


def test_the_memory_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(salience, "_DATELINE_MEMO", 3)
    gazetteer = load_gazetteer()
    for day in range(1, 10):
        assert find_dateline(f"LONDON, March {day} - Shares fell", gazetteer) is not None
        assert len(gazetteer.__dict__["_dateline_memo"]) <= 3
