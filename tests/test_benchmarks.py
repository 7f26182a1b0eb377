"""The benchmark harness itself: corpora are deterministic and ingestible, numbers are per
process, and a results run rewrites only its own section of RESULTS.md."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

import corpus  # noqa: E402
import measure  # noqa: E402
import run  # noqa: E402


@pytest.fixture(scope="module")
def pool(reuters_file: Path) -> corpus.SentencePool:
    return corpus.load_pool(reuters_file)


def test_scaled_articles_are_deterministic_unique_and_spread_over_years(pool) -> None:
    first = corpus._articles(pool, 3, 300, "t")
    assert first == corpus._articles(pool, 3, 300, "t")  # same stream, same bytes
    assert first != corpus._articles(pool, 4, 300, "t")
    records = [json.loads(line) for line in first]
    assert len({r["text"] for r in records}) == 300  # no accidental duplicates to dedupe
    years = {datetime.fromisoformat(r["date"]).year for r in records}
    assert years <= set(range(2019, 2025)) and len(years) >= 5
    assert all(r["text"].endswith("Reuter") and r["title"] for r in records)


def test_scaled_articles_ingest_without_loss(pool, tmp_path: Path) -> None:
    from cooccur.ingest import ingest_paths
    from cooccur.store import Store

    source = tmp_path / "part.jsonl"
    source.write_text("\n".join(corpus._articles(pool, 0, 200, "t")) + "\n", encoding="utf-8")
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_paths(store, [source])
    assert (summary.articles_new, summary.duplicates, summary.quarantined) == (200, 0, 0)


def test_synthetic_mentions_have_the_asked_shape(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(corpus.synthetic_mentions(tmp_path, 1_000, n_entities=500))
    assert table.num_rows == 20_000
    doc, entity = table["doc_id"].to_numpy(), table["entity_id"].to_numpy()
    assert doc.max() == 999 and entity.min() >= 0 and entity.max() < 500
    counts = sorted(__import__("collections").Counter(entity.tolist()).values())
    assert counts[-1] > 20 * counts[len(counts) // 2]  # skewed: the top entity dominates


def test_peak_rss_is_the_child_s_own() -> None:
    script = "x = bytearray(1024 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])"
    big = measure.run_measured([sys.executable, "-c", script], task="big")
    small = measure.run_measured([sys.executable, "-c", "pass"], task="small")
    assert big.returncode == 0 and big.peak_rss_mb > 1024
    # not inherited from the earlier, bigger child (a child does start from this test
    # process's own size: vfork + exec, hence the harness keeps its parent small)
    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert small.peak_rss_mb < max(600, own_mb + 100) < big.peak_rss_mb + own_mb


def test_a_run_rewrites_only_its_own_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\n## Tagging quality\n\nF1 0.9\n", encoding="utf-8")
    run.write_section("quick", "first\n", results)
    run.write_section("quick", "second\n", results)
    text = results.read_text(encoding="utf-8")
    assert "## Tagging quality\n\nF1 0.9\n" in text
    assert "second" in text and "first" not in text
    assert text.count("<!-- bench:quick -->") == 1


def test_help_names_every_benchmark() -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert all(name in out for name in run.BENCHMARKS) and "--mode" in out
