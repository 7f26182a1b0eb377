"""Run one measured thing in its own process and record wall, CPU and peak RSS.

Each benchmark task runs as `python benchmarks/worker.py TASK JSON-ARGS` in a child process,
so its peak RSS is its own (`os.wait4` returns the child's rusage: user + system CPU, and
`ru_maxrss`, which on Linux also covers the grandchildren it waited for, e.g. Prefect's
temporary server). The worker prints one JSON line (prefixed `@@result `) with the timings it
took around the measured call itself, excluding imports and setup. Every output line is
time-stamped on arrival, which lets the end-to-end benchmark see when Prefect was ready.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULT_PREFIX = "@@result "


@dataclass
class Measured:
    """What the parent saw of one child process, plus what the child reported."""

    task: str
    wall_s: float
    cpu_s: float
    user_s: float
    sys_s: float
    peak_rss_mb: float
    returncode: int
    result: dict[str, Any] = field(default_factory=dict)
    lines: list[tuple[float, str]] = field(default_factory=list)  # (seconds since start, text)
    load_before: float = 0.0

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and bool(self.result)

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "wall_s": round(self.wall_s, 3),
            "cpu_s": round(self.cpu_s, 3),
            "user_s": round(self.user_s, 3),
            "sys_s": round(self.sys_s, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "returncode": self.returncode,
            "load_before": self.load_before,
            "result": self.result,
        }

    def tail(self, n: int = 25) -> str:
        return "\n".join(text for _, text in self.lines[-n:])


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for workers: this checkout first on the path, quiet Prefect."""
    env = dict(os.environ)
    paths = [str(REPO / "src"), str(REPO), str(HERE)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def run_measured(
    argv: list[str],
    *,
    task: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    echo: bool = False,
) -> Measured:
    """Run `argv` as a child; wait with `wait4` to get its own rusage."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env or child_env(),
        cwd=cwd,
        text=True,
        errors="replace",
        bufsize=1,
    )
    lines: list[tuple[float, str]] = []

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append((time.perf_counter() - start, line.rstrip("\n")))
            if echo:
                print(f"    | {line.rstrip()}", flush=True)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    timer = None
    if timeout:
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if timer:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join(timeout=10)
    result: dict[str, Any] = {}
    for _, text in lines:
        if text.startswith(RESULT_PREFIX):
            result = json.loads(text[len(RESULT_PREFIX) :])
    return Measured(
        task=task,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        user_s=usage.ru_utime,
        sys_s=usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
        returncode=proc.returncode,
        result=result,
        lines=lines,
        load_before=round(load, 2),
    )


def run_task(
    task: str,
    args: dict[str, Any],
    *,
    label: str | None = None,
    timeout: float | None = None,
    env_extra: dict[str, str] | None = None,
    echo: bool = False,
) -> Measured:
    """Run `worker.py TASK` with JSON args in a fresh interpreter."""
    argv = [sys.executable, str(HERE / "worker.py"), task, json.dumps(args)]
    return run_measured(
        argv, task=label or task, env=child_env(env_extra), timeout=timeout, echo=echo
    )
