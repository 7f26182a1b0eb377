"""Each input format, read by its real parser from a realistic file made in tmp_path."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
import zipfile
from datetime import datetime
from functools import partial
from pathlib import Path

import polars as pl
import pytest

from cooccur.ingest import IngestSummary, ingest_paths
from cooccur.store import Store

ARTICLE_COLUMNS = "source, external_id, url, title, text, published_at, date_inferred"


def ingest(tmp_path: Path, *paths: Path | str, **options) -> tuple[IngestSummary, Store]:
    store = Store(tmp_path / "db.duckdb")
    return ingest_paths(store, list(paths), **options), store


def articles(store: Store) -> list[tuple]:
    return store.query(f"select {ARTICLE_COLUMNS} from articles order by source_path, 2").rows()


def test_text_headers_accept_any_date_format(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "title: Talks in Ankara\ndate: Tue, 08 Apr 2025 10:00:00 +0200\n\nItaly met Turkey.\n"
    )
    (tmp_path / "b.txt").write_text("Date palms grow in Egypt.\n")  # body text, not a header
    summary, store = ingest(tmp_path, tmp_path)
    rows = store.query("select title, text, published_at, date_inferred from articles").rows()
    assert summary.articles_new == 2
    assert ("Talks in Ankara", "Italy met Turkey.", datetime(2025, 4, 8, 8), False) in rows
    assert any(r[1] == "Date palms grow in Egypt." and r[3] is True for r in rows)


def test_json_array_and_wrapped_api_dump(tmp_path: Path) -> None:
    array = [
        {"id": 1, "headline": "Rome", "body": "Italy met.", "published_at": "March 3, 1987"},
        {"id": 2, "headline": "Ankara", "body": "Turkey met.", "published_at": 20170701234500},
    ]
    (tmp_path / "array.json").write_text(json.dumps(array, indent=2))
    dump = {"status": "ok", "articles": [{"title": "Athens", "content": "Greece met."}]}
    (tmp_path / "dump.json").write_text(json.dumps(dump))
    mapping = {"title": "headline", "text": "body", "date": "published_at"}
    summary, store = ingest(tmp_path, tmp_path / "array.json", mapping=mapping)
    ingest_paths(store, [tmp_path / "dump.json"])  # no --map: the usual column names
    rows = articles(store)
    assert summary.articles_new == 2 and summary.quarantined == 0
    assert rows[0][1:6] == ("1", None, "Rome", "Italy met.", datetime(1987, 3, 3))
    assert rows[1][5] == datetime(2017, 7, 1, 23, 45)  # YYYYMMDDHHMMSS as a number
    assert rows[2][3:5] == ("Athens", "Greece met.")  # `content` is a default text column


def test_csv_with_map_embedded_newlines_and_quotes(tmp_path: Path) -> None:
    source = tmp_path / "news.csv"
    source.write_text(
        "article_id;headline;body;published_at;link\n"
        '1;"Rome; talks";"Italy met ""Turkey""\nin Ankara.";2025-01-02T10:00:00+01:00;'
        "https://Example.com/a?utm_source=x&b=1#top\n"
        "2;Athens;Greece met.;;\n",
        encoding="utf-8",
    )
    summary, store = ingest(
        tmp_path, source, mapping={"text": "body", "date": "published_at", "title": "headline"}
    )
    rows = store.query("select external_id, title, text, published_at, url, canonical_url, "
                       "date_inferred from articles order by 1").rows()  # fmt: skip
    assert summary.articles_new == 2
    assert rows[0] == (
        "1",
        "Rome; talks",
        'Italy met "Turkey" in Ankara.',  # the quoted newline is a hard wrap, joined
        datetime(2025, 1, 2, 9),
        "https://Example.com/a?utm_source=x&b=1#top",
        "https://example.com/a?b=1",
        False,
    )
    assert rows[1][6] is True  # no date: the file's date, flagged


def test_parquet_rows_stream_with_map(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "story": ["Italy and Turkey signed.", "", "Greece met."],
            "when": [datetime(2025, 4, 8, 10), None, datetime(1887, 1, 1)],
            "guid": ["a", "b", "c"],
        }
    )
    frame.write_parquet(tmp_path / "news.parquet", row_group_size=1)
    summary, store = ingest(tmp_path, tmp_path, mapping={"date": "when"})
    rows = articles(store)
    reasons = store.query("select line, reason_code from quarantine order by line").rows()
    assert [r[1:6] for r in rows] == [
        ("a", None, None, "Italy and Turkey signed.", datetime(2025, 4, 8, 10))
    ]
    assert reasons == [(2, "no_text"), (3, "implausible_date")]
    assert summary.quarantined == 2


NEWS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Italy and Turkey sign drone deal | Agenzia Example</title>
<link rel="canonical" href="https://www.Example.com/news/drones?utm_source=tw#comments">
<meta property="article:published_time" content="2025-04-08T10:00:00+02:00">
<script>window.tracker = {"a": 1};</script>
</head><body>
<header><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
</header>
<main><article>
<h1>Italy and Turkey sign drone deal</h1>
<p class="byline">By A. Reporter</p>
<p>Italy's defence minister Guido Crosetto met his Turkish counterpart Yasar Guler in Ankara on
Tuesday, where the two NATO allies agreed to deepen their industrial cooperation.</p>
<p>Leonardo and Baykar will set up a joint venture to build unmanned aircraft in both
countries, officials said after the meeting.</p>
</article>
<aside><h3>Most read</h3><ul><li>Football scores</li><li>Weather tomorrow</li></ul></aside>
</main>
<footer>Copyright 2025 Agenzia Example. All rights reserved. Cookie settings.</footer>
</body></html>
"""


