"""GDELT GKG 2.1: the real samples in ../shared, their entities, tone, and the FIPS table."""

from __future__ import annotations

import csv
import zipfile
from datetime import datetime
from pathlib import Path

import pycountry
import pytest
from conftest import SHARED

from cooccur.counts import compute_tables
from cooccur.gazetteer import load_countries
from cooccur.ingest import ingest_paths
from cooccur.readers.gdelt import fips_to_iso3
from cooccur.settings import DATA_DIR
from cooccur.store import Store
from cooccur.tag import tag_pending

GDELT = SHARED / "data" / "gdelt"
SAMPLE = GDELT / "20170701234500.gkg.sample.csv"
TRANSLATED = GDELT / "20170701234500.translation.gkg.sample.csv"


@pytest.fixture(scope="module")
def gdelt_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both samples, the translated one zipped as GDELT ships it; tagged and counted."""
    for path in (SAMPLE, TRANSLATED):
        if not path.exists():
            raise FileNotFoundError(f"test data missing: {path}")
    folder = tmp_path_factory.mktemp("gdelt")
    with zipfile.ZipFile(folder / "20170701234500.translation.gkg.csv.zip", "w") as archive:
        archive.write(TRANSLATED, "20170701234500.translation.gkg.csv")
    path = folder / "gdelt.duckdb"
    with Store(path) as store:
        summary = ingest_paths(store, [SAMPLE, folder])
        assert summary.articles_new == 100 and summary.quarantined == 0
        tag_pending(store, load_countries())
        compute_tables(store)
    return path


def test_each_record_is_a_dated_gdelt_article(gdelt_db: Path) -> None:
    with Store(gdelt_db, read_only=True) as store:
        first = store.query(
            "select source, external_id, url, published_at, date_inferred, text, version "
            "from articles where external_id = '20170701234500-0'"
        ).row(0)
        counts = store.query(
            "select count(*), count(distinct published_at), "
            "count(*) filter (where source_path like '%.zip!%.gkg.csv') from articles"
        ).row(0)
    assert first == (
        "gdelt",
        "20170701234500-0",
        "http://www.ign.com/articles/2017/07/01/anime-expo-2017-the-seven-deadly-sins-knights-"
        "of-britannia-coming-west-gundam-versus-release-date-announced?abthid=595755c1dcfcbde350000023",
        datetime(2017, 7, 1, 23, 45),
        False,
        "",
        1,
    )
    assert counts == (100, 1, 50)  # 50 read from inside the zip


def test_entities_and_tone_come_from_the_v2_fields(gdelt_db: Path) -> None:
    with Store(gdelt_db, read_only=True) as store:
        rows = store.query(
            "select kind, name, iso3, char_offset from gkg_entities join articles "
            "using (article_id) where external_id = '20170701234500-0' order by kind, char_offset"
        ).rows()
        tone = store.scalar(
            "select tone from gkg_tone join articles using (article_id) "
            "where external_id = '20170701234500-0'"
        )
        serbia = store.query(
            "select distinct name, iso3 from gkg_entities join articles using (article_id) "
            "where external_id = '20170701234500-1' and kind = 'country' and iso3 in ('SRB', 'XKX')"
        ).rows()
    # V2Locations `1#Japan#JA#JA##36#138#JA#690`: FIPS JA is Japan, ISO JPN
    assert rows == [
        ("country", "Japan", "JPN", 690),
        ("org", "Twitter", None, 967),
        ("person", "Bandai Namco", None, 372),  # GDELT's own (mis)classification, kept
        ("person", "Bandai Namco", None, 723),
        ("person", "Miranda Sanchez", None, 887),
    ]
    assert tone == pytest.approx(-0.57471264367816)
    assert sorted(serbia) == [("Kosovo", "XKX"), ("Serbia", "SRB")]  # FIPS RI and KV


def test_gkg_mentions_feed_the_cooccurrence_tables(gdelt_db: Path) -> None:
    with Store(gdelt_db, read_only=True) as store:
        untagged = store.scalar(
            "select count(*) from articles where article_id not in "
            "(select article_id from tagged_articles)"
        )
        kinds = dict(
            store.query(
                "select e.kind, count(*) from mentions m join entities e using (entity_id) "
                "group by 1"
            ).rows()
        )
        themes = store.scalar("select count(*) from gkg_entities where kind = 'theme'")
        keys = store.query(
            "select key from entities where key in "
            "('person:miranda sanchez', 'org:twitter', 'country:JPN')"
        ).to_series()
        # record T15 (Sputnik, translated from French) names Rome, Italy and Turkey
        italy_turkey = store.scalar(
            "select n from cooccurrence c join entities a on a.entity_id = c.entity_a "
            "join entities b on b.entity_id = c.entity_b where c.context = 'document' "
            "and [a.key, b.key] in (['country:ITA', 'country:TUR'], ['country:TUR', 'country:ITA'])"
        )
    assert untagged == 0
    assert set(kinds) == {"country", "person", "org"} and themes > 0  # themes are not entities
    assert sorted(keys) == ["country:JPN", "org:twitter", "person:miranda sanchez"]
    assert italy_turkey == 1


def test_retagging_after_a_gazetteer_change_keeps_gdelt_mentions(gdelt_db: Path, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(gdelt_db.read_bytes())
    with Store(copy) as store:
        before = store.scalar("select count(*) from mentions")
        store.execute("update meta set value = 'stale' where key = 'tagger_version'")
        summary = tag_pending(store, load_countries())
        after = store.scalar("select count(*) from mentions")
    assert summary.retagged_all and before == after > 0


def test_fips_table_covers_every_code_and_maps_to_real_iso3() -> None:
    with (DATA_DIR / "fips_iso3.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    codes = [r["fips"] for r in rows]
    assert len(codes) == len(set(codes)) >= 270
    for row in rows:
        iso3 = row["iso3"]
        known = pycountry.countries.get(alpha_3=iso3) or pycountry.historic_countries.get(
            alpha_3=iso3
        )
        assert known or iso3 in ("XKX", ""), row
        assert iso3 or row["note"], f"{row['fips']} has no ISO3 and no note saying why"
    mapped = {r["iso3"] for r in rows}
    # every current ISO country is reachable, but Åland and the Caribbean Netherlands,
    # which FIPS 10-4 counts in Finland and the Netherlands
    assert {c.alpha_3 for c in pycountry.countries} - mapped == {"ALA", "BES"}
    table = fips_to_iso3()
    for fips, iso3 in {
        "IT": "ITA", "TU": "TUR", "GM": "DEU", "AU": "AUT", "AS": "AUS", "UK": "GBR",
        "RS": "RUS", "SF": "ZAF", "KS": "KOR", "KN": "PRK", "CH": "CHN", "EZ": "CZE",
        "LO": "SVK", "RI": "SRB", "KV": "XKX", "UP": "UKR", "IS": "ISR", "WE": "PSE",
        "SP": "ESP", "PO": "PRT", "SZ": "CHE", "SW": "SWE", "JA": "JPN", "OD": "SSD",
    }.items():  # fmt: skip
        assert table[fips][0] == iso3, fips


def test_every_country_code_in_the_samples_is_mapped() -> None:
    table = fips_to_iso3()
    seen = set()
    for path in (SAMPLE, TRANSLATED):
        for line in path.read_text(encoding="utf-8").splitlines():
            for block in line.split("\t")[10].split(";"):
                parts = block.split("#")
                if len(parts) > 2 and parts[2]:
                    seen.add(parts[2])
    assert len(seen) > 60
    assert {code for code in seen if not table.get(code, (None,))[0]} == set()


def test_gkg_themes_become_article_themes(gdelt_db: Path) -> None:
    # GKG writes MILITARY, ARMEDCONFLICT, TAX_MILITARY_TITLE…; cooccur calls that defense
    with Store(gdelt_db, read_only=True) as store:
        military = store.scalar(
            "select count(distinct article_id) from gkg_entities where kind = 'theme' "
            "and (name like '%MILITARY%' or name like '%ARMEDCONFLICT%')"
        )
        defense = store.query("select article_id, sentence_id from themes where theme = 'defense'")
    assert military > 0
    assert defense["article_id"].n_unique() >= military  # ARMS, WEAPONS… map there too
    assert defense["sentence_id"].null_count() == defense.height  # whole-article themes
