"""Mentions next to a figure (a round-up of figures names each country once, beside its
number), and the people's and organisations' own focus thresholds."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from cooccur.gazetteer import Gazetteer, load_gazetteer
from cooccur.normalize import normalize_text
from cooccur.salience import SalienceModel, evidence, features, score
from cooccur.tagger import Tagger, mention_roles, tag_articles

FIGURES = (  # reuters-style EC crop round-up: every country beside its figure
    "PARIS, March 3 - Soft wheat output was 3.44 mln tonnes in France, 3.17 mln tonnes "
    "in West Germany and 1.2 mln in Italy, the commission said.\n\n"
    "Holland 2,444,260\n\nBelgium 1,201,300"
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def _roles(gazetteer: Gazetteer, text: str) -> dict[str, str]:
    matches = Tagger(gazetteer).find(text)
    return {m.surface: r for m, r in zip(matches, mention_roles(text, matches, None), strict=True)}


@pytest.mark.parametrize(
    ("text", "surface", "role"),
    [
        ("Output was 3.44 mln tonnes in France last year.", "France", "figure"),
        ("Imports from Holland 2,444,260 guilders.", "Holland", "figure"),
        ("Exports rose 12 pct, with Japan taking most.", "Japan", "figure"),
        ("Holland 2,444,260", "Holland", "figure"),  # a table row starts a sentence
        ("Japan 1987 exports rose.", "Japan", "subject"),
        # a year, a date or a group's name is not a figure
        ("In 1986 the talks with Japan went on.", "Japan", ""),
        ("On March 3 the talks with Japan went on.", "Japan", ""),
        ("The G-7 meeting with Japan went on.", "Japan", ""),
        # beyond 25 characters, or on another line
        ("Output was 3.44 mln tonnes, all of it sold last year in France.", "France", ""),
        ("Output was 3.44 mln\n\ntonnes in France.", "France", ""),
        # the other roles come first
        ("Japan said output rose 12 pct.", "Japan", "subject"),
        ("It cost 12 Australian dlrs.", "Australian", "currency"),
    ],
)
def test_figure_role(gazetteer: Gazetteer, text: str, surface: str, role: str) -> None:
    assert _roles(gazetteer, text)[surface] == role


def test_figure_share_feature(gazetteer: Gazetteer) -> None:
    frame = pl.DataFrame(
        {"article_id": ["ec"], "title": ["EC WHEAT OUTPUT"], "text": [FIGURES]}
    ).with_columns(normalize_text("text"))
    result = tag_articles(frame, Tagger(gazetteer), gazetteer=gazetteer)
    rows = features(evidence(result.mentions, result.articles, gazetteer))
    share = dict(rows.select("entity_key", "figure_share").iter_rows())
    for iso3 in ("DEU", "ITA", "NLD", "BEL"):
        assert share[f"country:{iso3}"] == 1.0, iso3
    countries = rows.filter(pl.col("kind") == "country")
    assert countries["art_figure"].unique().to_list() == [1.0]  # each beside a figure


def test_people_and_organisations_have_their_own_thresholds(tmp_path: Path) -> None:
    rows = pl.DataFrame(
        {
            "article_id": ["a"] * 3,
            "entity_key": ["country:FRA", "person:john smith", "org:imf"],
            "kind": ["country", "person", "org"],
            "n_mentions": [1, 1, 1],
            "in_title": [1.0, 1.0, 1.0],
        }
    )
    model = SalienceModel({"in_title": 0.0}, 0.0, 0.4, person_threshold=0.6, org_threshold=0.3)
    focus = dict(score(rows, model).select("entity_key", "focus").iter_rows())  # salience 0.5
    assert focus == {"country:FRA": True, "person:john smith": False, "org:imf": True}
    model.save(tmp_path / "m.json")
    assert SalienceModel.load(tmp_path / "m.json") == model
    bundled = SalienceModel.load()
    assert bundled.person_threshold is not None and bundled.org_threshold is not None
    assert bundled.person_threshold > bundled.threshold  # people were over-tagged
