"""The tag stage: tag every article not yet tagged by the current tagger, in batches.

When the tagger changes (gazetteer, themes, salience model, name finders or options: its
version differs from the one recorded in `meta`), all tags are dropped and every article
is tagged again, so tables never mix versions.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import pickle
import queue
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from cooccur.gazetteer import Gazetteer
from cooccur.ner import NameFinder, RuleFinder, SpacyFinder
from cooccur.pipe_worker import PipeWorker
from cooccur.salience import SalienceModel, article_entities
from cooccur.settings import DATA_DIR
from cooccur.store import SCHEMA_VERSION, Store
from cooccur.tagger import Tagger, tag_articles
from cooccur.themes import ThemeTagger
from cooccur.tone import TONE_SCHEMA, batch_tone

BATCH_ARTICLES = 5_000


@dataclass
class TagSummary:
    articles_tagged: int = 0
    mentions: int = 0
    retagged_all: bool = False

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


@dataclass
class TagOptions:
    """How to tag, beyond the gazetteer: `cooccur tag`/`run` options."""

    ner: str | None = None  # a spaCy pipeline name, or None for the rule finder alone
    name_rules: bool = True  # titles and company suffixes find people and organisations
    places_as_countries: bool = False
    themes: Sequence[Path | str] = field(default_factory=list)  # extra theme files
    # score sentence tone while tagging (not part of the tagger's version: the count stage
    # scores whatever is missing, so tags made with it on or off are the same tags)
    tone: bool = True

    @classmethod
    def from_env(cls, **given: object) -> TagOptions:
        """Options given, else `$COOCCUR_NER`, `$COOCCUR_PLACES_AS_COUNTRIES`, `$COOCCUR_THEMES`,
        `$COOCCUR_TONE` (0 or false: no tone while tagging)."""
        options = cls(
            ner=os.environ.get("COOCCUR_NER") or None,
            places_as_countries=os.environ.get("COOCCUR_PLACES_AS_COUNTRIES", "").lower()
            in ("1", "true", "yes"),
            tone=os.environ.get("COOCCUR_TONE", "").lower() not in ("0", "false", "no"),
        )
        for name, value in given.items():
            if value not in (None, False, [], ()):
                setattr(options, name, value)
        return options

    def finders(self) -> list[NameFinder]:
        finders: list[NameFinder] = [RuleFinder()] if self.name_rules else []
        if self.ner:
            finders.append(SpacyFinder(self.ner))
        return finders


def tagger_version(
    gazetteer: Gazetteer,
    finders: Sequence[NameFinder],
    themes: ThemeTagger,
    model: SalienceModel,
    options: TagOptions,
) -> str:
    parts = [
        gazetteer.version,
        themes.version,
        repr(model),
        *(f.version for f in finders),
        f"places_as_countries={options.places_as_countries}",
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def sync_entities(store: Store, gazetteer: Gazetteer, version: str | None = None) -> bool:
    """Write entities and aliases; True if the tagger changed since the last tagging.

    The gazetteer is written only when it is not the one last written (`meta`
    `gazetteer_synced`): rewriting the same entities cost a tagging run 0.2 s and more.
    """
    version = version or gazetteer.version
    synced = f"{gazetteer.version}/{SCHEMA_VERSION}"
    previous = store.meta("tagger_version")
    changed = previous != version
    stale = store.meta("gazetteer_synced") != synced
    if not (changed or stale):
        return False
    with store.transaction():
        if stale:
            entities, aliases = _gazetteer_frames(gazetteer)
            store.run_with("sync_entities", gazetteer_entities=entities, gazetteer_aliases=aliases)
            store.execute("insert or replace into meta values ('gazetteer_synced', ?)", [synced])
        if changed:
            store.run("reset_tags")
            store.execute("insert or replace into meta values ('tagger_version', ?)", [version])
    return changed and previous is not None


def _gazetteer_frames(gazetteer: Gazetteer) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The inputs of `sync_entities.sql`."""
    entities = pl.DataFrame(
        [
            {
                "key": e.key,
                "name": e.name,
                "kind": e.kind,
                "iso3": e.iso3,
                "country_iso3": e.country_iso3,
                "wikidata": e.wikidata,
            }
            for e in gazetteer.entities.values()
        ],
        schema={
            "key": pl.String,
            "name": pl.String,
            "kind": pl.String,
            "iso3": pl.String,
            "country_iso3": pl.String,
            "wikidata": pl.String,
        },
    )
    aliases = pl.DataFrame(
        [(form.lower(), key) for key, forms in gazetteer.aliases.items() for form in forms],
        schema={"alias": pl.String, "key": pl.String},
        orient="row",
    ).unique()
    return entities, aliases


