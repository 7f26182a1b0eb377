"""GDELT fetch against a real HTTP server on 127.0.0.1 serving a tiny mirror.

The mirror holds the shared GKG samples, zipped as GDELT names them, listed in master file
lists with their true sizes and MD5s — plus one corrupted file and one missing file.
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections.abc import Iterator
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import SHARED

from cooccur.gdelt import plan_fetch, run_fetch
from cooccur.gdelt_fetch import GkgFilter, filter_zip, parse_master_list
from cooccur.store import Store

GDELT = SHARED / "data" / "gdelt"
REMOTE = "http://data.gdeltproject.org/gdeltv2/"


def _zip(folder: Path, name: str, source: Path) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(source, name.removesuffix(".zip"))
    return path


def _line(path: Path, *, md5: str | None = None, size: int | None = None) -> str:
    data = path.read_bytes()
    return f"{size or len(data)} {md5 or hashlib.md5(data).hexdigest()} {REMOTE}{path.name}"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[str]:
    site = tmp_path / "site"
    site.mkdir()
    english = _zip(site, "20170701234500.gkg.csv.zip", GDELT / "20170701234500.gkg.sample.csv")
    translated = _zip(
        site,
        "20170701234500.translation.gkg.csv.zip",
        GDELT / "20170701234500.translation.gkg.sample.csv",
    )
    corrupted = _zip(site, "20170702000000.gkg.csv.zip", GDELT / "20170701234500.gkg.sample.csv")
    (site / "masterfilelist.txt").write_text(
        "\n".join(
            [
                f"150383 297a16b493de7cf6ca809a7cc31d0b93 {REMOTE}20170701234500.export.CSV.zip",
                _line(english),
                _line(corrupted, md5="0" * 32),  # the list's MD5 does not match the file
                f"12345 {'1' * 32} {REMOTE}20170702001500.gkg.csv.zip",  # listed, not served
                f"999 {'2' * 32} {REMOTE}20170801000000.gkg.csv.zip",  # outside the range
            ]
        )
        + "\n"
    )
    (site / "masterfilelist-translation.txt").write_text(_line(translated) + "\n")
    handler = partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_master_list_keeps_gkg_files_and_rebases_them_on_the_mirror() -> None:
    text = (
        f"1 {'a' * 32} {REMOTE}20170701234500.export.CSV.zip\n"
        f"2 {'b' * 32} {REMOTE}20170701234500.gkg.csv.zip\n"
        "garbage line\n"
    )
    files = parse_master_list(text, base_url="http://mirror.test/gdelt", stream="english")
    assert [(f.url, f.size, f.md5) for f in files] == [
        ("http://mirror.test/gdelt/20170701234500.gkg.csv.zip", 2, "b" * 32)
    ]


def test_filter_keeps_rows_by_fips_country_and_theme(tmp_path: Path) -> None:
    archive = _zip(tmp_path, "x.gkg.csv.zip", GDELT / "20170701234500.gkg.sample.csv")
    read, everything = filter_zip(archive, GkgFilter.of(), tmp_path / "all.csv")
    _, japan = filter_zip(archive, GkgFilter.of(countries=["JA"]), tmp_path / "ja.csv")
    _, none = filter_zip(archive, GkgFilter.of(countries=["ZZ"]), tmp_path / "zz.csv")
    assert read == everything == 50  # the sample's 50 records, all kept without a filter
    assert 0 < japan < 50 and none == 0
    for line in (tmp_path / "ja.csv").read_text(encoding="utf-8").splitlines():
        assert "#JA#" in line.split("\t")[9]  # V1Locations names Japan (FIPS JA)


def test_fetch_verifies_skips_bad_files_and_resumes(mirror: str, tmp_path: Path) -> None:
    db = tmp_path / "gdelt.duckdb"
    no_filter = GkgFilter.of()
    with Store(db) as store:
        plan = plan_fetch(
            store,
            date(2017, 7, 1),
            date(2017, 7, 2),
            no_filter,
            base_url=mirror,
            streams=("english", "translation"),
        )
        assert len(plan.in_range) == 4  # 2 good, 1 corrupted, 1 missing; August left out
        summary = run_fetch(store, plan, no_filter, tmp_path / "cache")
        assert (summary.files_fetched, summary.files_failed) == (2, 2)
        assert any("MD5" in reason for reason in summary.failures)
        assert any("HTTP 404" in reason for reason in summary.failures)
        assert summary.rows_kept == 100
        statuses = dict(store.query("select name, status from gdelt_files").rows())
        assert statuses["20170702000000.gkg.csv.zip"] == "failed"
        # a repeated fetch downloads only what failed before
        again = plan_fetch(
            store,
            date(2017, 7, 1),
            date(2017, 7, 2),
            no_filter,
            base_url=mirror,
            streams=("english", "translation"),
        )
        assert sorted(f.name for f in again.todo) == [
            "20170702000000.gkg.csv.zip",
            "20170702001500.gkg.csv.zip",
        ]


@pytest.mark.slow
def test_fetched_rows_become_articles_with_mentions(mirror: str, tmp_path: Path) -> None:
    from cooccur.counts import compute_tables
    from cooccur.gazetteer import load_gazetteer
    from cooccur.tag import tag_pending

    db = tmp_path / "gdelt.duckdb"
    japan = GkgFilter.of(countries=["JA"])
    with Store(db) as store:
        plan = plan_fetch(store, date(2017, 7, 1), date(2017, 7, 1), japan, base_url=mirror)
        summary = run_fetch(store, plan, japan, tmp_path / "cache")
        tag_pending(store, load_gazetteer())
        compute_tables(store)
        articles = store.scalar("select count(*) from articles where source = 'gdelt'")
        japan_mentions = store.scalar(
            "select count(distinct article_id) from mentions join entities using (entity_id) "
            "where key = 'country:JPN'"
        )
    assert articles == summary.rows_kept > 0
    assert japan_mentions == articles  # every kept row locates Japan
