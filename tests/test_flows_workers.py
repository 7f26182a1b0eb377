"""The default flow (thread runner) tags its batches in local worker processes, on every
core, and its tables equal a single process's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ops_helpers import assert_same_tables, snapshot


@pytest.mark.slow
def test_default_pipeline_tags_in_two_processes_and_equals_one_process(
    prefect_harness: None,
    tmp_path: Path,
    scale_out_reference: tuple[list[Path], dict],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows.pipeline import pipeline

    monkeypatch.setenv("COOCCUR_TAG_WORKERS", "2")
    sources, expected = scale_out_reference
    db = tmp_path / "flow.duckdb"
    result = pipeline([str(s) for s in sources], str(db), str(tmp_path / "reports"), batch_size=100)
    assert result["tag"]["worker_processes"] == 2  # 6 batches over 2 processes
    assert result["tag"]["articles_tagged"] == expected["tagged_articles"].height == 594
    assert_same_tables(snapshot(db), expected)

    again = tmp_path / "again.duckdb"  # one batch: tagged in a thread, no process started
    result = pipeline([str(s) for s in sources], str(again), str(tmp_path / "reports2"))
    assert result["tag"]["worker_processes"] == 0
    assert_same_tables(snapshot(again), expected)


def test_runs_started_by_the_command_send_no_heartbeats_unless_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.settings import get_current_settings

    from flows.pipeline import HEARTBEAT_SETTINGS, without_heartbeats

    for name in HEARTBEAT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    default = get_current_settings().flows.heartbeat_frequency
    assert default is not None
    with without_heartbeats():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == default
    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")  # the user's choice stands
    with without_heartbeats():
        assert get_current_settings().flows.heartbeat_frequency == default


def test_the_temporary_server_keeps_no_event_feed_unless_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.settings import Settings

    from flows.pipeline import EVENT_SERVICES, temporary_server_without_event_services

    for name in EVENT_SERVICES:
        monkeypatch.delenv(name, raising=False)
    with temporary_server_without_event_services():
        services = Settings().server.services  # what a server started now reads
        assert not services.event_persister.enabled and not services.triggers.enabled
    assert not any(name in os.environ for name in EVENT_SERVICES)
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", "true")  # the user's choice
    with temporary_server_without_event_services():
        services = Settings().server.services
        assert services.triggers.enabled and not services.event_persister.enabled
