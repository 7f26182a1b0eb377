"""Sentence tone: VADER's compound score, computed once per sentence that names two entities.

VADER (Hutto & Gilbert 2014) is a lexicon and rules shipped inside the `vaderSentiment`
package, so scoring needs no model download. Only sentences naming two or more entities are
scored: those are the ones a pair's tone (`tone_mean` in `cooccurrence`) averages. The
scores come from `cooccur.vader_fast`, which computes VADER's own number several times
faster than the package; on request (`COOCCUR_TONE_WORKERS`), worker processes score the
batches while this process writes them.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import closing, suppress

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
WORKERS_ENV = "COOCCUR_TONE_WORKERS"
# With workers asked for, fewer pending sentences than this still stay in one process.
PARALLEL_MIN_SENTENCES = 100_000


def score_sentences(sentences: pl.DataFrame) -> pl.DataFrame:
    """Add `compound` (VADER, in [-1, 1]) to a frame with a `sentence` column."""
    scores = compound_scores(sentences["sentence"].to_list())
    return sentences.with_columns(pl.Series("compound", scores, dtype=pl.Float64))


def default_workers() -> int:
    """`$COOCCUR_TONE_WORKERS`, else 1.

    One process by default: a batch costs this process about as much to read, hand over and
    write as a worker spends scoring it, so on a busy 2-core machine two workers measured
    slower than one process (21,802 and 130,812 Reuters sentences; `benchmarks/tone.py`).
    """
    given = os.environ.get(WORKERS_ENV, "").strip()
    if given:
        if not given.isdigit():
            raise ValueError(f"${WORKERS_ENV} must be a number of processes, not {given!r}")
        return max(1, int(given))
    return 1


def fill_sentence_tone(
    store: Store,
    *,
    batch_size: int = BATCH_SENTENCES,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    new_only: bool = False,
) -> int:
    """Score the sentences that lack a tone; each batch commits on its own. Returns how many.

    `new_only`: look only at articles not counted yet (the others were scored before).
    With `workers` > 1 (default: `default_workers()`, then only when at least
    `PARALLEL_MIN_SENTENCES` are pending; an explicit `workers` applies from two batches)
    worker processes score the batches and this process alone writes them, in order: the
    scores are the same.
    """
    with store.transaction():
        store.execute(
            "create or replace temp table tone_scope as select ?::boolean as new_only", [new_only]
        )
        store.run("analytics/tone_pending")
    total = store.scalar("select count(*) from tone_pending")
    n_batches = -(-total // batch_size)
    explicit = workers is not None
    workers = default_workers() if workers is None else max(1, workers)
    parallel = workers > 1 and (
        n_batches >= 2 if explicit else total >= PARALLEL_MIN_SENTENCES and n_batches >= 2
    )
    batches = _pending_batches(store, total, batch_size)
    if parallel:
        scored = _score_in_workers(batches, min(workers, n_batches))
    else:
        scored = (score_sentences(batch) for batch in batches)
    done = 0
    with closing(scored):  # on a failed write, stop the workers too
        for frame in scored:
            rows = frame.select(list(TONE_SCHEMA)).cast(TONE_SCHEMA)  # type: ignore[arg-type]
            with store.transaction():
                store.run_with("analytics/write_tone", batch_tone=rows)
            done += frame.height
            if progress:
                progress(done, total)
    store.execute("drop table if exists tone_pending")
    return total


def _pending_batches(store: Store, total: int, batch_size: int) -> Iterator[pl.DataFrame]:
    for start in range(0, total, batch_size):
        yield store.query(
            "select * from tone_pending where row_no > ? and row_no <= ? order by row_no",
            [start, start + batch_size],
        )


# A worker is `python -c` running `vader_fast.serve_scores`, fed pickled batches of sentences
# on stdin and answering pickled lists of scores on stdout, as in `cooccur.tag`: forking a
# process that holds DuckDB and Polars threads can deadlock, and multiprocessing's spawn runs
# the caller's main script again in every worker unless it is guarded by `__main__`. The
# worker imports neither Polars nor DuckDB, so it starts in a tenth of a second.
_WORKER_CODE = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from cooccur.vader_fast import serve_scores; serve_scores()"
)


class _Worker:
    """One scoring process; answers the batches it is sent in the order it got them."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_CODE], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.send(sys.path)

    def send(self, value: object) -> None:
        assert self.process.stdin is not None
        pickle.dump(value, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.flush()

    def receive(self) -> list[float]:
        try:
            ok, value = pickle.load(self.process.stdout)  # type: ignore[arg-type]
        except EOFError:
            code = self.process.wait()
            raise RuntimeError(f"a tone worker stopped (exit code {code})") from None
        if not ok:
            raise RuntimeError(f"a tone worker failed: {value}")
        return value

    def close(self, *, kill: bool) -> None:
        if kill:
            self.process.kill()
        assert self.process.stdin is not None
        with suppress(OSError):
            self.process.stdin.close()  # the worker ends when its input does
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def _score_in_workers(batches: Iterator[pl.DataFrame], workers: int) -> Iterator[pl.DataFrame]:
    """Each batch with its `compound` column, in order, scored by `workers` processes, two
    batches ahead each (only the texts travel; the keys wait here)."""
    pool = [_Worker() for _ in range(workers)]
    ahead: deque[tuple[_Worker, pl.DataFrame]] = deque()

    def answer() -> pl.DataFrame:
        worker, keys = ahead.popleft()
        return keys.with_columns(pl.Series("compound", worker.receive(), dtype=pl.Float64))

    try:
        for index, batch in enumerate(batches):
            worker = pool[index % workers]
            texts = batch["sentence"].fill_null("")
            # one string and the lengths: Polars builds them, no Python object per sentence
            worker.send((texts.str.join("").item(), texts.str.len_chars().to_list()))
            ahead.append((worker, batch.drop("sentence")))
            if len(ahead) >= 2 * workers:
                yield answer()
        while ahead:
            yield answer()
    finally:
        for worker in pool:
            worker.close(kill=bool(ahead))
