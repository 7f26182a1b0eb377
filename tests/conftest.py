"""Shared fixtures: real data from ../shared (never copied), an isolated Prefect home."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "data" / "seed"
REUTERS = SHARED / "data" / "reuters21578" / "articles" / "reuters-dev.jsonl"

# Prefect reads its settings at import: isolate it before any test imports it.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="cooccur-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def _require(path: Path) -> Path:
    if not path.exists():  # fail loudly: CI must have ../shared beside the checkout
        raise FileNotFoundError(f"test data missing: {path} (../shared must sit beside the repo)")
    return path


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return _require(SEED)


@pytest.fixture(scope="session")
def reuters_file() -> Path:
    return _require(REUTERS)


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for the whole session (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def reuters_db(tmp_path_factory: pytest.TempPathFactory, reuters_file: Path, seed_dir: Path):
    """The Reuters dev set plus the seed article, ingested, tagged and counted once."""
    from cooccur.counts import compute_tables
    from cooccur.gazetteer import load_gazetteer
    from cooccur.ingest import ingest_paths
    from cooccur.store import Store
    from cooccur.tag import tag_pending

    path = tmp_path_factory.mktemp("reuters") / "reuters.duckdb"
    with Store(path) as store:
        ingest_paths(store, [reuters_file, seed_dir])
        tag_pending(store, load_gazetteer())
        compute_tables(store)
    return path


@pytest.fixture(scope="session")
def scale_out_reference(
    tmp_path_factory: pytest.TempPathFactory, reuters_file: Path, seed_dir: Path
) -> tuple[list[Path], dict]:
    """Sources for the scale-out tests (600 Reuters stories in two files, plus the seed) and
    the snapshot of their tables after one plain process ran every stage: what any runner
    must reproduce row for row."""
    from ops_helpers import run_stages, snapshot, split_jsonl

    folder = tmp_path_factory.mktemp("scale-out")
    sources = [*split_jsonl(reuters_file, folder / "in", files=2, per_file=300), seed_dir]
    single = folder / "single.duckdb"
    done = run_stages(single, sources, batch_size=5000)
    assert done.returncode == 0, done.stderr
    return sources, snapshot(single)


def ingest_reuters_subset(folder: Path, reuters_file: Path, seed_dir: Path, n: int = 300) -> Path:
    """A database of the seed and the first `n` Reuters stories, ingested, not tagged (the
    subset is a temporary file, not a copy kept anywhere)."""
    from itertools import islice

    from cooccur.ingest import ingest_paths
    from cooccur.store import Store

    subset = folder / f"reuters-{n}.jsonl"
    with reuters_file.open(encoding="utf-8") as handle:
        subset.write_text("".join(islice(handle, n)), encoding="utf-8")
    path = folder / "ingested.duckdb"
    with Store(path) as store:
        ingest_paths(store, [subset, seed_dir])
    return path
