"""Sentence tone: VADER's compound score, computed once per sentence that names two entities.

VADER (Hutto & Gilbert 2014) is a lexicon and rules shipped inside the `vaderSentiment`
package, so scoring needs no model download. It scores about 3,000 sentences a second on
one core, so only sentences naming two or more entities are scored: those are the ones a
pair's tone (`tone_mean` in `cooccurrence`) averages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import polars as pl

from cooccur.store import Store

BATCH_SENTENCES = 5_000
TONE_SCHEMA = {
    "article_id": pl.String,
    "sentence_id": pl.Int32,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "compound": pl.Float64,
}


@cache
def _analyzer():  # type: ignore[no-untyped-def]
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score_sentences(sentences: pl.DataFrame) -> pl.DataFrame:
    """Add `compound` (VADER, in [-1, 1]) to a frame with a `sentence` column."""
    analyzer = _analyzer()
    scores = [analyzer.polarity_scores(text or "")["compound"] for text in sentences["sentence"]]
    return sentences.with_columns(pl.Series("compound", scores, dtype=pl.Float64))


def fill_sentence_tone(
    store: Store,
    *,
    batch_size: int = BATCH_SENTENCES,
    progress: Callable[[int, int], None] | None = None,
    new_only: bool = False,
) -> int:
    """Score the sentences that lack a tone; each batch commits on its own. Returns how many.

    `new_only`: look only at articles not counted yet (the others were scored before)."""
    with store.transaction():
        store.execute(
            "create or replace temp table tone_scope as select ?::boolean as new_only", [new_only]
        )
        store.run("analytics/tone_pending")
    total = store.scalar("select count(*) from tone_pending")
    done = 0
    while done < total:
        batch = store.query(
            "select * from tone_pending where row_no > ? and row_no <= ? order by row_no",
            [done, done + batch_size],
        )
        scored = score_sentences(batch).select(list(TONE_SCHEMA)).cast(TONE_SCHEMA)  # type: ignore[arg-type]
        with store.transaction():
            store.run_with("analytics/write_tone", batch_tone=scored)
        done += batch.height
        if progress:
            progress(done, total)
    store.execute("drop table if exists tone_pending")
    return total