@dataclass
class TagContext:
    """Everything a batch is tagged with; built once per process, the same on every worker."""

    gazetteer: Gazetteer
    options: TagOptions
    tagger: Tagger
    finders: list[NameFinder]
    themes: ThemeTagger
    model: SalienceModel
    version: str

    @classmethod
    def build(cls, gazetteer: Gazetteer, options: TagOptions | None = None) -> TagContext:
        options = options or TagOptions.from_env()
        finders = options.finders()
        themes = ThemeTagger.load(options.themes)
        model = SalienceModel.load()
        version = tagger_version(gazetteer, finders, themes, model, options)
        return cls(gazetteer, options, Tagger(gazetteer), finders, themes, model, version)


# Articles the text tagger reads: GDELT records arrive with their entities (gkg_mentions).
_PENDING = (
    "from articles where article_id not in (select article_id from tagged_articles) "
    "and source <> 'gdelt'"
)
PENDING_IDS_SQL = "select article_id " + _PENDING + " order by article_id"
_COUNT_TEXT_SQL = "select count(*) from articles where source <> 'gdelt'"
# The rows are found by id first and their texts read after (by rowid): a join would read
# every article's text to keep a few (4-5 s for 1,000 new articles among a million).
_FETCH_SQL = (
    "select article_id, title, text, published_at from articles where rowid in "
    "(select rowid from articles semi join pending_ids using (article_id)) order by article_id"
)
FETCH_BATCHES = 10  # batches read from the database per query


def pending_ids(store: Store) -> pl.DataFrame:
    """Ids of the articles to tag, in order: the anti join against `tagged_articles` runs
    once per stage, not once per batch (that made tagging quadratic in the articles)."""
    return store.query(PENDING_IDS_SQL)


def pending_batches(
    store: Store, ids: pl.DataFrame, batch_size: int = BATCH_ARTICLES
) -> Iterator[pl.DataFrame]:
    """The articles of `ids` (`article_id, title, text, published_at`), `batch_size` at a
    time, read `FETCH_BATCHES` batches per query; the same batches as re-selecting the
    first `batch_size` pending articles after each batch is written."""
    step = batch_size * FETCH_BATCHES
    for offset in range(0, ids.height, step):
        store.register("pending_ids", ids.slice(offset, step))
        try:
            articles = store.query(_FETCH_SQL)
        finally:
            store.unregister("pending_ids")
        yield from articles.iter_slices(batch_size)


def pending_before_prepare(store: Store, context: TagContext) -> tuple[int, pl.DataFrame | None]:
    """How many articles `prepare` will leave to tag, and their ids when known already.

    Known before `prepare` runs, so that worker processes can start meanwhile: it changes
    only GDELT's articles, unless the tagger changed (then every text article is to tag).
    """
    stored = store.meta("tagger_version")
    if stored != context.version:
        return store.scalar(_COUNT_TEXT_SQL), None
    ids = pending_ids(store)
    return ids.height, ids


def gkg_theme_map() -> pl.DataFrame:
    """GDELT theme tokens and the cooccur theme each stands for (`MILITARY` → defense)."""
    schema = {"gkg_token": pl.String, "theme": pl.String}
    return pl.read_csv(DATA_DIR / "gkg_themes.csv", schema=schema)


def prepare(store: Store, context: TagContext) -> bool:
    """Sync entities, take in GDELT's own mentions; True if every article must be re-tagged."""
    retagged = sync_entities(store, context.gazetteer, context.version)
    if store.scalar("select exists (select 1 from articles where source = 'gdelt')"):
        with store.transaction():  # its anti joins cost ≈ 1 s at a million text articles
            store.run_with("gkg_mentions", gkg_theme_map=gkg_theme_map())
    return retagged


