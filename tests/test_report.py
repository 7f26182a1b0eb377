from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cooccur.cli import app
from cooccur.counts import compute_tables
from cooccur.gazetteer import load_countries
from cooccur.ingest import ingest_paths
from cooccur.report import charts
from cooccur.report.build import PAGES, UnknownEntity, build_report
from cooccur.report.evidence import evidence_html, highlight, safe_url
from cooccur.report.html import Section, render_page
from cooccur.store import Store
from cooccur.tag import tag_pending

HOSTILE_TITLE = '</script><script>alert(1)</script>"><img src=x onerror=alert(2)> Italy'


def make_db(tmp_path: Path, records: list[dict[str, str]]) -> Path:
    """A database of the given JSON records, ingested, tagged and counted."""
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    db = tmp_path / "db.duckdb"
    with Store(db) as store:
        ingest_paths(store, [source])
        tag_pending(store, load_countries())
        compute_tables(store)
    return db


HOSTILE_RECORDS = [
    {
        "id": "x1",
        "date": "2025-01-05",
        "title": HOSTILE_TITLE,
        "text": 'Turkey and Italy. "><img src=x onerror=alert(3)> Turkey met Italy.',
        "url": "javascript:alert(4)",
    },
    {"id": "x2", "date": "2025-02-05", "title": "Italy", "text": "Turkey too."},
    {
        "id": "x3",
        "date": "2025-02-06",
        "title": "Greece, Italy and Turkey",
        "text": "Greece and Turkey talk.",
        "url": "https://example.org/a?b=1&c=2",
    },
]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Articles whose title, text and link try to break out of the page's script and markup."""
    return make_db(tmp_path_factory.mktemp("hostile"), HOSTILE_RECORDS)


