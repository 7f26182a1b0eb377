"""Sentence tone: VADER's compound score, computed once per sentence that names two entities.

VADER (Hutto & Gilbert 2014) is a lexicon and rules shipped inside the `vaderSentiment`
package, so scoring needs no model download. Only sentences naming two or more entities are
scored: those are the ones a pair's tone (`tone_mean` in `cooccurrence`) averages. The
scores come from `cooccur.vader_fast`, which computes VADER's own number several times
faster than the package.

The tag stage scores each batch's sentences as it tags them (`batch_tone`: the texts are at
hand and the tagging processes share the work); the count stage scores what is still
missing (`fill_sentence_tone`: articles tagged with tone off, or before this existed).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from cooccur.store import Store
from cooccur.vader_fast import compound_scores

BATCH_SENTENCES = 5_000
TONE_SCHEMA = {
    "article_id": pl.String,
    "sentence_id": pl.Int32,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "compound": pl.Float64,
}


def score_sentences(sentences: pl.DataFrame) -> pl.DataFrame:
    """Add `compound` (VADER, in [-1, 1]) to a frame with a `sentence` column."""
    scores = compound_scores(sentences["sentence"].to_list())
    return sentences.with_columns(pl.Series("compound", scores, dtype=pl.Float64))


def batch_tone(
    articles: pl.DataFrame, sentences: pl.DataFrame, mentions: pl.DataFrame
) -> pl.DataFrame:
    """Tone rows (`TONE_SCHEMA`) of a tagged batch: its sentences naming two or more
    distinct entities, the same ones `sql/analytics/tone_pending.sql` picks from the tables.

    `articles` has `article_id, title, text`; `sentences` and `mentions` are the tagger's
    frames of those articles (sentence 0 is the title, spans count within it).
    """
    shared = (
        mentions.group_by("article_id", "sentence_id")
        .agg(pl.col("entity_key").n_unique().alias("entities"))
        .filter(pl.col("entities") >= 2)
    )
    start, end = pl.col("start_char"), pl.col("end_char")
    rows = (
        sentences.join(shared, on=["article_id", "sentence_id"], how="semi")
        .join(articles.select("article_id", "title", "text"), on="article_id")
        .sort("article_id", "sentence_id")
        .select(
            "article_id",
            "sentence_id",
            "start_char",
            "end_char",
            pl.when(pl.col("sentence_id") == 0)
            .then(pl.col("title"))
            .otherwise(pl.col("text"))
            .str.slice(start, end - start)
            .alias("sentence"),
        )
    )
    return score_sentences(rows).select(list(TONE_SCHEMA)).cast(TONE_SCHEMA)  # type: ignore[arg-type]


def fill_sentence_tone(
    store: Store,
    *,
    batch_size: int = BATCH_SENTENCES,
    progress: Callable[[int, int], None] | None = None,
    new_only: bool = False,
) -> int:
    """Score the sentences that lack a tone; each batch commits on its own. Returns how many.

    `new_only`: look only at articles not counted yet (the others were scored before). One
    process: the batches' reads and writes cost this process about as much as scoring them,
    so worker processes measured no faster on two cores.
    """
    with store.transaction():
        store.execute(
            "create or replace temp table tone_scope as select ?::boolean as new_only", [new_only]
        )
        store.run("analytics/tone_pending")
    total = store.scalar("select count(*) from tone_pending")
    for start in range(0, total, batch_size):
        batch = store.query(
            "select * from tone_pending where row_no > ? and row_no <= ? order by row_no",
            [start, start + batch_size],
        )
        rows = score_sentences(batch).select(list(TONE_SCHEMA)).cast(TONE_SCHEMA)  # type: ignore[arg-type]
        with store.transaction():
            store.run_with("analytics/write_tone", batch_tone=rows)
        if progress:
            progress(start + batch.height, total)
    store.execute("drop table if exists tone_pending")
    return total
