"""`density`: the share of an article's sentences that name any candidate of the kind;
`coverage`: the share that name this entity."""

from __future__ import annotations

import polars as pl

from cooccur.gazetteer import load_gazetteer
from cooccur.normalize import normalize_text
from cooccur.salience import evidence, features
from cooccur.tagger import Tagger, tag_articles


def test_density_counts_sentences_naming_any_candidate() -> None:
    gazetteer = load_gazetteer()
    frame = pl.DataFrame(
        {
            "article_id": ["two", "title"],
            "title": ["JAPAN EXPORTS RISE", "JAPAN EXPORTS RISE"],
            "text": [
                "TOKYO, April 8 - Japan's exports rose. Shares fell. The U.S. said so. "
                "Japan and the U.S. agreed.",
                "Shares fell sharply. Prices rose.",  # the country only in the title
            ],
        }
    ).with_columns(normalize_text("text"))
    result = tag_articles(frame, Tagger(gazetteer), gazetteer=gazetteer)
    rows = features(evidence(result.mentions, result.articles, gazetteer))
    got = {
        (a, k): (round(d, 4), round(c, 4))
        for a, k, d, c in rows.filter(pl.col("kind") == "country")
        .select("article_id", "entity_key", "density", "coverage")
        .iter_rows()
    }
    assert got == {
        ("two", "country:JPN"): (0.75, 0.5),  # sentences 1, 3, 4 of 4 name a country
        ("two", "country:USA"): (0.75, 0.5),
        ("title", "country:JPN"): (0.0, 0.0),  # no sentence of the text names one
    }
    assert not {"_named", "_sids"} & set(rows.columns)
