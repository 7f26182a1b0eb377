"""Prefect servers started by cooccur when no PREFECT_API_URL is set.

`local_server`: a `prefect server start` for `cooccur serve`. Ephemeral Prefect (no server)
cannot schedule, so serving needs a real server. This one listens on 127.0.0.1 only, keeps
its state in the given PREFECT_HOME, and is stopped (with every process it started) when
the block exits. It does not import Prefect: the caller sets PREFECT_API_URL from the
yielded address before importing it.

`early_temporary_server`: Prefect's own temporary server of a `cooccur run`, started
while the flows are still being imported.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
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


def early_temporary_server() -> Callable[[], None]:
    """Start the temporary server Prefect would start at the first flow run, now, in a thread;
    returns a function that waits for it (call it before the first flow run).

    The server process takes 8–20 s to answer (imports, then its database), and importing
    the flows and the libraries they use takes seconds more in this process: done together
    rather than one after the other, a `cooccur run` starts that much sooner. Nothing starts
    when PREFECT_API_URL names a server. Any failure is left for the flow run to meet and
    report, as it would without this.
    """

    def start() -> None:
        from prefect.server.api.server import SubprocessASGIServer
        from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

        if not PREFECT_API_URL.value() and PREFECT_SERVER_EPHEMERAL_ENABLED.value():
            with suppress(Exception):  # Prefect retries, and reports, at the first flow run
                SubprocessASGIServer().start()  # the instance Prefect's client will use

    thread = threading.Thread(target=start, name="prefect-server-start", daemon=True)
    thread.start()
    return thread.join