def test_html_page_main_text_title_date_url_by_trafilatura(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(NEWS_PAGE, encoding="utf-8")
    summary, store = ingest(tmp_path, tmp_path)
    source, _, url, title, text, published, inferred = articles(store)[0]
    canonical = store.scalar("select canonical_url from articles")
    assert (source, title, published, inferred) == (
        "html",
        "Italy and Turkey sign drone deal",
        datetime(2025, 4, 8),
        False,
    )
    assert text.startswith("Italy's defence minister Guido Crosetto met his Turkish counterpart")
    assert "Leonardo and Baykar" in text
    for boilerplate in ("Home", "Football scores", "Copyright", "tracker"):
        assert boilerplate not in text
    assert canonical == "https://www.example.com/news/drones"


RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example Wire</title><link>https://wire.example.com/</link>
<item>
  <title>Italy &amp; Turkey agree</title>
  <link>https://wire.example.com/a?utm_source=rss&amp;id=7</link>
  <guid isPermaLink="false">wire-7</guid>
  <pubDate>Tue, 08 Apr 2025 10:00:00 EST</pubDate>
  <description>&lt;p&gt;Short summary.&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>Crosetto met <b>Guler</b> in Ankara.</p><p>They signed.</p>
  <script>alert(1)</script>]]></content:encoded>
</item>
<item><title>No date here</title><link>https://wire.example.com/b</link>
  <description>Greece and Cyprus talked.</description></item>
