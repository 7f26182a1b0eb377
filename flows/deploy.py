"""Deployment of the pipeline flow: served on a schedule by this process (`cooccur serve`).

Deployment code lives apart from the flows. `prefect.yaml` at the repository root declares
the same deployment for a Prefect server with a work pool.
"""

from __future__ import annotations

from typing import Any

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType

from flows.pipeline import pipeline

OVERLAP = {"skip": ConcurrencyLimitStrategy.CANCEL_NEW, "queue": ConcurrencyLimitStrategy.ENQUEUE}


def serve_pipeline(
    parameters: dict[str, Any],
    *,
    name: str = "cooccur",
    cron: str | None = None,
    interval: float | None = None,
    overlap: str = "skip",
) -> None:
    """Serve the pipeline on a schedule until interrupted; one run at a time.

    A run due while the previous one is still going is cancelled (`skip`) or waits for it
    (`queue`): Prefect's deployment concurrency limit, backed by the database's file lock.
    """
    pipeline.serve(
        name=name,
        cron=cron,
        interval=interval,
        parameters=parameters,
        global_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=OVERLAP[overlap]),
        limit=1,
        entrypoint_type=EntrypointType.MODULE_PATH,
        tags=["cooccur"],
        description="cooccur: ingest, tag, count and report on a schedule",
    )
