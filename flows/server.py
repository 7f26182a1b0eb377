"""A local `prefect server start` for `cooccur serve` when no PREFECT_API_URL is set.

Ephemeral Prefect (no server) cannot schedule, so serving needs a real server. This one
listens on 127.0.0.1 only, keeps its state in the given PREFECT_HOME, and is stopped
(with every process it started) when the block exits. Nothing here imports Prefect: the
caller sets PREFECT_API_URL from the yielded address before importing it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


class ServerFailed(RuntimeError):
    """The local Prefect server did not become healthy."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def local_server(
    home: Path, *, port: int | None = None, timeout: float = 180
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start `prefect server start` on 127.0.0.1; yields its URL and process, then stops it."""
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    env.pop("PREFECT_API_URL", None)
    log_path = home / "server.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start"]
            + ["--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopped as a whole
        )
    try:
        deadline = time.monotonic() + timeout
        while not healthy(url):
            if process.poll() is not None:
                raise ServerFailed(
                    f"prefect server exited with code {process.returncode}; see {log_path}"
                )
            if time.monotonic() > deadline:
                raise ServerFailed(
                    f"prefect server not healthy after {timeout:.0f} s; see {log_path}"
                )
            time.sleep(0.5)
        yield url, process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], *, grace: float = 15) -> None:
    """SIGTERM the server's process group, then SIGKILL whatever is left."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    # children of the group may outlive the leader for a moment
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
