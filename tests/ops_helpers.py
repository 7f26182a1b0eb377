"""Helpers for the ops and reliability tests: table snapshots and a stage driver."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl

from cooccur.store import Store, quote_identifier

REPO = Path(__file__).resolve().parents[1]

# Columns that record when a row was written: equal data, different clocks.
CLOCK_COLUMNS = {
    "articles": ["ingested_at"],
    "sources": ["ingested_at"],
    "quarantine": ["quarantined_at"],
}
DATA_TABLES = [
    "articles",
    "sources",
    "quarantine",
    "entities",
    "aliases",
    "sentences",
    "mentions",
    "tagged_articles",
    "entity_frequency",
    "cooccurrence",
]


# cooccurrence with each pair named by its entity keys, lower key first (ids depend on the
# order entities were met; the orientation entity_a < entity_b follows the ids)
PAIRS_BY_KEY = """
select c.* exclude (flip, ka_key, kb_key) replace (
           case when flip then c.name_b else c.name_a end as name_a,
           case when flip then c.name_a else c.name_b end as name_b,
           case when flip then c.n_b else c.n_a end as n_a,
           case when flip then c.n_a else c.n_b end as n_b,
           case when flip then c.kind_b else c.kind_a end as kind_a,
           case when flip then c.kind_a else c.kind_b end as kind_b,
           -- floating point: a mean's or a G² sum's last bits follow the order of terms,
           -- and flipping a pair swaps two terms of G²
           round(c.tone_mean, 12) as tone_mean,
           round(c.llr, 9) as llr,
           round(c.llr_p, 12) as llr_p),
       case when flip then kb_key else ka_key end as key_a,
       case when flip then ka_key else kb_key end as key_b
from (
    select t.*, ka.key as ka_key, kb.key as kb_key,
           ka.key > kb.key and t.context <> 'window_ordered' as flip
    from cooccurrence as t
    join entities as ka on ka.entity_id = t.entity_a
    join entities as kb on kb.entity_id = t.entity_b
) as c
"""


def snapshot(db: Path, tables: list[str] = DATA_TABLES, *, clocks: bool = False) -> dict:
    """Every row of `tables`, sorted; without write-time columns unless `clocks`."""
    out = {}
    with Store(db, read_only=True) as store:
        existing = set(
            store.query(
                "select table_name as name from duckdb_tables() "
                "union all select view_name from duckdb_views() where not internal"
            )["name"]
        )
        for table in tables:
            if table not in existing:
                out[table] = None
                continue
            drop = [] if clocks else list(CLOCK_COLUMNS.get(table, []))
            columns = store.query(f"select * from {quote_identifier(table)} limit 0").columns
            # entity ids are given in the order entities are first met, which depends on
            # batch sizes: compare entities by their stable key instead
            keyed = table != "entities" and "entity_id" in columns
            if table == "entities" or keyed:
                drop.append("entity_id")
            exclude = f" exclude ({', '.join(map(quote_identifier, drop))})" if drop else ""
            source = quote_identifier(table)
            if keyed:
                source = (
                    f"(select t.*, e.key as entity_key from {source} as t "
                    "join entities as e using (entity_id))"
                )
            if table == "cooccurrence":  # pairs by key, the lower key first
                drop += ["entity_a", "entity_b"]
                exclude = f" exclude ({', '.join(map(quote_identifier, drop))})"
                source = f"({PAIRS_BY_KEY})"
            out[table] = store.query(f"select *{exclude} from {source} order by all")
    return out


def assert_same_tables(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for table, frame in expected.items():
        other = got[table]
        if frame is None or other is None:
            assert frame is None and other is None, table
            continue
        if not other.equals(frame):
            diff = other.join(frame, on=other.columns, how="anti", nulls_equal=True)
            mine = frame.join(other, on=other.columns, how="anti", nulls_equal=True)
            raise AssertionError(
                f"{table}: rows not in the expected table:\n{diff.head(2).to_dicts()}\n"
                f"expected rows not there:\n{mine.head(2).to_dicts()}"
            )


def split_jsonl(source: Path, folder: Path, *, files: int, per_file: int) -> list[Path]:
    """The first files × per_file records of `source`, as `files` JSONL files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            lines.append(line)
            if len(lines) == files * per_file:
                break
    paths = []
    for index in range(files):
        path = folder / f"part-{index}.jsonl"
        path.write_text("".join(lines[index * per_file : (index + 1) * per_file]), "utf-8")
        paths.append(path)
    return paths


DRIVER = """
import sys, json
from pathlib import Path
import cooccur.ingest
from cooccur.counts import compute_tables
from cooccur.gazetteer import load_gazetteer
from cooccur.store import Store
from cooccur.tag import tag_pending
from cooccur import shards

args = json.loads(sys.argv[1])
cooccur.ingest._Batch.full = lambda self: bool(self.sources)  # one file per ingest batch
with Store(args["db"]) as store:
    cooccur.ingest.ingest_paths(store, [Path(p) for p in args["sources"]])
    if args.get("sharded"):
        root = Path(args["db"] + ".shards")
        plan = shards.plan(store, root, batch_size=args["batch_size"])
        shards.merge(store, [shards.tag_batch(b) for b in plan.batches])
    else:
        tag_pending(store, load_gazetteer(), batch_size=args["batch_size"])
    compute_tables(store)
print("done")
"""


def run_stages(
    db: Path,
    sources: list[Path],
    *,
    kill_at: str | None = None,
    batch_size: int = 100,
    sharded: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ingest → tag → cooccur in a fresh process, optionally SIGKILLed at `kill_at`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    env.pop("COOCCUR_TEST_KILL_AT", None)
    if kill_at:
        env["COOCCUR_TEST_KILL_AT"] = kill_at
    args = {
        "db": str(db),
        "sources": [str(s) for s in sources],
        "batch_size": batch_size,
        "sharded": sharded,
    }
    return subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def frame_rows(frame: pl.DataFrame) -> list[tuple]:
    return frame.rows()
