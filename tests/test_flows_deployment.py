"""`prefect.yaml` declares a deployment the pipeline flow accepts, as `cooccur serve` does."""

from __future__ import annotations

import importlib
import inspect

import yaml
from ops_helpers import REPO
from prefect.client.schemas.objects import ConcurrencyLimitConfig
from prefect.client.schemas.schedules import CronSchedule

from flows.deploy import OVERLAP
from flows.pipeline import pipeline


def test_prefect_yaml_matches_the_pipeline_flow() -> None:
    config = yaml.safe_load((REPO / "prefect.yaml").read_text("utf-8"))
    (deployment,) = config["deployments"]
    module, name = deployment["entrypoint"].split(":")
    assert getattr(importlib.import_module(module), name) is pipeline
    parameters = {
        key: value.replace("{{ $PWD }}", "/x") if isinstance(value, str) else value
        for key, value in deployment["parameters"].items()
    }
    assert set(parameters) <= set(inspect.signature(pipeline.fn).parameters)
    pipeline.validate_parameters(parameters)  # types, and every required one is there
    for schedule in deployment["schedules"]:
        CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
    limit = ConcurrencyLimitConfig(**deployment["concurrency_limit"])
    assert limit.limit == 1 and limit.collision_strategy == OVERLAP["skip"]
