"""Time how long headless Chromium takes to draw each report page, over the DevTools protocol.

Chromium (Debian's `chromium`) starts once with a throw-away profile; each page is opened
from disk with `Page.navigate`, and the page is polled every 10 ms until every Vega-Embed
container holds its drawn `.marks` (SVG or canvas). The time reported is the page's own
`performance.now()` at that moment: from navigation start to charts drawn, Chromium's
start-up excluded. Only the loopback interface is used.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]
_STATE = """(() => {
  const embeds = document.querySelectorAll('.vega-embed').length;
  const marks = document.querySelectorAll('.vega-embed .marks').length;
  return JSON.stringify({ready: document.readyState, embeds, marks, now: performance.now(),
                         errors: (window.__errors || []).length});
})()"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    raise FileNotFoundError("no Chromium: apt-get install -y chromium")


class _Page:
    def __init__(self, ws_url: str) -> None:
        from websockets.sync.client import connect

        self.ws = connect(ws_url, max_size=None, open_timeout=30)
        self.next_id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def close(self) -> None:
        self.ws.close()


def _draw_one(page: _Page, path: Path, timeout: float) -> dict[str, Any]:
    page.call("Page.navigate", url=path.resolve().as_uri())
    deadline = time.perf_counter() + timeout
    loaded_at = None
    while time.perf_counter() < deadline:
        value = page.call("Runtime.evaluate", expression=_STATE, returnByValue=True)
        state = json.loads(value["result"]["value"])
        if state["ready"] == "complete":
            if state["embeds"] and state["marks"] >= state["embeds"]:
                return {"drawn_ms": round(state["now"], 1), "charts": state["embeds"]}
            loaded_at = loaded_at or time.perf_counter()
            if not state["embeds"] and time.perf_counter() - loaded_at > 1.0:
                return {"drawn_ms": None, "charts": 0, "note": "no chart on the page"}
        time.sleep(0.01)
    return {"drawn_ms": None, "charts": state.get("embeds", 0), "note": f"not drawn in {timeout}s"}


def draw_times(pages: list[Path], *, repeat: int = 2, timeout: float = 30) -> dict[str, Any]:
    """Per page: the fastest of `repeat` draws in ms (None if it never drew), and each try."""
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    proc = subprocess.Popen(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as r:
            targets = json.load(r)
        ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        page = _Page(ws_url)
        page.call("Page.enable")
        page.call("Runtime.enable")
        out: dict[str, Any] = {}
        for path in pages:
            tries = [_draw_one(page, path, timeout) for _ in range(repeat)]
            drawn = [t["drawn_ms"] for t in tries if t["drawn_ms"] is not None]
            out[path.name] = {
                "drawn_ms": min(drawn) if len(drawn) == len(tries) else None,
                "tries_ms": [t["drawn_ms"] for t in tries],
                "charts": tries[-1]["charts"],
                **({"note": tries[-1]["note"]} if "note" in tries[-1] else {}),
            }
        page.close()
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