<item><title>Bad date</title><pubDate>sometime soon</pubDate><description>x</description></item>
</channel></rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Atom</title>
<id>urn:example</id><updated>2025-04-09T00:00:00Z</updated>
<entry><title type="html">Spain &lt;em&gt;and&lt;/em&gt; Portugal</title>
<link href="https://atom.example.com/1"/><id>urn:1</id>
<updated>2025-04-09T12:30:00+02:00</updated>
<content type="html">&lt;p&gt;Spain met Portugal.&lt;/p&gt;</content></entry>
</feed>
"""


def test_rss_and_atom_entries_become_articles(tmp_path: Path) -> None:
    (tmp_path / "wire.rss").write_bytes(RSS)
    (tmp_path / "atom.xml").write_bytes(ATOM)
    summary, store = ingest(tmp_path, tmp_path)
    rows = {r[3]: r for r in articles(store)}
    quarantined = store.query("select line, reason_code from quarantine").rows()
    assert summary.articles_new == 3 and quarantined == [(3, "unparseable_date")]
    first = rows["Italy & Turkey agree"]
    assert first[1:3] == ("wire-7", "https://wire.example.com/a?utm_source=rss&id=7")
    assert first[4] == "Crosetto met Guler in Ankara.\n\nThey signed."  # content, HTML to text
    assert first[5] == datetime(2025, 4, 8, 15)  # EST is UTC-5
    assert rows["No date here"][6] is True
    assert rows["Spain and Portugal"][4:6] == ("Spain met Portugal.", datetime(2025, 4, 9, 10, 30))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server(tmp_path: Path):
    """An HTTP server on 127.0.0.1 serving tmp_path/www, stopped after the test."""
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_feed_url_named_by_the_user_is_fetched_once_per_change(tmp_path: Path, local_server):
    root, base = local_server
    (root / "feed.rss").write_bytes(RSS)
    summary, store = ingest(tmp_path, f"{base}/feed.rss")
    again = ingest_paths(store, [f"{base}/feed.rss"])
    missing = ingest_paths(store, [f"{base}/nothing.rss"])
    reasons = store.query("select reason_code from quarantine order by 1").to_series().to_list()
    assert summary.articles_new == 2
    assert again.files_unchanged == 1 and again.articles_new == 0
    assert missing.reasons["fetch_failed"] == 1
    assert reasons == ["fetch_failed", "unparseable_date"]


def test_html_page_url_is_read_with_trafilatura(tmp_path: Path, local_server) -> None:
    root, base = local_server
    (root / "story.html").write_text(NEWS_PAGE.replace('<link rel="canonical"', "<link"))
    summary, store = ingest(tmp_path, f"{base}/story.html?utm_medium=email")
    row = store.query("select source, title, canonical_url, published_at from articles").row(0)
    assert summary.articles_new == 1
    assert row == (
        "html",
        "Italy and Turkey sign drone deal",
        f"{base}/story.html",  # no canonical link in the page: the URL fetched, cleaned
        datetime(2025, 4, 8),
    )


def test_folders_walk_with_include_and_exclude_globs(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for path, text in {
        "a.txt": "Italy.",
        "drafts/b.txt": "Draft about Spain.",
        "2024/x/c.txt": "Turkey.",
        "2024/x/d.jsonl": '{"text": "Greece."}',
        "notes.md": "not an input",
        ".hidden.txt": "hidden",
    }.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    summary, store = ingest(tmp_path, root, include=["*.txt"], exclude=["drafts/**"])
    texts = sorted(store.query("select text from articles").to_series().to_list())
    assert texts == ["Italy.", "Turkey."]
    everything = ingest_paths(store, [root])  # no globs: every supported file, none hidden
    assert everything.files_read == 2  # drafts/b.txt and d.jsonl; the rest unchanged
    assert summary.quarantined == everything.quarantined == 0


def test_zip_and_gzip_members_are_read_as_files(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("one.txt", "date 2025-04-08\n\nItaly met Turkey.")
        bundle.writestr("sub/two.jsonl", '{"id": "t", "text": "Spain met Portugal."}\n')
        bundle.writestr("README.md", "skipped: not an article format")
        bundle.writestr("inner.zip", b"PK\x05\x06" + bytes(18))
    (tmp_path / "three.jsonl.gz").write_bytes(gzip.compress(b'{"text": "Greece met Cyprus."}\n'))
    summary, store = ingest(tmp_path, tmp_path)
    rows = store.query("select source, source_path, text, published_at from articles").rows()
    by_text = {r[2]: r for r in rows}
    reasons = store.query("select source_path, reason_code from quarantine").rows()
    assert summary.articles_new == 3
    assert by_text["Italy met Turkey."][0] == "text"
    assert by_text["Italy met Turkey."][1].endswith("bundle.zip!one.txt")
    assert by_text["Italy met Turkey."][3] == datetime(2025, 4, 8)
    assert by_text["Spain met Portugal."][1].endswith("bundle.zip!sub/two.jsonl")
    assert by_text["Greece met Cyprus."][1].endswith("three.jsonl.gz!three.jsonl")
    assert [(p.rsplit("/", 1)[-1], r) for p, r in reasons] == [
        ("bundle.zip!inner.zip", "nested_archive")
    ]
    formats = dict(store.query("select path, format from sources").rows())
    assert sorted(formats.values()) == ["gzip", "zip"]
