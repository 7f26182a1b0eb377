"""Self-contained HTML pages that draw Altair charts with no network.

Altair's own `save(inline=True)` writes chart data into a <script> without escaping, so an
article title containing `</script>` would end the script and run whatever follows. Here
every spec is JSON with `<`, `>` and `&` escaped, and every piece of page text is
HTML-escaped: nothing from an article can run in the report.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import altair as alt
import vl_convert
from altair.utils._importers import vl_version_for_vl_convert

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
p.note { color: #555; max-width: 70ch; }
table.summary td { padding: 0.2rem 1rem 0.2rem 0; }
nav a { margin-right: 1rem; }
.chart { margin: 1rem 0 2rem; }
"""


@dataclass(frozen=True)
class Section:
    """A heading, an explanation a newcomer can read, and a chart (or none)."""

    title: str
    note: str
    chart: alt.TopLevelMixin | None = None
    html_body: str = ""  # already-escaped HTML, e.g. a summary table


@cache
def _vega_bundle() -> str:
    bundle = vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())
    if "</script" in bundle.lower():
        raise RuntimeError("the Vega bundle cannot be inlined safely (contains </script)")
    return bundle


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(title: str, sections: list[Section], *, nav: dict[str, str]) -> str:
    """One HTML page: escaped text, inlined Vega, one embedded spec per chart."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style>",
        f'<script type="text/javascript">{_vega_bundle()}</script>',
        "</head><body>",
        "<nav>"
        + "".join(
            f'<a href="{html.escape(href)}">{html.escape(label)}</a>' for label, href in nav.items()
        )
        + "</nav>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    specs = []
    for index, section in enumerate(sections):
        parts.append(f"<section><h2>{html.escape(section.title)}</h2>")
        parts.append(f'<p class="note">{html.escape(section.note)}</p>')
        parts.append(section.html_body)
        if section.chart is not None:
            parts.append(f'<div class="chart" id="chart-{index}"></div>')
            specs.append((f"#chart-{index}", section.chart.to_dict()))
        parts.append("</section>")
    embed = script_json({"actions": False})
    calls = "".join(
        f"vegaEmbed({script_json(target)}, {script_json(spec)}, {embed}).catch(console.error);\n"
        for target, spec in specs
    )
    parts.append(f'<script type="text/javascript">\n{calls}</script></body></html>')
    return "\n".join(parts)


def write_page(path: Path, title: str, sections: list[Section], *, nav: dict[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(title, sections, nav=nav), encoding="utf-8")
    return path


def summary_table(rows: dict[str, object]) -> str:
    cells = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td><b>{html.escape(str(v))}</b></td></tr>"
        for k, v in rows.items()
    )
    return f'<table class="summary">{cells}</table>'
