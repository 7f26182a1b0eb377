"""Self-contained HTML pages that draw Altair charts with no network.

Altair's own `save(inline=True)` writes chart data into a <script> without escaping, so an
article title containing `</script>` would end the script and run whatever follows. Here
every spec is JSON with `<`, `>` and `&` escaped, and every piece of page text is
HTML-escaped: nothing from an article can run in the report.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert
from altair.utils import schemapi
from altair.utils._importers import vl_version_for_vl_convert

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 1100px;
       color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0.8rem 0 0.3rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.5rem 0 0.4rem; }
p.note { color: #444; max-width: 80ch; line-height: 1.4; }
p.warning { background: #fff4d6; border-left: 4px solid #e0a800; padding: 0.4rem 0.8rem;
            max-width: 80ch; }
p.header { color: #555; margin-top: 0; }
table.summary td { padding: 0.2rem 1rem 0.2rem 0; }
nav { line-height: 1.8; } nav a { margin-right: 0.9rem; white-space: nowrap; }
nav a.current { font-weight: bold; color: #222; text-decoration: none; }
.chart { margin: 1rem 0 2rem; }
table.evidence, table.list { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
table.evidence td, table.evidence th, table.list td, table.list th {
    border-top: 1px solid #ddd; padding: 0.35rem 0.5rem; vertical-align: top; text-align: left; }
table.evidence { table-layout: fixed; }
table.evidence col.date { width: 6.5rem; } table.evidence col.article { width: 16rem; }
table.evidence p { margin: 0 0 0.3rem; }
table.list td.num { text-align: right; font-variant-numeric: tabular-nums; }
mark { background: #ffe08a; padding: 0 1px; }
.source { color: #777; font-size: 0.85em; }
:target { scroll-margin-top: 1rem; }
h3:target { background: #fff4d6; }
"""


@dataclass(frozen=True)
class Section:
    """A heading, an explanation a newcomer can read, and a chart (or none)."""

    title: str
    note: str
    chart: alt.TopLevelMixin | None = None
    html_body: str = ""  # already-escaped HTML, e.g. a summary table
    warnings: tuple[str, ...] = ()  # what the user asked for but this database cannot show


def bundle_cache_path() -> Path:
    """Where the Vega bundle is kept between runs: building it takes vl-convert ≈ 4 s, more
    than the rest of a report. Keyed by the versions, so an upgrade builds a new one."""
    root = os.environ.get("COOCCUR_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "cooccur"
    )
    name = f"vega-bundle-{vl_convert.__version__}-{vl_version_for_vl_convert()}.js"
    return Path(root, name)


@cache
def _vega_bundle() -> str:
    path = bundle_cache_path()
    try:
        bundle = path.read_text(encoding="utf-8")
    except OSError:
        bundle = vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())
        _write_atomically(path, bundle)
    if "</script" in bundle.lower():
        raise RuntimeError("the Vega bundle cannot be inlined safely (contains </script)")
    return bundle


