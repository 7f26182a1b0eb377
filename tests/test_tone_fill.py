"""`fill_sentence_tone`: VADER's scores, the same in one process or in worker processes."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import ingest_reuters_subset
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from cooccur.gazetteer import load_gazetteer
from cooccur.store import Store
from cooccur.tag import tag_pending
from cooccur.tone import (
    PARALLEL_MIN_SENTENCES,
    WORKERS_ENV,
    _score_in_workers,
    _Worker,
    default_workers,
    fill_sentence_tone,
)
from cooccur.vader_fast import compound_scores

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
        tag_pending(store, load_gazetteer(), workers=1)
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


def test_workers_store_the_same_scores_as_vader(tagged: Path, tmp_path: Path) -> None:
    alone = scored_after(tagged, tmp_path / "alone.duckdb", workers=1)
    # explicit workers split even a small set: 2 processes, 5 batches each way
    split = scored_after(tagged, tmp_path / "split.duckdb", workers=2, batch_size=100)
    assert alone.height > 300
    assert split.equals(alone)
    stock = SentimentIntensityAnalyzer()
    expected = [round(stock.polarity_scores(s)["compound"], 4) for s in alone["sentence"]]
    assert alone["compound"].to_list() == expected
    assert alone["compound"].abs().sum() > 10  # not all zero


def test_workers_get_every_text_whole() -> None:
    texts = ["Good!", None, "", "😁 great 💘", "İYİ Σ bad", "x" * 3000, "not bad\nat all", "ok"]
    batches = [
        pl.DataFrame({"row_no": list(range(len(texts)))[i : i + 3], "sentence": texts[i : i + 3]})
        for i in range(0, len(texts), 3)
    ]
    scored = pl.concat(list(_score_in_workers(iter(batches), 2)))
    assert scored["row_no"].to_list() == list(range(len(texts)))
    assert "sentence" not in scored.columns
    assert scored["compound"].to_list() == compound_scores(texts)
    assert scored["compound"].to_list()[3] > 0.5


def test_a_failing_worker_stops_the_stage_with_its_error() -> None:
    worker = _Worker()
    try:
        worker.send(("abc", [5]))  # lengths that do not fit the text
        with pytest.raises(RuntimeError, match="(?s)tone worker failed.*5 characters of 3"):
            worker.receive()
    finally:
        worker.close(kill=False)


def test_worker_count_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WORKERS_ENV, raising=False)
    monkeypatch.setenv("COOCCUR_TAG_WORKERS", "2")
    assert default_workers() == 1  # one process unless asked: workers did not pay off
    monkeypatch.setenv(WORKERS_ENV, "3")
    assert default_workers() == 3
    monkeypatch.setenv(WORKERS_ENV, "two")
    with pytest.raises(ValueError, match=WORKERS_ENV):
        default_workers()
    assert PARALLEL_MIN_SENTENCES >= 10_000  # small runs never pay for starting processes
