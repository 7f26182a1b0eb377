"""Scale-out: the pipeline with tagging on a 2-process Dask cluster equals one process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ops_helpers import REPO, assert_same_tables, snapshot


@pytest.mark.slow
def test_dask_cluster_run_equals_the_single_process_run(
    prefect_harness: None,
    tmp_path: Path,
    scale_out_reference: tuple[list[Path], dict],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from distributed import Client, LocalCluster, get_task_stream
    from prefect.settings import PREFECT_API_URL

    from flows.pipeline import pipeline

    sources, expected = scale_out_reference

    # Workers are new processes: they reach the test's Prefect API and import this checkout.
    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO / "src"), str(REPO)]))
    db = tmp_path / "dask.duckdb"
    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
        get_task_stream(client) as stream,
    ):
        result = pipeline(
            [str(s) for s in sources],
            str(db),
            str(tmp_path / "reports"),
            runner="dask",
            address=cluster.scheduler_address,
            batch_size=100,  # 6 batches over 2 workers
        )
    ran = [t for t in stream.data if "tag_batch" in t["key"]]
    assert len(ran) == 6 and len({t["worker"] for t in ran}) == 2  # both workers tagged
    assert result["tag"]["articles_tagged"] == expected["tagged_articles"].height == 594
    assert_same_tables(snapshot(db), expected)