def tag_batch_frames(batch: pl.DataFrame, context: TagContext) -> dict[str, pl.DataFrame]:
    """Tag one batch (`article_id, title, text, published_at`): the inputs of `write_tags`.

    Pure: touches no database, so it runs the same in this process or on a worker.
    """
    result = tag_articles(
        batch,
        context.tagger,
        gazetteer=context.gazetteer,
        finders=context.finders,
        themes=context.themes,
        places_as_countries=context.options.places_as_countries,
    )
    salience = article_entities(result.mentions, result.articles, context.gazetteer, context.model)
    tone = batch_tone(batch, result.sentences, result.mentions) if context.options.tone else None
    datelines = result.articles.filter(pl.col("dateline_place").is_not_null()).select(
        pl.col("article_id"),
        pl.col("dateline_place").alias("place"),
        pl.col("dateline_key").alias("entity_key"),
        pl.col("dateline_country").alias("country_key"),
    )
    return {
        "batch_articles": batch.select("article_id"),
        "batch_sentences": result.sentences,
        "batch_mentions": result.mentions,
        "batch_entities": result.entities,
        "batch_article_entities": salience,
        "batch_themes": result.themes,
        "batch_datelines": datelines,
        "batch_tone": pl.DataFrame(schema=TONE_SCHEMA) if tone is None else tone,
    }


def write_batch(store: Store, frames: dict[str, pl.DataFrame]) -> None:
    """One tagged batch, all or nothing."""
    with store.transaction():
        store.run_with("write_tags", **frames)


WORKERS_ENV = "COOCCUR_TAG_WORKERS"
PARALLEL_MIN_BATCHES = 3  # fewer pending batches than this: starting workers costs more


def default_workers() -> int:
    """`$COOCCUR_TAG_WORKERS`, else one per core up to two (the machines this runs on)."""
    given = os.environ.get(WORKERS_ENV, "").strip()
    if given:
        if not given.isdigit():
            raise ValueError(f"${WORKERS_ENV} must be a number of processes, not {given!r}")
        return max(1, int(given))
    return max(1, min(2, os.cpu_count() or 1))


