from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

from cooccur.counts import compute_tables
from cooccur.gazetteer import load_countries
from cooccur.ingest import ingest_paths
from cooccur.report import charts
from cooccur.report.build import UnknownEntity, build_report
from cooccur.report.html import Section, render_page
from cooccur.store import Store
from cooccur.tag import tag_pending

HOSTILE_TITLE = '</script><script>alert(1)</script>"><img src=x onerror=alert(2)> Italy'


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """Two articles whose title tries to break out of the page's script and markup."""
    source = tmp_path / "hostile.jsonl"
    records = [
        {"id": "x1", "date": "2025-01-05", "title": HOSTILE_TITLE, "text": "Turkey and Italy."},
        {"id": "x2", "date": "2025-02-05", "title": "Italy", "text": "Turkey too."},
    ]
    source.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    db = tmp_path / "db.duckdb"
    with Store(db) as store:
        ingest_paths(store, [source])
        tag_pending(store, load_countries())
        compute_tables(store)
    return db


def test_pages_are_self_contained(hostile_db: Path, tmp_path: Path) -> None:
    with Store(hostile_db, read_only=True) as store:
        pages = build_report(store, tmp_path / "reports", pair=("italy", "TURKEY"))
    assert [p.name for p in pages][0] == "index.html"
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=", html), "no external script"
        assert not re.search(r"<link[^>]+href=[\"']?https?:", html), "no external stylesheet"
        assert "vegaEmbed(" in html


def test_untrusted_text_in_data_and_headings_cannot_run_script() -> None:
    data = pl.DataFrame(
        {"name": [HOSTILE_TITLE], "kind": ["country"], "n_articles": [1], "n_mentions": [1]}
    )
    section = Section(HOSTILE_TITLE, HOSTILE_TITLE, charts.top_entities(data))
    page = render_page(HOSTILE_TITLE, [section], nav={HOSTILE_TITLE: "x.html"})
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    # the text survives, escaped, for Vega to draw as text
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page


def test_unknown_pair_names_fail_clearly(hostile_db: Path, tmp_path: Path) -> None:
    with Store(hostile_db, read_only=True) as store, pytest.raises(UnknownEntity, match="Atlantis"):
        build_report(store, tmp_path / "reports", pair=("Italy", "Atlantis"))
