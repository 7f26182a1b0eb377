"""Task runners for the tagging batches: threads, local processes, or a Dask cluster."""

from __future__ import annotations

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

RUNNERS = ("threads", "processes", "dask")


def make_task_runner(
    runner: str, *, address: str | None = None, workers: int | None = None
) -> TaskRunner:
    """The runner named `runner`; `address` (tcp://host:8786) means an existing Dask cluster.

    Without an address, `dask` starts a local cluster of `workers` processes for the run.
    """
    if address or runner == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as error:
            raise ImportError(
                "--runner dask needs prefect-dask: pip install 'cooccur[dask]'"
            ) from error

        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers or 2, "processes": True})
    if runner == "processes":
        return ProcessPoolTaskRunner(max_workers=workers)
    if runner == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    raise ValueError(f"runner must be one of {', '.join(RUNNERS)}, not {runner!r}")
