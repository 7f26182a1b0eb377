"""The NumPy pair kernel against a case worked by hand and against plain Python.

The reference is `itertools.combinations` over each unit's set of entities, tallied in a
Counter: nothing shared with the kernel's packed keys, sorting or parts.
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooccur.counts import unit_pair_counts
from cooccur.pair_kernel import _squeeze, count_pairs
from cooccur.store import Store

Pairs = dict[tuple[int, int, int], int]


def kernel(rows: list[tuple[int, int, int]], **options: int) -> Pairs:
    grp, unit, entity = (np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
    found: Pairs = {}
    for part in count_pairs(grp.astype(np.int32), unit, entity.astype(np.int32), **options):
        keys = zip(part.grp.tolist(), part.entity_a.tolist(), part.entity_b.tolist(), strict=True)
        for key, n in zip(keys, part.n.tolist(), strict=True):
            assert key not in found, f"{key} counted in two parts"
            found[key] = n
    return found


def reference(rows: list[tuple[int, int, int]], min_support: int = 1) -> Pairs:
    units: dict[tuple[int, int], set[int]] = {}
    for grp, unit, entity in rows:
        units.setdefault((grp, unit), set()).add(entity)
    tally: Counter[tuple[int, int, int]] = Counter()
    for (grp, _), entities in units.items():
        tally.update((grp, a, b) for a, b in itertools.combinations(sorted(entities), 2))
    return {key: n for key, n in tally.items() if n >= min_support}


# Group 1: unit 10 names {1, 2, 3}, unit 11 {1, 2}, unit 12 only 5, unit 13 {2, 3};
# group 2: unit 10 (same number, another group) names {1, 2}. Rows shuffled, one repeated.
HAND = [
    (1, 13, 3),
    (2, 10, 2),
    (1, 10, 2),
    (1, 12, 5),
    (1, 11, 1),
    (1, 10, 3),
    (1, 10, 1),
    (2, 10, 1),
    (1, 11, 2),
    (1, 13, 2),
    (1, 10, 2),
]


def test_hand_worked_case() -> None:
    # (1, 2): units 10 and 11; (1, 3): unit 10; (2, 3): units 10 and 13; 5 pairs with none.
    assert kernel(HAND) == {(1, 1, 2): 2, (1, 1, 3): 1, (1, 2, 3): 2, (2, 1, 2): 1}


def test_min_support_drops_rare_pairs() -> None:
    assert kernel(HAND, min_support=2) == {(1, 1, 2): 2, (1, 2, 3): 2}
    assert kernel(HAND, min_support=3) == {}


def test_tiny_parts_split_groups_and_first_entities() -> None:
    # part_max=1 forces one part per group and per first entity: same counts.
    assert kernel(HAND, part_max=1) == kernel(HAND)
    parts = list(count_pairs(*(np.array(c) for c in zip(*HAND, strict=True)), part_max=1))
    assert [(p.grp.tolist(), p.entity_a.tolist()) for p in parts] == [
        ([1, 1], [1, 1]),
        ([1], [2]),
        ([2], [1]),
    ]


def test_empty_input_and_lone_entities_give_no_pairs() -> None:
    empty = np.array([], dtype=np.int32)
    assert list(count_pairs(empty, empty.astype(np.int64), empty)) == []
    assert kernel([(1, 1, 7), (1, 2, 7), (2, 1, 8)]) == {}


def test_keys_too_wide_to_pack_fall_back_to_lexsort() -> None:
    # groups over 2^20, units with bits set all over 62 bits, entities over 2^32: no packing
    rng = np.random.default_rng(2)
    units = rng.integers(0, 2**62, 40).tolist()
    rows = [
        (int(rng.choice([0, 2**20])), units[i % 40], int(e))
        for i, e in enumerate(rng.choice([-(2**31), 0, 7, 2**31 - 1], 400))
    ]
    assert kernel(rows) == reference(rows)
    assert kernel(rows, part_max=1) == reference(rows)


def test_sentence_units_of_many_articles_are_squeezed_into_the_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # unit = article × 65536 + sentence, article numbers to 2^40, sentences < 8, entities
    # over 2^20: 1 + 56 + 20 bits do not fit, but the unit's unused bits 3…15 are dropped
    # (1 + 43 + 20), so the fast packed sort runs, not the lexsort fallback.
    rng = np.random.default_rng(9)
    articles = rng.integers(0, 2**40, 300)
    rows = [
        (int(g), int(a) * 65536 + int(s), int(e))
        for a in articles
        for g, s, e in zip(
            rng.integers(0, 2, 6), rng.integers(0, 8, 6), rng.integers(0, 2**20, 6), strict=True
        )
    ]
    rows += [(0, int(articles[0]) * 65536, 5), (0, int(articles[0]) * 65536, 2**20 - 1)]
    assert _squeeze(np.array([u for _, u, _ in rows], dtype=np.uint64))[1] == 43
    expected = reference(rows)
    monkeypatch.setattr(np, "lexsort", None)  # the fallback would fail
    assert kernel(rows) == expected
    assert kernel(rows, part_max=3) == expected


rows_strategy = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 12), st.integers(-3, 15)), max_size=150
)


@settings(max_examples=150, deadline=None)
@given(rows=rows_strategy, min_support=st.integers(1, 3), part_max=st.integers(1, 40))
def test_matches_itertools_combinations(
    rows: list[tuple[int, int, int]], min_support: int, part_max: int
) -> None:
    if not rows:
        return
    assert kernel(rows, min_support=min_support, part_max=part_max) == reference(rows, min_support)


def test_random_skewed_units_match_reference() -> None:
    # Units of very different sizes (1 to 60 entities) and popular entities, like news.
    rng = np.random.default_rng(5)
    rows = []
    for unit in range(400):
        size = int(rng.zipf(1.6)) % 60 + 1
        for entity in rng.zipf(1.3, size) % 500:
            rows.append((int(unit % 3), unit, int(entity)))
    expected = reference(rows)
    assert kernel(rows, part_max=500) == expected
    assert kernel(rows, min_support=2, part_max=97) == reference(rows, 2)


def test_store_receives_every_part(tmp_path: Path) -> None:
    """unit_pair_counts reads unit_entities and writes pair_counts part by part: the table
    equals a SQL self-join over the same rows."""
    rng = np.random.default_rng(3)
    frame = pl.DataFrame(
        {
            "grp": rng.integers(1, 4, 3000).astype(np.int32),
            "unit": rng.integers(0, 300, 3000) * 65536,
            "entity_id": rng.integers(1, 80, 3000).astype(np.int32),
        }
    ).unique()
    with Store(tmp_path / "k.duckdb") as store:
        store.execute(
            "create temp table unit_entities (grp integer, unit bigint, entity_id integer)"
        )
        store.execute(
            "create temp table pair_counts (grp integer, entity_a integer, entity_b integer, "
            "n integer)"
        )
        store.register("unit_rows", frame)
        store.execute("insert into unit_entities select * from unit_rows")
        written = unit_pair_counts(store, min_support=2, part_max=1000)
        got = store.query("select * from pair_counts order by all")
        expected = store.query(
            "select x.grp, x.entity_id as entity_a, y.entity_id as entity_b, "
            "count(*)::integer as n from unit_entities as x join unit_entities as y "
            "on x.grp = y.grp and x.unit = y.unit and x.entity_id < y.entity_id "
            "group by all having count(*) >= 2 order by all"
        )
    assert written == len(expected) > 100
    assert got.equals(expected)


@pytest.mark.parametrize("bad", [{"min_support": 0}, {"part_max": 0}])
def test_rejects_bad_options(bad: dict[str, int]) -> None:
    one = np.array([1])
    with pytest.raises(ValueError):
        list(count_pairs(one, one, one, **bad))


def test_rejects_entities_beyond_32_bits() -> None:
    # the output columns are int32, like DuckDB's entity_id
    with pytest.raises(ValueError, match="32-bit"):
        list(count_pairs(np.array([1, 1]), np.array([5, 5]), np.array([1, 2**31])))
