"""The analytics commands on the Reuters database: formats, filters, errors, network files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import polars as pl
import pytest
from typer.testing import CliRunner

from cooccur.cli import app
from cooccur.store import Store

runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.mark.slow
def test_pair_timeline_as_csv_matches_the_table(reuters_db: Path) -> None:
    code, out = cli(
        "pairs", "japan", "USA", "--db", reuters_db, "--bucket", "week", "--format", "csv"
    )
    assert code == 0, out
    frame = pl.read_csv(io.StringIO(out), try_parse_dates=True)
    with Store(reuters_db, read_only=True) as store:
        stored = store.query(
            "select bucket_start, n from cooccurrence where bucket = 'week' "
            "and context = 'document' and name_a || name_b in "
            "('JapanUnited States', 'United StatesJapan')"
        )
        weeks = store.scalar(
            "select count(*) from bucket_totals where bucket = 'week' and context = 'document'"
        )
    assert frame.height == weeks  # every week, zeros included
    present = dict(stored.rows())
    for start, n in frame.select("bucket_start", "n").rows():
        assert n == present.get(start, 0)
    assert {"n_rolling", "npmi_rolling", "llr", "tone_mean"} <= set(frame.columns)


@pytest.mark.slow
def test_partners_of_one_entity_as_json(reuters_db: Path) -> None:
    code, out = cli(
        "pairs",
        "Italy",
        "--db",
        reuters_db,
        "--bucket",
        "all",
        "--format",
        "json",
        "--by",
        "npmi",
        "--min-support",
        "3",
        "--limit",
        "0",
    )
    assert code == 0, out
    rows = json.loads(out)
    assert rows and all("Italy" in (r["name_a"], r["name_b"]) for r in rows)
    assert all(r["n"] >= 3 for r in rows)
    npmis = [r["npmi"] for r in rows]
    assert npmis == sorted(npmis, reverse=True)


@pytest.mark.slow
def test_top_pairs_to_parquet_and_its_errors(reuters_db: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "top.parquet"
    code, out = cli(
        "top",
        "--db",
        reuters_db,
        "--bucket",
        "month",
        "--by",
        "llr",
        "--kinds",
        "country-country",
        "--format",
        "parquet",
        "--output",
        out_file,
    )
    assert code == 0, out
    frame = pl.read_parquet(out_file)
    assert frame["rank"].max() <= 20 and frame["n"].min() >= 5
    assert frame.group_by("bucket_start").agg(pl.col("llr").max())["llr"].min() > 0
    assert cli("top", "--db", reuters_db, "--format", "parquet")[0] == 2
    assert cli("top", "--db", reuters_db, "--by", "magic")[0] == 2
    assert cli("top", "--db", reuters_db, "--kinds", "country")[0] == 2
    code, out = cli("top", "--db", reuters_db, "--theme", "defense")  # the tag stage's themes
    assert code == 0, out


@pytest.mark.slow
def test_changes_and_evidence(reuters_db: Path) -> None:
    code, out = cli("changes", "--db", reuters_db, "--bucket", "week", "--format", "csv")
    assert code == 0, out
    changes = pl.read_csv(io.StringIO(out))
    assert changes.height == 20 and changes["z_n"].abs().is_sorted(descending=True)

    code, out = cli(
        "evidence",
        "Italy",
        "Turkey",
        "--db",
        reuters_db,
        "--bucket-start",
        "2025-04-01",
        "--format",
        "json",
    )
    assert code == 0, out
    rows = json.loads(out)
    assert len(rows) >= 3 and all("**" in r["snippet"] for r in rows)
    code, out = cli("evidence", "Italy", "Atlantis", "--db", reuters_db)
    assert code == 2 and "Atlantis" in out
    code, out = cli("evidence", "Italy", "Turkey", "--db", reuters_db, "--bucket-start", "April")
    assert code == 2


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_export_network_writes_a_graph_gephi_can_read(
    reuters_db: Path, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"march.{fmt}"
    code, out = cli(
        "export-network",
        "--db",
        reuters_db,
        "--bucket",
        "month",
        "--bucket-start",
        "1987-03-01",
        "--format",
        fmt,
        "--output",
        path,
    )
    assert code == 0, out
    graph = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
    with Store(reuters_db, read_only=True) as store:
        edges = store.scalar(
            "select count(*) from cooccurrence where bucket = 'month' "
            "and bucket_start = date '1987-03-01' and context = 'document'"
        )
    assert graph.number_of_edges() == edges
    node = next(iter(graph.nodes(data=True)))[1]
    assert node["kind"] == "country" and node["n"] >= 1
    edge = next(iter(graph.edges(data=True)))[2]
    assert {"n", "npmi", "llr"} <= set(edge)


def test_run_rejects_unknown_settings_before_starting(tmp_path: Path, seed_dir: Path) -> None:
    code, out = cli("run", seed_dir, "--db", tmp_path / "db.duckdb", "--buckets", "fortnight")
    assert code == 2 and "fortnight" in out
    assert not (tmp_path / "db.duckdb").exists()


@pytest.mark.slow
def test_changes_of_one_bucket_or_the_last_run_equal_the_view_filtered(reuters_db: Path) -> None:
    """`--bucket-start` and `--last-run` compute only the buckets asked for (and their
    baselines), and give the rows of the whole `pair_changes` view filtered to them."""
    with Store(reuters_db, read_only=True) as store:
        view = store.query(
            "select bucket_start::varchar as bucket_start, name_a, name_b, round(z_n, 9) as z_n, "
            "in_last_run from pair_changes where bucket = 'week' and context = 'document'"
        )
    latest = view["bucket_start"].max()
    for args, expected in (
        (["--bucket-start", str(latest)], view.filter(pl.col("bucket_start") == latest)),
        (["--last-run"], view.filter(pl.col("in_last_run"))),
    ):
        code, out = cli(
            "changes", "--db", reuters_db, "--bucket", "week", "--limit", "0",
            "--format", "csv", *args,
        )  # fmt: skip
        assert code == 0, out
        got = pl.read_csv(io.StringIO(out), infer_schema=False).select(
            "bucket_start", "name_a", "name_b", pl.col("z_n").cast(pl.Float64).round(9)
        )
        assert expected.height > 0
        assert sorted(got.rows()) == sorted(expected.drop("in_last_run").rows())
