"""`cooccur eval`: the matching rules, and the figures in benchmarks/RESULTS.md."""

from __future__ import annotations

import json
import re

import pytest
from conftest import REPO, SHARED
from typer.testing import CliRunner

from cooccur.cli import app
from cooccur.evaluate import Score, _matches, _name_forms, split_of
from cooccur.gazetteer import load_gazetteer

GOLD = SHARED / "data" / "reuters21578" / "gold" / "reuters-dev-gold.jsonl"


def test_name_matching_rules() -> None:
    gazetteer = load_gazetteer()
    baker = _name_forms(gazetteer, "person:james baker", "James Baker")
    assert _matches("james-baker", baker) and _matches("baker", baker)
    assert not _matches("howard-baker", baker)
    bank = _name_forms(gazetteer, "org:world bank", "World Bank")
    assert _matches("worldbank", bank)
    coffee = _name_forms(gazetteer, "org:international coffee organization", "x")
    assert _matches("ico-coffee", coffee)  # the acronym before the qualifier


def test_scores_and_splits() -> None:
    score = Score("country", "all", tp=9, n_predicted=10, n_gold=12)
    assert (score.precision, round(score.recall, 3), round(score.f1, 3)) == (0.9, 0.75, 0.818)
    assert Score("org", "all", 0, 0, 0).f1 == 0.0
    halves = {split_of(f"reuters-{i}") for i in range(20)}
    assert halves == {"train", "validation"}
    assert split_of("reuters-1") == split_of("reuters-1")


def _results_table() -> dict[tuple[str, str], tuple[float, float, float]]:
    """The default-mode table of RESULTS.md's 'Tagging quality' section."""
    text = (REPO / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    section = text.split("## Tagging quality", 1)[1].split("\n## ", 1)[0]
    table = section.split("<!-- eval-default -->", 1)[1].split("<!-- /eval-default -->", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and re.fullmatch(r"0\.\d{3}", cells[2]):
            rows[(cells[0], cells[1])] = (float(cells[2]), float(cells[3]), float(cells[4]))
    return rows


@pytest.mark.slow
def test_eval_reproduces_the_published_figures(reuters_file) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app, ["eval", "--articles", str(reuters_file), "--gold", str(GOLD), "--json"]
    )
    assert result.exit_code == 0, result.output
    measured = {
        (s["split"], s["kind"]): (s["precision"], s["recall"], s["f1"])
        for s in json.loads(result.output)
    }
    published = _results_table()
    assert published, "no figures found in benchmarks/RESULTS.md"
    for key, figures in published.items():
        assert measured[key] == pytest.approx(figures, abs=0.0015), key
    # the targets, on the held-out half
    country = measured[("validation", "country")]
    assert country[0] >= 0.90 and country[2] >= 0.92
    # pairs: 0.65 is met on this half (0.693) but not on average over other divisions
    # (about 0.62, see RESULTS.md); this guards what was reached (0.506 before)
    assert measured[("validation", "country pair")][2] >= 0.65
    # people and organisations with their own thresholds (0.401 and 0.407 before)
    assert measured[("validation", "person")][2] >= 0.43
    assert measured[("validation", "org")][2] >= 0.47
