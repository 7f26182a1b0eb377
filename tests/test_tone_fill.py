"""`fill_sentence_tone`: VADER's scores stored once per sentence naming two entities, batch by
batch, and only for new articles when asked; tagging stores the same scores as it goes."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import ingest_reuters_subset
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from cooccur.gazetteer import load_gazetteer
from cooccur.store import Store
from cooccur.tag import TagOptions, tag_pending
from cooccur.tone import fill_sentence_tone

SCORED = (
    "select t.article_id, t.sentence_id, t.compound::double as compound, "
    "substr(case when s.sentence_id = 0 then a.title else a.text end, "
    "       s.start_char + 1, s.end_char - s.start_char) as sentence "
    "from sentence_tone t join sentences s using (article_id, sentence_id) "
    "join articles a using (article_id) order by t.article_id, t.sentence_id"
)


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory, reuters_file: Path, seed_dir: Path) -> Path:
    """The seed and the first 300 Reuters stories, ingested and tagged, no tone yet."""
    path = ingest_reuters_subset(tmp_path_factory.mktemp("tone"), reuters_file, seed_dir)
    with Store(path) as store:
        tag_pending(store, load_gazetteer(), workers=1, options=TagOptions(tone=False))
        assert store.scalar("select count(*) from sentence_tone") == 0
    return path


def scored_after(tagged: Path, copy: Path, **options: object) -> pl.DataFrame:
    shutil.copy(tagged, copy)
    seen: list[tuple[int, int]] = []
    with Store(copy) as store:
        n = fill_sentence_tone(store, progress=lambda d, t: seen.append((d, t)), **options)  # type: ignore[arg-type]
        assert fill_sentence_tone(store, **options) == 0  # nothing left: a rerun scores nothing
        frame = store.query(SCORED)
    assert frame.height == n == seen[-1][0] == seen[-1][1]
    return frame


def test_batches_store_vader_scores_once(tagged: Path, tmp_path: Path) -> None:
    whole = scored_after(tagged, tmp_path / "whole.duckdb")
    split = scored_after(tagged, tmp_path / "split.duckdb", batch_size=100)
    assert whole.height > 300
    assert split.equals(whole)
    stock = SentimentIntensityAnalyzer()
    expected = [round(stock.polarity_scores(s)["compound"], 4) for s in whole["sentence"]]
    assert whole["compound"].to_list() == expected
    assert whole["compound"].abs().sum() > 10  # not all zero


def test_new_only_looks_at_articles_not_counted_yet(tagged: Path, tmp_path: Path) -> None:
    copy = tmp_path / "counted.duckdb"
    shutil.copy(tagged, copy)
    with Store(copy) as store:
        store.execute(
            "insert into counted_articles select article_id, published_at from articles "
            "where article_id in (select article_id from tagged_articles)"
        )
        assert fill_sentence_tone(store, new_only=True) == 0  # all counted: nothing to look at
        assert fill_sentence_tone(store) > 300


def test_tagging_scores_the_same_sentences_as_the_count_stage(tagged: Path, tmp_path: Path) -> None:
    by_count = scored_after(tagged, tmp_path / "by_count.duckdb")
    copy = tmp_path / "by_tag.duckdb"
    shutil.copy(tagged, copy)
    with Store(copy) as store:
        store.run("reset_tags")  # tag again, tone on, in two batches
        tag_pending(store, load_gazetteer(), workers=1, batch_size=150, options=TagOptions())
        assert fill_sentence_tone(store) == 0  # nothing left for the count stage
        by_tag = store.query(SCORED)
        tag_pending(store, load_gazetteer(), workers=1)  # nothing new: nothing changes
        store.run("reset_tags")  # a re-tag replaces the scores, never doubles them
        tag_pending(store, load_gazetteer(), workers=1, options=TagOptions())
        assert store.query(SCORED).equals(by_tag)
    assert by_tag.equals(by_count)