@pytest.fixture(scope="module")
def hostile_site(hostile_db: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The report of the hostile database for Italy and Turkey, built once for this module,
    every chart checked against the Vega-Lite schema."""
    with Store(hostile_db, read_only=True) as store:
        return build_report(
            store, tmp_path_factory.mktemp("site"), pair=("italy", "TURKEY"), validate_specs=True
        )


def embedded_specs(page: str) -> list[dict]:
    """The Vega-Lite specs a page hands to vegaEmbed, decoded from the page's script."""
    decoder = json.JSONDecoder()
    specs = []
    for match in re.finditer(r"vegaEmbed\(\"#chart-\d+\", ", page):
        spec, _ = decoder.raw_decode(page, match.end())
        specs.append(spec)
    return specs


def units(spec: dict) -> list[dict]:
    """Every single-view spec (with a mark) inside a layered/concatenated/faceted spec."""
    found = [spec] if "mark" in spec else []
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for child in spec.get(key, []):
            found += units(child)
    if "spec" in spec:
        found += units(spec["spec"])
    return found


@pytest.mark.slow  # builds the whole report (inlines the Vega bundle: seconds)
def test_pages_are_self_contained(hostile_site: list[Path]) -> None:
    pages = hostile_site
    assert pages[0].name == "index.html"
    assert {p.name for p in pages} >= set(PAGES.values())
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=", html), "no external script"
        assert not re.search(r"<link[^>]+href=[\"']?https?:", html), "no external stylesheet"
        assert html.count("vega-embed") >= 1, "the Vega bundle is inlined"
        assert "cdn.jsdelivr" not in html.split("<body>")[-1]


@pytest.mark.slow  # builds the whole report (inlines the Vega bundle: seconds)
def test_every_mark_has_a_tooltip(hostile_site: list[Path]) -> None:
    marks = 0
    for page in hostile_site:
        for spec in embedded_specs(page.read_text(encoding="utf-8")):
            for unit in units(spec):
                mark = unit["mark"] if isinstance(unit["mark"], dict) else {"type": unit["mark"]}
                if mark.get("opacity") == 0:  # invisible margins of the time axis
                    continue
                marks += 1
                assert "tooltip" in unit["encoding"], f"{page.name}: {mark['type']} has no tooltip"
    assert marks > 10  # every chart of every page was looked at


@pytest.mark.slow  # builds the whole report (inlines the Vega bundle: seconds)
def test_untrusted_text_in_data_and_headings_cannot_run_script() -> None:
    data = pl.DataFrame(
        {
            "name": [HOSTILE_TITLE],
            "kind": ["country"],
            "n_articles": [1],
            "n_mentions": [1],
            "share_of_articles": [1.0],
        }
    )
    section = Section(HOSTILE_TITLE, HOSTILE_TITLE, charts.top_entities(data))
    page = render_page(
        HOSTILE_TITLE, [section], nav={HOSTILE_TITLE: "x.html"}, header=HOSTILE_TITLE
    )
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    # the text survives, escaped, for Vega to draw as text
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page


@pytest.mark.slow  # builds the whole report (inlines the Vega bundle: seconds)
def test_hostile_articles_stay_text_in_every_page(hostile_site: list[Path]) -> None:
    for page in hostile_site:
        html = page.read_text(encoding="utf-8")
        body = html[html.index("</head>") :]
        assert "<script>alert" not in body and "<img src=x" not in body, page.name
        assert "javascript:alert" not in body.replace("\\u003c", "<"), page.name
    evidence = (hostile_site[0].parent / "evidence.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(3)&gt;" in evidence
    assert 'href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer"' in evidence


def test_safe_url_allows_only_absolute_http_links() -> None:
    assert safe_url("https://example.org/x") == "https://example.org/x"
    assert safe_url("http://example.org") == "http://example.org"
    for bad in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>",
        "//example.org",
        "/relative",
        "https://exa mple.org",
        "java\tscript:alert(1)",
        None,
        "",
    ):
        assert safe_url(bad) is None, bad


def test_highlight_marks_mentions_and_escapes_the_rest() -> None:
    sentence = "<b>Italy</b> & Turkey"
    spans = [{"start": 3, "end": 8}, {"start": 15, "end": 21}]
    assert (
        highlight(sentence, spans)
        == "&lt;b&gt;<mark>Italy</mark>&lt;/b&gt; &amp; <mark>Turkey</mark>"
    )
    long = "x " * 400 + "Italy and Turkey" + " y" * 400
    start = long.index("Italy")
    shown = highlight(long, [{"start": start, "end": start + 5}])
    assert "<mark>Italy</mark>" in shown and shown.startswith("… ") and shown.endswith(" …")
    assert len(shown) < 600


def test_evidence_table_groups_by_bucket_with_anchors() -> None:
    frame = pl.DataFrame(
        {
            "bucket_start": [date(2025, 2, 1), date(2025, 1, 1)],
            "articles_in_bucket": [3, 1],
            "published_at": [datetime(2025, 2, 6), datetime(2025, 1, 5)],
            "article_id": ["b", "a"],
            "title": ['x"><img src=y>', None],
            "url": ["javascript:alert(1)", "https://e.org/"],
            "external_id": ["r-1", None],
            "same_sentence": [True, False],
            "sentence_id": [1, 2],
            "sentence": ["Italy and Turkey.", "Only Italy."],
            "spans": [
                [{"start": 0, "end": 5}, {"start": 10, "end": 16}],
                [{"start": 5, "end": 10}],
            ],
        }
    )
    out = evidence_html(frame, bucket="month", name_a="Italy", name_b="Turkey")
    assert '<h3 id="b-2025-02-01">Feb 2025: 3 articles name both (showing the latest 1)</h3>' in out
    assert '<h3 id="b-2025-01-01">Jan 2025: 1 article names both</h3>' in out
    assert "x&quot;&gt;&lt;img src=y&gt;" in out and "javascript" not in out
    assert (
        '<a href="https://e.org/" rel="noopener noreferrer" target="_blank">(no title)</a>' in out
    )
    assert "(named in different sentences)" in out


def test_unknown_pair_names_fail_clearly(hostile_db: Path, tmp_path: Path) -> None:
    with Store(hostile_db, read_only=True) as store, pytest.raises(UnknownEntity, match="Atlantis"):
        build_report(store, tmp_path / "reports", pair=("Italy", "Atlantis"))


@pytest.mark.slow  # builds the whole report (inlines the Vega bundle: seconds)
def test_timeline_bars_link_to_their_evidence(hostile_site: list[Path]) -> None:
    site = hostile_site[0].parent
    page = (site / "pair_timeline.html").read_text(encoding="utf-8")
    (spec,) = embedded_specs(page)
    hrefs = {r["href"] for rows in spec["datasets"].values() for r in rows if "href" in r}
    # Italy and Turkey are named together in January (x1) and February (x2, x3)
    assert hrefs == {"evidence.html#b-2025-01-01", "evidence.html#b-2025-02-01"}
    evidence = (site / "evidence.html").read_text(encoding="utf-8")
    assert 'id="b-2025-01-01"' in evidence and 'id="b-2025-02-01"' in evidence
    assert spec["params"][0]["name"] == "brush" or any(
        p.get("name") == "brush" for u in spec["vconcat"] for p in u.get("params", [])
    )


@pytest.mark.slow  # builds the whole report (inlines the Vega bundle: seconds)
def test_cli_report_writes_pages_png_and_svg(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(
        app,
        ["report", "--db", str(hostile_db), "--reports", str(out), "--pair", "Italy", "Turkey"]
        + ["--entity", "Greece", "--theme", "defense", "--measure", "pmi", "--png", "--svg"],
    )
    assert result.exit_code == 0, result.output
    assert "unavailable" not in result.output  # the tag stage wrote `themes`
    assert (out / "pair_timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "network.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
    ego = (out / "ego.html").read_text(encoding="utf-8")
    assert "Ego view: Greece" in ego and "PMI" in ego
    assert "unavailable" not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--measure", "nonsense"], "unknown measure"),
        (["--bucket", "fortnight"], "unknown bucket"),
        (["--entity", "Atlantis"], "no entity named 'Atlantis'"),
    ],
)
def test_cli_report_rejects_bad_input(
    hostile_db: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        app, ["report", "--db", str(hostile_db), "--reports", str(tmp_path / "r"), *args]
    )
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


@pytest.mark.slow  # uses the built report
def test_every_link_leads_to_a_page_and_anchor_that_exist(hostile_site: list[Path]) -> None:
    site = hostile_site[0].parent
    for page in hostile_site:
        text = page.read_text(encoding="utf-8")
        body = text[text.index("</head>") :]
        links = re.findall(r'<a href="([^"]+)"', body)
        links += [
            row["href"]
            for spec in embedded_specs(text)
            for rows in spec.get("datasets", {}).values()
            for row in rows
            if row.get("href")
        ]
        for link in links:
            if link.startswith("https://"):
                continue
            target, _, anchor = link.partition("#")
            path = site / target if target else page
            assert path.exists(), f"{page.name} links to missing {target}"
            if anchor:
                assert f'id="{anchor}"' in path.read_text(encoding="utf-8"), f"{page.name}: {link}"


def test_vega_bundle_is_built_once_and_reused_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cooccur.report import html as report_html

    monkeypatch.setenv("COOCCUR_CACHE_DIR", str(tmp_path / "cache"))
    report_html._vega_bundle.cache_clear()
    try:
        page = render_page("t", [], nav={})
        cached = report_html.bundle_cache_path()
        assert cached.parent == tmp_path / "cache" and cached.stat().st_size > 500_000
        assert cached.read_text(encoding="utf-8") in page
        # a later process reads the file instead of asking vl-convert again
        cached.write_text("/* cached vega */", encoding="utf-8")
        report_html._vega_bundle.cache_clear()
        assert "/* cached vega */" in render_page("t", [], nav={})
    finally:
        report_html._vega_bundle.cache_clear()


def test_evidence_lists_each_buckets_articles_and_sentences_in_query_order() -> None:
    """Buckets, and articles within them, keep the order the query gave (latest first); an
    article's sentences stay together under its first row's title and date."""
    frame = pl.DataFrame(
        {
            "bucket_start": [date(2025, 2, 1)] * 3 + [date(2025, 1, 1)],
            "articles_in_bucket": [5, 5, 5, 1],
            "published_at": [datetime(2025, 2, 9), datetime(2025, 2, 9), datetime(2025, 2, 3)]
            + [datetime(2025, 1, 5)],
            "article_id": ["late", "late", "early", "jan"],
            "title": ["Late", "Late", "Early", "Jan"],
            "url": [None] * 4,
            "external_id": [None] * 4,
            "same_sentence": [True, True, True, True],
            "sentence_id": [1, 4, 2, 1],
            "sentence": ["First Italy.", "Fourth Italy.", "Early Italy.", "Jan Italy."],
            "spans": [[{"start": 6, "end": 11}], None, None, None],
        }
    )
    out = evidence_html(frame, bucket="month", name_a="Italy", name_b="Turkey")
    assert "Feb 2025: 5 articles name both (showing the latest 2)" in out
    order = [out.index(text) for text in ("Late", "First ", "Fourth", "Early", "Jan 2025")]
    assert order == sorted(order)
    assert out.count("<tr><td>") == 3 and "First <mark>Italy</mark>." in out
    assert "<td>2025-02-09</td><td>Late</td><td><p>First" in out


def test_frames_are_converted_once_and_the_spec_is_altairs_own() -> None:
    """Inside `frames_converted_once` each frame goes through the active data transformer
    once however many charts share it; the spec equals Altair's, and the transformer in
    force before is back afterwards."""
    import altair as alt

    from cooccur.report.html import frames_converted_once

    frame = pl.DataFrame({"x": [1, 2, 3], "y": [2.5, None, 1.0], "d": [date(2025, 1, 1)] * 3})
    other = pl.DataFrame({"x": [0, 4]})
    base = alt.Chart(frame)

    def chart() -> alt.VConcatChart:
        layer = alt.layer(
            alt.Chart(other).mark_point().encode(x="x:Q"),
            base.mark_bar().encode(x="x:Q", y="y:Q"),
            base.mark_line().encode(x="x:Q", y="y:Q", tooltip=["d:T"]),
        )
        return alt.vconcat(layer, base.mark_tick().encode(x="x:Q"))

    calls: list[int] = []
    default = alt.data_transformers.get()
    assert default is not None

    def counting(data: object) -> object:
        calls.append(id(data))
        return default(data)

    alt.data_transformers.register("counting-test", counting)
    try:
        with alt.data_transformers.enable("counting-test"):
            plain = chart().to_dict()
            n_plain = len(calls)
            calls.clear()
            with frames_converted_once():
                once = chart().to_dict()
            assert alt.data_transformers.active == "counting-test"
    finally:
        alt.data_transformers.register("counting-test", None)
    assert once == plain
    assert sorted(set(calls)) == sorted({id(frame), id(other)}) and len(calls) == 2
    assert n_plain > 2  # without it, the shared frame is converted for every chart


def test_a_chart_shown_on_two_pages_is_serialised_once() -> None:
    from cooccur.report.html import chart_json

    chart = charts.top_entities(
        pl.DataFrame(
            {
                "name": ["Italy"],
                "kind": ["country"],
                "n_articles": [2],
                "n_mentions": [3],
                "share_of_articles": [0.5],
            }
        )
    )
    cache: dict = {}
    first = chart_json(chart, cache)
    assert chart_json(chart, cache) is first and len(cache) == 1
    assert json.loads(first) == chart.to_dict()
    pages = [render_page(t, [Section("s", "n", chart)], nav={}, specs=cache) for t in "ab"]
    assert all(first in page for page in pages) and len(cache) == 1


def _flips(tree: object) -> list[list[int]]:
    """Every leaf order a tree's flips allow."""
    if isinstance(tree, int):
        return [[tree]]
    left, right = _flips(tree[0]), _flips(tree[1])  # type: ignore[index]
    return [a + b for a in left for b in right] + [b + a for a in left for b in right]


def _clusters(tree: object, into: set[frozenset[int]]) -> frozenset[int]:
    if isinstance(tree, int):
        return frozenset([tree])
    both = _clusters(tree[0], into) | _clusters(tree[1], into)  # type: ignore[index]
    into.add(both)
    return both


@pytest.mark.parametrize("seed", range(40))
def test_heatmap_order_is_scipys_tree_in_its_least_cost_order(seed: int) -> None:
    """The tree is SciPy's average linkage (distances without ties) and the order the least
    sum of neighbour distances any flip of it gives (checked against every flip; SciPy's
    `optimal_ordering` misses it at times, scipy/scipy#11227), on random and on heavily tied
    distances."""
    import numpy as np
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    from cooccur.report.graph import average_linkage, optimal_leaf_order

    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 10))
    x = rng.random((n, n)) if seed % 2 else rng.integers(0, 3, (n, n)) / 3
    distance = np.triu(x, 1) + np.triu(x, 1).T
    tree = average_linkage(distance)
    order = optimal_leaf_order(tree, distance)

    def cost(leaves: list[int]) -> float:
        return sum(distance[a, b] for a, b in zip(leaves, leaves[1:], strict=False))

    assert order in _flips(tree)
    assert cost(order) == pytest.approx(min(cost(o) for o in _flips(tree)), abs=1e-12)
    if seed % 2:
        ours: set[frozenset[int]] = set()
        _clusters(tree, ours)
        members = [frozenset([i]) for i in range(n)]
        for a, b, *_ in linkage(squareform(distance), method="average"):
            members.append(members[int(a)] | members[int(b)])
        assert ours == set(members[n:])


def test_pair_timeline_brush_is_on_the_strip_at_every_serialisation() -> None:
    """The strip is left a plain layer once Altair has lifted its brush: the brush stays at
    the top, bound to the strip's bars, however often the chart is serialised."""
    frame = pl.DataFrame(
        {
            "bucket_start": [date(2025, 1, 1), date(2025, 2, 1)],
            "n_documents": [1, 2],
            "n_sentences": [1, 3],
            "value": [0.5, None],
        }
    )
    chart = charts.pair_timeline(
        frame,
        None,
        name_a="Italy",
        name_b="Turkey",
        bucket="month",
        measure="npmi",
        measure_label="NPMI",
        evidence_page="evidence.html",
    )
    spec = chart.to_dict()
    (brush,) = spec["params"]
    strip = spec["vconcat"][-1]
    assert brush["name"] == "brush" and brush["views"] == [strip["layer"][1]["name"]]
    assert "params" not in strip and strip["width"] == charts.WIDTH
    assert chart.to_dict() == spec
