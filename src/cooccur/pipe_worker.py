"""A worker process fed over pipes, for the tag stage's and the tag flow's worker processes.

The worker is `python -c` importing one function and running it: pickled values in on stdin,
pickled `(ok, value)` answers out on stdout (`value` a traceback when not ok). Not a
multiprocessing pool: forking a process that runs Polars and DuckDB threads can deadlock, and
spawning runs the caller's main script again in every worker unless it is guarded by
`if __name__ == "__main__"`. The worker gets this process's `sys.path` first, so it imports
the same cooccur.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Mapping
from contextlib import suppress
from typing import Any


class PipeWorker:
    """One worker process running `target` (`module.function`); `what` names it in errors."""

    def __init__(self, target: str, what: str, env: Mapping[str, str] | None = None) -> None:
        module, function = target.rsplit(".", 1)
        code = (
            "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
            f"from {module} import {function}; {function}()"
        )
        self.what = what
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self.send(sys.path)

    def send(self, value: object) -> None:
        self.send_pickled(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def send_pickled(self, data: bytes) -> None:
        """Send a value pickled earlier (e.g. before other threads could change it)."""
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def receive(self) -> Any:
        """The next answer; a worker that failed or stopped raises here, with its reason."""
        try:
            ok, value = pickle.load(self.process.stdout)  # type: ignore[arg-type]
        except EOFError:
            code = self.process.wait()
            raise RuntimeError(f"a {self.what} stopped (exit code {code})") from None
        if not ok:
            raise RuntimeError(f"a {self.what} failed: {value}")
        return value

    def close(self, *, kill: bool = False, timeout: float | None = None) -> None:
        """End the worker: it stops when its input ends (or at once with `kill`)."""
        if kill:
            self.process.kill()
        assert self.process.stdin is not None
        with suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