def _write_atomically(path: Path, text: str) -> None:
    """A cache write that a concurrent run or a crash cannot leave half-written; a
    read-only cache folder only costs the rebuild next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError:
        pass


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


SpecCache = dict[int, tuple[alt.TopLevelMixin, str]]
_ONCE = "cooccur-report-once"


@contextmanager
def frames_converted_once() -> Iterator[None]:
    """While open, Altair's active data transformer runs once per frame: layers and panels
    that share a frame (a pair timeline's bars, line and overview strip) each had it turned
    into rows again at every `to_dict`. Same values, so the same datasets and names."""
    inner = alt.data_transformers.get()
    done: dict[int, tuple[object, Any]] = {}

    def convert(data: Any) -> Any:
        hit = done.get(id(data))
        if hit is None or hit[0] is not data:
            hit = done[id(data)] = (data, inner(data))  # type: ignore[misc]
        return hit[1]

    alt.data_transformers.register(_ONCE, convert)
    try:
        with alt.data_transformers.enable(_ONCE):
            yield
    finally:
        alt.data_transformers.register(_ONCE, None)
        done.clear()


def chart_json(chart: alt.TopLevelMixin, cache: SpecCache | None = None) -> str:
    """The chart's Vega-Lite spec as script-safe JSON. With a cache, a chart drawn on two
    pages (the index repeats the pair timeline and the changes) is serialised once; the
    chart is kept beside its text so its id cannot be reused by another object."""
    if cache is not None and (hit := cache.get(id(chart))) and hit[0] is chart:
        return hit[1]
    text = script_json(chart.to_dict(validate=schemapi.DEBUG_MODE))
    if cache is not None:
        cache[id(chart)] = (chart, text)
    return text


def render_page(
    title: str,
    sections: list[Section],
    *,
    nav: dict[str, str],
    header: str = "",
    specs: SpecCache | None = None,
) -> str:
    """One HTML page: escaped text, inlined Vega, one embedded spec per chart (`specs`:
    see `chart_json`).

    When every chart has drawn, the body gets `data-rendered` (milliseconds since the page
    started loading); a failure sets `data-render-error`. Browser tests read these.
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style>",
        f'<script type="text/javascript">{_vega_bundle()}</script>',
        "</head><body>",
        "<nav>"
        + "".join(
            f'<a href="{html.escape(href)}"{_current(label, title)}>{html.escape(label)}</a>'
            for label, href in nav.items()
        )
        + "</nav>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="header">{html.escape(header)}</p>' if header else "",
    ]
    charts: list[tuple[str, str]] = []
    for index, section in enumerate(sections):
        parts.append(f"<section><h2>{html.escape(section.title)}</h2>")
        parts.append(f'<p class="note">{html.escape(section.note)}</p>')
        parts.extend(f'<p class="warning">{html.escape(w)}</p>' for w in section.warnings)
        if section.chart is not None:
            parts.append(f'<div class="chart" id="chart-{index}"></div>')
            charts.append((f"#chart-{index}", chart_json(section.chart, specs)))
        parts.append(section.html_body)
        parts.append("</section>")
    embed = script_json({"actions": False})
    calls = ",\n".join(
        f"vegaEmbed({script_json(target)}, {spec}, {embed})" for target, spec in charts
    )
    parts.append(
        '<script type="text/javascript">\n'
        f"Promise.all([\n{calls}\n]).then(function () {{\n"
        "  document.body.setAttribute('data-rendered', String(Math.round(performance.now())));\n"
        "}).catch(function (error) {\n"
        "  document.body.setAttribute('data-render-error', String(error));\n"
        "  console.error(error);\n"
        "});\n</script></body></html>"
    )
    return "\n".join(parts)


def _current(label: str, title: str) -> str:
    return ' class="current"' if label == title else ""


def write_page(
    path: Path,
    title: str,
    sections: list[Section],
    *,
    nav: dict[str, str],
    header: str = "",
    specs: SpecCache | None = None,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render_page(title, sections, nav=nav, header=header, specs=specs)
    path.write_text(page, encoding="utf-8")
    return path


def export_images(path: Path, sections: list[Section], *, png: bool, svg: bool) -> list[Path]:
    """Each chart of a page as `<page>.png` / `<page>.svg` (`<page>-2.png` … if several),
    rendered by vl-convert without a browser."""
    written: list[Path] = []
    charts = [s.chart for s in sections if s.chart is not None]
    version = vl_version_for_vl_convert()
    for number, chart in enumerate(charts, start=1):
        stem = path.stem if number == 1 else f"{path.stem}-{number}"
        spec = chart.to_dict(validate=schemapi.DEBUG_MODE)
        if png:
            target = path.with_name(f"{stem}.png")
            target.write_bytes(vl_convert.vegalite_to_png(spec, vl_version=version, scale=2))
            written.append(target)
        if svg:
            target = path.with_name(f"{stem}.svg")
            target.write_text(vl_convert.vegalite_to_svg(spec, vl_version=version), "utf-8")
            written.append(target)
    return written


def summary_table(rows: dict[str, object]) -> str:
    cells = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td><b>{html.escape(str(v))}</b></td></tr>"
        for k, v in rows.items()
    )
    return f'<table class="summary">{cells}</table>'