def tag_pending(
    store: Store,
    gazetteer: Gazetteer,
    *,
    options: TagOptions | None = None,
    batch_size: int = BATCH_ARTICLES,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> TagSummary:
    """Tag the articles that have no tags yet; each batch is committed on its own.

    With `workers` > 1 (default: `default_workers()`, when there are at least
    `PARALLEL_MIN_BATCHES` batches) chunks of the batches are tagged by this process and
    `workers - 1` worker processes (`TagPool`), while this process alone writes the batches,
    in order: the tables are the same as with one process.
    """
    context = TagContext.build(gazetteer, options)
    total, ids = pending_before_prepare(store, context)  # workers start while it runs
    n_batches = -(-total // batch_size)
    explicit = workers is not None
    workers = default_workers() if workers is None else max(1, workers)
    pool = None
    if workers > 1 and n_batches >= (2 if explicit else PARALLEL_MIN_BATCHES):
        chunk = chunk_articles(total, workers, batch_size)
        pool = TagPool(context, workers - 1, chunk=chunk)  # and this process
    try:
        summary = TagSummary(retagged_all=prepare(store, context))
        if ids is None:
            ids = pending_ids(store)
        total = ids.height
        if pool is not None:
            tagged = _tag_in_workers(pending_batches(store, ids, batch_size), pool)
        else:
            tagged = (tag_batch_frames(b, context) for b in pending_batches(store, ids, batch_size))
        with closing(tagged):
            for frames in tagged:
                write_batch(store, frames)
                summary.articles_tagged += frames["batch_articles"].height
                summary.mentions += frames["batch_mentions"].height
                if progress:
                    progress(summary.articles_tagged, total)
    except BaseException:
        if pool is not None:  # on a failed write, stop the workers at once
            pool.close(kill=True)
        raise
    if pool is not None:
        pool.close()
    return summary


def _start_worker() -> PipeWorker:
    """A process serving `_serve_batches`; its tag context is sent by `TagPool._feed`."""
    # one Polars thread a worker: the workers already keep the cores busy, and a pool
    # per worker only spends CPU handing small frames between threads
    env = {**os.environ, "POLARS_MAX_THREADS": os.environ.get("POLARS_MAX_THREADS", "1")}
    return PipeWorker("cooccur.tag._serve_batches", "tagging worker", env=env)


def _serve_batches() -> None:
    """A worker's main loop: build the tag context, say whether that worked, then tag each
    batch sent."""
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed may mix into the answers

    def answer(value: tuple[bool, object]) -> None:
        pickle.dump(value, sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()

    gazetteer, options, version = pickle.load(source)
    inbox: queue.Queue[pl.DataFrame | None] = queue.Queue()

    def read() -> None:  # always drain the input: the parent never blocks writing
        while True:
            try:
                inbox.put(pickle.load(source))
            except Exception:  # end of input, or a parent killed in mid-batch
                inbox.put(None)
                return

    threading.Thread(target=read, daemon=True).start()
    try:
        context = TagContext.build(gazetteer, options)
        if context.version != version:  # e.g. a theme file changed meanwhile
            raise RuntimeError(f"worker built tagger {context.version}, the stage {version}")
    except Exception:
        answer((False, traceback.format_exc()))
        return
    answer((True, None))
    while (batch := inbox.get()) is not None:
        try:
            answer((True, tag_batch_frames(batch, context)))
        except Exception:
            answer((False, traceback.format_exc()))


CHUNK_ARTICLES = 1_000  # fewest articles tagged at a time by one process (a batch is written whole)
CHUNKS_PER_PROCESS = 8  # a stage's chunks a process, at least: each stays busy to the end
IN_FLIGHT = 2  # chunks sent ahead to a process: it never waits for this one's GIL


def chunk_articles(articles: int, processes: int, batch_size: int = BATCH_ARTICLES) -> int:
    """Articles a chunk in a stage of `articles` on `processes` processes: small enough that
    every process has `CHUNKS_PER_PROCESS` or more, else as large as a batch (a call of
    `tag_batch_frames` has a fixed cost, mostly Polars': chunks of 5,000 articles cost 5 %
    less CPU than chunks of 1,000)."""
    return max(CHUNK_ARTICLES, min(batch_size, articles // (processes * CHUNKS_PER_PROCESS)))


def merge_frames(parts: Sequence[dict[str, pl.DataFrame]]) -> dict[str, pl.DataFrame]:
    """The frames of a batch from those of its chunks, in order: the same rows as tagging
    the batch at once (a name found in several chunks keeps its first spelling)."""
    if len(parts) == 1:
        return parts[0]
    merged = {name: pl.concat([part[name] for part in parts]) for name in parts[0]}
    merged["batch_entities"] = merged["batch_entities"].unique(
        subset="key", keep="first", maintain_order=True
    )
    return merged


# (order, arrival, chunk, its future); chunk None: a thread's signal to stop
_Job = tuple[float, int, pl.DataFrame | None, Future | None]
_STOP = math.inf  # the order of the stop signals: after every chunk


class TagPool:
    """Processes tagging chunks of articles from one queue, whichever is free first: small
    chunks keep every process busy to the end of the stage, however the batches fall.

    `processes` worker processes start at once (their start-up overlaps the caller's own
    work); with `here`, this process tags chunks too, in a thread (it mostly waits on the
    workers and the database otherwise), so `n` cores need only `n - 1` workers started.
    """

    def __init__(
        self, context: TagContext, processes: int, *, here: bool = True, chunk: int | None = None
    ) -> None:
        self.context = context
        self.chunk = chunk or CHUNK_ARTICLES
        self.jobs: queue.PriorityQueue[_Job] = queue.PriorityQueue()
        self.arrivals = itertools.count()
        self.workers = [_start_worker() for _ in range(processes)]
        # pickled now: tagging in this process fills the gazetteer's caches meanwhile
        context_of_worker = (context.gazetteer, context.options, context.version)
        self.context_pickle = pickle.dumps(context_of_worker, protocol=pickle.HIGHEST_PROTOCOL)
        self.threads = [
            threading.Thread(target=self._feed, args=(w,), daemon=True) for w in self.workers
        ]
        if here or not processes:
            self.threads.append(threading.Thread(target=self._tag_here, daemon=True))
        for thread in self.threads:
            thread.start()

    def submit(
        self, batch: pl.DataFrame, chunk: int | None = None, order: int | None = None
    ) -> Future:
        """A future of the batch's frames (`tag_batch_frames`), tagged in chunks of `chunk`
        articles (default: the pool's).

        Chunks of a lower `order` are tagged first (default: in the order submitted). Threads
        that submit batches at once (a flow's tasks) give their batch's index: batches are
        then done in the order they are written, not all together at the end.
        """
        order = next(self.arrivals) if order is None else order
        futures = []
        for part in batch.iter_slices(chunk or self.chunk) if batch.height else [batch]:
            future: Future = Future()
            self.jobs.put((order, next(self.arrivals), part, future))
            futures.append(future)
        return _gathered(futures)

    def _stop_thread(self) -> None:
        self.jobs.put((_STOP, next(self.arrivals), None, None))

    def _feed(self, worker: PipeWorker) -> None:
        """Hand chunks to one worker, `IN_FLIGHT` at a time; a worker that failed to start
        or stopped fails the chunks it takes (the stage then stops with its error)."""
        error: BaseException | None = None
        try:
            # sent here, not where the worker starts: the pickled gazetteer fills the pipe,
            # so sending blocks until the worker has imported cooccur (≈ 0.5 s)
            worker.send_pickled(self.context_pickle)
            worker.receive()  # the tag context is built
        except Exception as failed:
            error = failed
        sent: deque[Future] = deque()
        closing = False
        while not (closing and not sent):
            if not closing and len(sent) < IN_FLIGHT:
                try:  # wait for a chunk only with no answer to wait for
                    _, _, part, future = self.jobs.get(block=not sent)
                except queue.Empty:
                    part = future = None
                else:
                    closing = part is None
                if part is not None and future is not None:
                    if not future.set_running_or_notify_cancel():
                        continue
                    if error is None:
                        try:
                            worker.send(part)
                        except Exception as failed:  # it stopped
                            error = failed
                        else:
                            sent.append(future)
                            continue
                    future.set_exception(error)
                    continue
            if sent:
                future = sent.popleft()
                try:
                    future.set_result(worker.receive())
                except Exception as failed:
                    future.set_exception(failed)
                    if worker.process.poll() is not None:  # it stopped
                        error = failed
                        while sent:
                            sent.popleft().set_exception(failed)

    def _tag_here(self) -> None:
        while True:
            _, _, part, future = self.jobs.get()
            if part is None or future is None:
                return
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(tag_batch_frames(part, self.context))
                except Exception as failed:
                    future.set_exception(failed)

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers; jobs not started are cancelled."""
        while True:
            try:
                _, _, _, future = self.jobs.get_nowait()
            except queue.Empty:
                break
            if future is not None:
                future.cancel()
        if kill:
            for worker in self.workers:
                worker.process.kill()
        for _ in self.threads:
            self._stop_thread()
        for thread in self.threads:
            thread.join()
        for worker in self.workers:
            worker.close(kill=kill)

    def __enter__(self) -> TagPool:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(kill=kind is not None)


def _gathered(futures: list[Future]) -> Future:
    """One future of the merged frames of `futures`, done when all are."""
    done: Future = Future()
    left = [len(futures)]
    lock = threading.Lock()

    def one_done(_: Future) -> None:
        with lock:
            left[0] -= 1
            if left[0]:
                return
        try:
            done.set_result(merge_frames([f.result() for f in futures]))
        except BaseException as failed:
            done.set_exception(failed)

    for future in futures:
        future.add_done_callback(one_done)
    return done


def _tag_in_workers(
    batches: Iterator[pl.DataFrame], pool: TagPool, ahead: int = 2
) -> Iterator[dict[str, pl.DataFrame]]:
    """Frames of each batch in order, tagged by the pool with `ahead` batches queued."""
    pending: deque[Future] = deque()
    for batch in batches:
        pending.append(pool.submit(batch))
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
