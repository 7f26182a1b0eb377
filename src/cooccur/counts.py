"""The co-occurrence stage: frequency and pair tables, recomputed in DuckDB from mentions."""

from __future__ import annotations

from cooccur.store import Store


def compute_tables(store: Store) -> dict[str, int]:
    """Rebuild `entity_frequency` and `cooccurrence` in one transaction; return row counts."""
    with store.transaction():
        store.run("entity_frequency")
        store.run("cooccurrence")
    return {
        "entity_frequency_rows": store.scalar("select count(*) from entity_frequency"),
        "cooccurrence_rows": store.scalar("select count(*) from cooccurrence"),
    }
