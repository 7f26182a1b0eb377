"""Running the pipeline three times on the same inputs gives the bytes of one run."""

from __future__ import annotations

from pathlib import Path

import pytest
from ops_helpers import CLOCK_COLUMNS, DATA_TABLES, split_jsonl

from cooccur import shards
from cooccur.counts import compute_tables
from cooccur.ingest import ingest_paths
from cooccur.store import Store, quote_identifier


def one_run(db: Path, sources: list[Path]) -> None:
    """ingest → tag (sharded, as the flow does) → count, in this process."""
    with Store(db) as store:
        ingest_paths(store, sources)
        plan = shards.plan(store, Path(f"{db}.shards"), batch_size=50)
        shards.merge(store, [shards.tag_batch(batch) for batch in plan.batches])
        compute_tables(store)


def dump(db: Path, *, clocks: bool) -> dict[str, bytes]:
    """Each table's rows as bytes, sorted: what a user's query would print."""
    out = {}
    with Store(db, read_only=True) as store:
        for table in DATA_TABLES:
            drop = [] if clocks else CLOCK_COLUMNS.get(table, [])
            exclude = f" exclude ({', '.join(drop)})" if drop else ""
            frame = store.query(f"select *{exclude} from {quote_identifier(table)} order by all")
            out[table] = repr(frame.rows()).encode()  # every value (quarantine holds bytes)
    return out


@pytest.mark.slow
def test_three_runs_equal_one_byte_for_byte(
    tmp_path: Path, reuters_file: Path, seed_dir: Path
) -> None:
    parts = split_jsonl(reuters_file, tmp_path / "in", files=2, per_file=150)
    bad = tmp_path / "in" / "bad.jsonl"
    bad.write_text('{"text": "Italy and Turkey."}\n{not json\n', "utf-8")
    sources = [*parts, bad, seed_dir]

    once, thrice = tmp_path / "once.duckdb", tmp_path / "thrice.duckdb"
    one_run(once, sources)
    one_run(thrice, sources)
    after_first = dump(thrice, clocks=True)
    one_run(thrice, sources)
    one_run(thrice, sources)

    assert dump(thrice, clocks=True) == after_first  # runs 2 and 3 changed no byte
    assert dump(thrice, clocks=False) == dump(once, clocks=False)  # and equal a single run
    with Store(thrice, read_only=True) as store:
        assert store.scalar("select count(*) from quarantine") == 1
        assert store.scalar("select count(*) from cooccurrence") > 100
