"""The finished report in a real headless Chromium: every page opened from disk with the
network off must draw its charts without a console message, fast, and nothing an article
contains may run as script. Screenshots go to a temporary folder, or to
`reports/_screens/` when COOCCUR_SCREENSHOTS=1 (to look at them)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO
from test_report import make_db

from cooccur.report.build import build_report
from cooccur.store import Store

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MAX_PAGE_BYTES = 5_000_000
MAX_RENDER_MS = 2_000
PWN = "document.body.setAttribute('data-pwned', '{}')"
PWNING_RECORDS = [
    {
        "id": "p1",
        "date": "2025-03-05",
        "title": f"</script><script>{PWN.format(1)}</script>"
        f'"><img src=x onerror="{PWN.format(2)}"> Italy',
        "text": f'Italy and Turkey. "><img src=x onerror={PWN.format(3)}> '
        f"<script>{PWN.format(4)}</script> Turkey and Italy again.",
        "url": f"javascript:{PWN.format(5)}",
    },
    {"id": "p2", "date": "2025-04-05", "title": "Italy <b>bold</b>", "text": "Turkey and Italy."},
    {"id": "p3", "date": "2025-04-06", "title": "Greece", "text": "Greece, Italy and Turkey."},
]


@dataclass
class Rendered:
    page: Path
    dom: str
    log: str
    screenshot: Path


def open_in_browser(page: Path, screenshot: Path) -> Rendered:
    """Load `page` from disk in headless Chromium with DNS and proxying dead: dump its DOM
    once scripts have run, save a screenshot, keep the console log (stderr)."""
    with tempfile.TemporaryDirectory(prefix="cooccur-chromium-") as profile:
        args = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=5000",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
            "--enable-logging=stderr",
            "--v=0",
            f"--screenshot={screenshot}",
            "--window-size=1200,1600",
            "--dump-dom",
            page.as_uri(),
        ]
        done = subprocess.run(args, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, f"chromium failed on {page.name}: {done.stderr[-2000:]}"
    return Rendered(page, done.stdout, done.stderr, screenshot)


def screens_dir(tmp_path: Path, name: str) -> Path:
    base = REPO / "reports" / "_screens" if os.environ.get("COOCCUR_SCREENSHOTS") else tmp_path
    folder = base / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def render_all(pages: list[Path], screens: Path) -> list[Rendered]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda p: open_in_browser(p, screens / f"{p.stem}.png"), pages))


def problems(shown: Rendered) -> list[str]:
    """What is wrong with one rendered page (empty: it drew every chart cleanly)."""
    name, dom = shown.page.name, shown.dom
    found = []
    # the last <body: the inlined Vega bundle in <head> mentions "<body>" in its strings
    body = re.match(r"<body[^>]*>", dom[dom.rfind("<body") :])
    attributes = body.group(0) if body else ""
    expected = shown.page.read_text(encoding="utf-8").count('vegaEmbed("#chart-')
    drawn = re.findall(r'<svg[^>]*class="marks"[^>]*width="(\d+)"', dom)
    if "data-render-error" in attributes or (expected and "data-rendered" not in attributes):
        found.append(f"{name}: charts did not finish drawing ({attributes})")
    if len(drawn) < expected:
        found.append(f"{name}: {len(drawn)} of {expected} charts drawn")
    if any(int(width) > 2400 for width in drawn):
        found.append(f"{name}: a chart is {max(map(int, drawn))} px wide")
    console = [line for line in shown.log.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    if console:
        found.append(f"{name}: console says {console[:3]}")
    if "data-pwned" in attributes or re.search(r"<img[^>]*src=\"?x", dom):
        found.append(f"{name}: article text ran as script or markup")
    if not shown.screenshot.exists() or shown.screenshot.stat().st_size < 10_000:
        found.append(f"{name}: no screenshot")
    return found


def render_ms(shown: Rendered) -> int:
    match = re.match(r'<body[^>]*data-rendered="(\d+)"', shown.dom[shown.dom.rfind("<body") :])
    return int(match.group(1)) if match else 10**9


@pytest.fixture(scope="module")
def reuters_site(reuters_db: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    with Store(reuters_db, read_only=True) as store:
        return build_report(
            store,
            tmp_path_factory.mktemp("reuters-site"),
            pair=("Italy", "Turkey"),
            theme="defense",
        )


def test_reuters_report_draws_every_chart_offline(reuters_site: list[Path], tmp_path: Path) -> None:
    too_big = [
        (p.name, p.stat().st_size) for p in reuters_site if p.stat().st_size > MAX_PAGE_BYTES
    ]
    assert not too_big, f"pages over 5 MB: {too_big}"
    # the per-pair pages of "What changed" share one layout: two of them stand for all
    pages = [p for p in reuters_site if not p.name.startswith("pair-")]
    pages += [p for p in reuters_site if p.name.startswith("pair-")][:2]
    shown = render_all(pages, screens_dir(tmp_path, "reuters"))
    found = [problem for page in shown for problem in problems(page)]
    assert not found, "\n".join(found)
    # Drawing time (from navigation start, the inlined bundle parsed included) depends on
    # the machine's load: a slow page is opened again alone, and its best time counts.
    timings = {s.page: render_ms(s) for s in shown}
    for _ in range(2):
        for page in [p for p, ms in timings.items() if ms > MAX_RENDER_MS]:
            again = open_in_browser(page, tmp_path / f"{page.stem}-again.png")
            timings[page] = min(timings[page], render_ms(again))
    slow = {p.name: ms for p, ms in timings.items() if ms > MAX_RENDER_MS}
    assert not slow, f"pages slower than {MAX_RENDER_MS} ms to draw: {slow}"


def test_seed_report_draws_every_chart_offline(seed_dir: Path, tmp_path: Path) -> None:
    from cooccur.counts import compute_tables
    from cooccur.gazetteer import load_countries
    from cooccur.ingest import ingest_paths
    from cooccur.tag import tag_pending

    db = tmp_path / "seed.duckdb"
    with Store(db) as store:
        ingest_paths(store, [seed_dir])
        tag_pending(store, load_countries())
        compute_tables(store)
    with Store(db, read_only=True) as store:
        pages = build_report(store, tmp_path / "site", pair=("Italy", "Turkey"), theme="defense")
    shown = render_all(pages, screens_dir(tmp_path, "seed"))
    found = [problem for page in shown for problem in problems(page)]
    assert not found, "\n".join(found)
    evidence = next(s for s in shown if s.page.name == "evidence.html").dom
    # the defence sentences naming both, each mention marked (Italy/Italian, Turkey/Turkish)
    assert "<mark>Ital" in evidence and "<mark>Turk" in evidence


def test_hostile_articles_cannot_run_script_in_the_browser(tmp_path: Path) -> None:
    db = make_db(tmp_path, PWNING_RECORDS)
    with Store(db, read_only=True) as store:
        pages = build_report(store, tmp_path / "site", pair=("Italy", "Turkey"))
    shown = render_all(pages, screens_dir(tmp_path, "hostile"))
    found = [problem for page in shown for problem in problems(page)]
    assert not found, "\n".join(found)
    evidence = next(s for s in shown if s.page.name == "evidence.html").dom
    # the payloads are on the page, as text
    assert "&lt;script&gt;document.body.setAttribute" in evidence
    assert "onerror=document.body.setAttribute('data-pwned', '3')" in evidence
    assert 'href="javascript' not in evidence
