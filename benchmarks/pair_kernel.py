"""Document-level pair counting: cooccur's pair kernel against SciPy, same data, same run.

A synthetic corpus (articles × distinct entities each, entity popularity skewed like news:
a few entities everywhere, a long tail) is written once; then each method runs in its own
fresh process, so peak memory is that method's alone:

- scipy:  csr incidence matrix X, `triu(X.T @ X, 1)` (the reference the tests use);
- cooccur: the library's kernel as `cooccur run` runs it (`counts.unit_pair_counts`): rows
  read from `unit_entities` in a DuckDB file, counted by `cooccur.pair_kernel` (NumPy),
  written to `pair_counts` part by part; reading and writing count in the time.

Both must produce the same number of pairs and pair instances. Prints seconds and peak RSS
per method and our/SciPy ratios. Usage:

    python benchmarks/pair_kernel.py --quick          # 100k articles × 20 entities
    python benchmarks/pair_kernel.py                  # 1M articles × 20 entities
    python benchmarks/pair_kernel.py --repeat 2 --threads 2 --part-max 8000000

`count_pairs(doc_ids, entity_ids)` is the same kernel on bare arrays, for `benchmarks/run.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

VOCABULARY = 200_000


def synthesise(n_articles: int, per_article: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """(article, entity) rows, distinct, sorted; popularity ~ 1/(rank + 20)^1.05."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / (np.arange(1, VOCABULARY + 1) + 20.0) ** 1.05
    weights /= weights.sum()
    entities = rng.choice(VOCABULARY, size=(n_articles, per_article), p=weights)
    articles = np.repeat(np.arange(n_articles, dtype=np.int64), per_article)
    key = np.unique(articles * VOCABULARY + entities.ravel())
    return key // VOCABULARY, (key % VOCABULARY).astype(np.int32)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system time of this process, all threads: less noisy than wall time on a
    machine others are using too."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_scipy(data: Path) -> dict[str, float]:
    from scipy import sparse

    units, entities = np.load(data / "units.npy"), np.load(data / "entities.npy")
    before = peak_rss_mb()
    start, cpu = time.perf_counter(), cpu_seconds()
    x = sparse.csr_matrix((np.ones(len(units), dtype=np.int32), (units, entities)))
    pairs = sparse.triu(x.T @ x, k=1).tocoo()
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds() - cpu,
        "peak_mb": peak_rss_mb(),
        "delta_mb": peak_rss_mb() - before,
        "pairs": int(pairs.nnz),
        "instances": int(pairs.data.sum()),
    }


def run_cooccur(data: Path, options: dict[str, str]) -> dict[str, float]:
    """cooccur's kernel as `cooccur run` runs it: rows in the temp table `unit_entities` of a
    DuckDB file, `counts.unit_pair_counts` reads them, counts in NumPy and writes
    `pair_counts` part by part. Reading and writing DuckDB count in the time."""
    import polars as pl

    from cooccur import counts
    from cooccur.store import Store

    part_max = int(options.pop("part_max", 0)) or None
    units, entities = np.load(data / "units.npy"), np.load(data / "entities.npy")
    with Store(data / f"bench-{os.getpid()}.duckdb") as store:
        for key, value in options.items():
            store.execute(f"set {key} = '{value}'")
        store.register("synthetic", pl.DataFrame({"unit": units, "entity_id": entities}))
        store.execute(
            "create temp table unit_entities as "
            "select 1::integer as grp, unit, entity_id from synthetic"
        )
        store.unregister("synthetic")
        del units, entities
        store.execute(
            "create temp table pair_counts (grp integer, entity_a integer, entity_b integer, "
            "n integer)"
        )
        before = peak_rss_mb()
        start, cpu = time.perf_counter(), cpu_seconds()
        written = counts.unit_pair_counts(store, part_max=part_max)
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        pairs, instances = store.con.execute("select count(*), sum(n) from pair_counts").fetchone()
    assert written == pairs
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": peak_rss_mb(),
        "delta_mb": peak_rss_mb() - before,
        "pairs": int(pairs),
        "instances": int(instances),
    }


def count_pairs(
    doc_ids: np.ndarray, entity_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Document-level pair counts by the library kernel (`cooccur.pair_kernel`), for
    `benchmarks/run.py`: mentions in any order, repeats allowed; returns (entity_a,
    entity_b, n) with entity_a < entity_b. Columns are joined one at a time (peak: the
    result plus one column)."""
    from cooccur.pair_kernel import count_pairs as kernel

    group = np.zeros(len(doc_ids), dtype=np.int32)
    columns: dict[str, list[np.ndarray]] = {"entity_a": [], "entity_b": [], "n": []}
    for part in kernel(group, doc_ids, entity_ids):
        for name, chunks in columns.items():
            chunks.append(getattr(part, name))
        del part
    del group
    joined = []
    for chunks in columns.values():
        joined.append(np.concatenate(chunks) if chunks else np.array([], dtype=np.int32))
        chunks.clear()
    return joined[0], joined[1], joined[2]


def child(method: str, data: Path, options: dict[str, str]) -> dict[str, float]:
    """Run one method in a fresh interpreter; returns its measurements."""
    code = (
        "import json, sys; from pathlib import Path; import pair_kernel as k; "
        f"r = k.run_{method}(Path({str(data)!r})"
        + (f", {options!r})" if method == "cooccur" else ")")
        + "; print(json.dumps(r))"
    )
    paths = [str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode:
        raise RuntimeError(f"{method} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k articles instead of 1M")
    parser.add_argument("--articles", type=int, default=None)
    parser.add_argument("--per-article", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1, help="alternating runs of each method")
    parser.add_argument("--threads", default=None, help="DuckDB threads (default: cooccur's)")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 6GB")
    parser.add_argument("--part-max", default=None, help="pair instances per kernel part")
    args = parser.parse_args()
    n_articles = args.articles or (100_000 if args.quick else 1_000_000)
    options = {}
    if args.threads:
        options["threads"] = args.threads
    if args.memory_limit:
        options["memory_limit"] = args.memory_limit
    if args.part_max:
        options["part_max"] = args.part_max

    with tempfile.TemporaryDirectory(prefix="pair-kernel-") as tmp:
        data = Path(tmp)
        units, entities = synthesise(n_articles, args.per_article)
        np.save(data / "units.npy", units)
        np.save(data / "entities.npy", entities)
        print(f"{n_articles:,} articles, {len(units):,} (article, entity) rows, options {options}")
        del units, entities
        results: dict[str, list[dict[str, float]]] = {"scipy": [], "cooccur": []}
        for _ in range(args.repeat):
            for method in ("scipy", "cooccur"):
                result = child(method, data, dict(options))
                results[method].append(result)
                print(method, json.dumps(result), flush=True)
    best = {m: min(runs, key=lambda r: r["seconds"]) for m, runs in results.items()}
    assert best["scipy"]["pairs"] == best["cooccur"]["pairs"], "pair counts differ"
    assert best["scipy"]["instances"] == best["cooccur"]["instances"], "instances differ"
    ours, theirs = best["cooccur"], best["scipy"]
    print(
        f"best of {args.repeat}: cooccur/scipy wall {ours['seconds'] / theirs['seconds']:.2f} "
        f"({ours['seconds']:.1f} s vs {theirs['seconds']:.1f} s), "
        f"cpu {ours['cpu_seconds'] / theirs['cpu_seconds']:.2f}, "
        f"peak memory {ours['peak_mb'] / theirs['peak_mb']:.2f} "
        f"({ours['peak_mb']:.0f} MB vs {theirs['peak_mb']:.0f} MB); load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
