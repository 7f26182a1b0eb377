"""Sentence tone: stock vaderSentiment against `cooccur.vader_fast`, same sentences, same run.

Two measurements, each repeated with the two sides interleaved (the machine is shared: read
the ratios, and the minimum of the repeats):

- `scorer`: the Reuters dev sentences (titles and sentences of the normalised texts, as
  `cooccur.sentences` splits them), repeated to at least `--sentences`, scored one by one
  by `SentimentIntensityAnalyzer().polarity_scores(t)["compound"]` and by
  `FastVader().compound(t)` in this process; the two score lists must be equal.
- `fill` (with `--db DB --old-src DIR`): `fill_sentence_tone` on copies of a tagged
  database without tones, each in a fresh process: the code in `--old-src` (e.g. the
  branch point, `git archive <commit> src sql | tar -x -C DIR`, then `DIR/src`) against
  this checkout. Wall and CPU of the call alone, after a first query has imported pyarrow (as the
  count stage has when it gets to tone); the stored scores must have the same checksum.

Usage:

    python benchmarks/tone.py --sentences 100000
    python benchmarks/tone.py --sentences 0 --db tagged.duckdb --old-src /work/main/src
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
REUTERS = HERE.parent / "shared" / "data" / "reuters21578" / "articles" / "reuters-dev.jsonl"

_FILL = """
import json, resource, sys, time
from pathlib import Path
import cooccur.tone as tone
from cooccur.store import Store
def cpu():
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime
with Store(Path(sys.argv[1])) as store:
    store.query("select 1 as warm_up")  # loads pyarrow, as the count stage has by then
    wall, used = time.perf_counter(), cpu()
    n = tone.fill_sentence_tone(store)
    wall, used = time.perf_counter() - wall, cpu() - used
    check = store.scalar("select sum(compound)::varchar from sentence_tone")
print(json.dumps({"n": n, "wall": wall, "cpu": used, "checksum": check}))
"""


def reuters_sentences(path: Path) -> list[str]:
    import polars as pl

    from cooccur.normalize import normalize_frame
    from cooccur.sentences import sentence_spans

    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    frame = normalize_frame(
        pl.DataFrame(
            {
                "title": [r.get("title") or "" for r in rows],
                "text": [r.get("text") or "" for r in rows],
            }
        )
    )
    texts: list[str] = []
    for title, text in frame.iter_rows():
        texts.append(title or "")
        texts += [text[a:b] for a, b in sentence_spans(text or "")]
    return texts


def bench_scorer(n: int, repeat: int) -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from cooccur.vader_fast import FastVader

    texts = reuters_sentences(REUTERS)
    texts = (texts * (1 + n // len(texts)))[: max(n, len(texts))]
    stock, fast = SentimentIntensityAnalyzer(), FastVader()
    sides = {
        "stock": lambda t: stock.polarity_scores(t)["compound"],
        "fast": fast.compound,
    }
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in sides}
    scores: dict[str, list[float]] = {}
    for _ in range(repeat):
        for name, score in sides.items():
            wall, cpu = time.perf_counter(), time.process_time()
            scores[name] = [score(t) for t in texts]
            results[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    assert scores["stock"] == scores["fast"], "the scores differ"
    report(f"scorer, {len(texts):,} sentences", results, "stock", "fast")


def bench_fill(db: Path, old_src: Path, repeat: int) -> None:
    new_src = HERE / "src"
    sides = {  # PYTHONPATH, arguments to fill_sentence_tone
        "old": (old_src, []),
        "new": (new_src, []),
    }
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in sides}
    checks: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="tone-bench-") as folder:
        copy = Path(folder) / "copy.duckdb"
        for _ in range(repeat):
            for name, (src, extra) in sides.items():
                shutil.copy(db, copy)
                out = subprocess.run(
                    [sys.executable, "-c", _FILL, str(copy), *extra],
                    env={**os.environ, "PYTHONPATH": str(src)},
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                got = json.loads(out.strip().splitlines()[-1])
                checks.add(f"{got['n']} {got['checksum']}")
                results[name].append((got["wall"], got["cpu"]))
    assert len(checks) == 1, f"the stored scores differ: {checks}"
    report(f"fill_sentence_tone, {checks.pop().split()[0]} sentences", results, "old", "new")


def report(title: str, results: dict[str, list[tuple[float, float]]], old: str, new: str) -> None:
    print(title)
    for name, runs in results.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(
            f"  {name:13s} wall min {min(walls):6.2f}s median {statistics.median(walls):6.2f}s"
            f" | cpu min {min(cpus):6.2f}s median {statistics.median(cpus):6.2f}s"
        )
    o, n = results[old], results[new]
    print(
        f"  {old}/{new}: wall {min(w for w, _ in o) / min(w for w, _ in n):.1f}x (min),"
        f" {statistics.median(w for w, _ in o) / statistics.median(w for w, _ in n):.1f}x (median);"
        f" cpu {min(c for _, c in o) / min(c for _, c in n):.1f}x (min)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000, help="0 to skip the scorer")
    parser.add_argument("--db", type=Path, help="a tagged database without tones")
    parser.add_argument("--old-src", type=Path, help="the src folder of the code to compare to")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.sentences:
        bench_scorer(args.sentences, args.repeat)
    if args.db:
        if not args.old_src:
            parser.error("--db needs --old-src")
        bench_fill(args.db, args.old_src, args.repeat)


if __name__ == "__main__":
    main()
