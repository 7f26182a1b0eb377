"""The pair kernel: how many contexts name both entities of a pair, per group, in NumPy.

Input: rows (group, unit, entity), one per entity a context ("unit": a document, paragraph
or sentence) names. Output: (group, entity_a, entity_b, n) with entity_a < entity_b and n the
units of the group naming both, for n ≥ min_support.

Why not SQL: most pairs are named together once or twice, so a hash aggregation (DuckDB's
self-join + group by) spends its time and memory on a table of mostly unique keys. Here every
pair instance becomes one 64-bit integer (group, a, b packed into bits) and a sort brings
equal keys together; counting is a diff over the sorted keys. Memory stays bounded because
the work is cut into parts of at most `part_max` pair instances (runs of whole groups, or one
large group by ranges of its first entity), and each part is sorted, counted and handed
back before the next one exists. Peak memory: the input rows (≈ 20 bytes a row) plus one
part (≈ 17 bytes an instance) plus its result.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Pair instances in one part: its packed keys take 8 bytes each (128 MB at 16M).
PART_MAX = 16_000_000

Ints = npt.NDArray[np.integer]


@dataclass(frozen=True)
class PairPart:
    """Counted pairs of one part: parallel int32 arrays, sorted by (grp, entity_a, entity_b)."""

    grp: npt.NDArray[np.int32]
    entity_a: npt.NDArray[np.int32]
    entity_b: npt.NDArray[np.int32]
    n: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.n)


@dataclass(frozen=True)
class _Rows:
    """Input rows sorted by (group, unit, entity), distinct, as the kernel walks them."""

    entity: npt.NDArray[np.uint32]  # entity id minus the smallest one
    after: npt.NDArray[np.int32]  # entities after this row in its unit (pairs it starts)
    group_start: npt.NDArray[np.int64]  # first row of each group; a last entry = len(rows)
    groups: npt.NDArray[np.int64]  # the group value of each group
    entity_min: int
    entity_bits: int


def count_pairs(
    grp: Ints,
    unit: Ints,
    entity: Ints,
    *,
    min_support: int = 1,
    part_max: int = PART_MAX,
) -> Iterator[PairPart]:
    """Pair counts per group, one part at a time (consume each before asking for the next:
    that is what bounds memory). Rows may come in any order; repeated rows count once."""
    if not len(grp) == len(unit) == len(entity):
        raise ValueError("grp, unit and entity must have one value per row")
    if min_support < 1 or part_max < 1:
        raise ValueError("min_support and part_max must be at least 1")
    if len(grp) == 0:
        return
    rows = _sort_rows(np.asarray(grp), np.asarray(unit), np.asarray(entity))
    del grp, unit, entity  # the caller's references aside, the sorted rows replace them
    for first, last, lo, hi in _plan(rows, part_max):
        part = _count_part(rows, first, last, lo, hi, min_support)
        if len(part):
            yield part


def _bits(span: int) -> int:
    return max(int(span - 1).bit_length(), 1)


def _sort_rows(grp: Ints, unit: Ints, entity: Ints) -> _Rows:
    """Sort by one packed uint64 key (group, unit, entity) when the three fit in 64 bits
    (SIMD sort, ≈ 10× lexsort), else by lexsort; drop repeated rows."""
    g_min, u_min, e_min = int(grp.min()), int(unit.min()), int(entity.min())
    g_bits = _bits(int(grp.max()) - g_min + 1)
    u_bits = _bits(int(unit.max()) - u_min + 1)
    e_bits = _bits(int(entity.max()) - e_min + 1)
    if g_bits + u_bits + e_bits <= 64:
        key = (grp.astype(np.uint64) - np.uint64(g_min)) << np.uint64(u_bits + e_bits)
        key |= (unit.astype(np.int64) - u_min).astype(np.uint64) << np.uint64(e_bits)
        key |= (entity.astype(np.int64) - e_min).astype(np.uint64)
        key.sort()
        if len(key) > 1 and not (key[1:] != key[:-1]).all():
            key = key[np.concatenate(([True], key[1:] != key[:-1]))]
        ent = (key & np.uint64((1 << e_bits) - 1)).astype(np.uint32)
        key >>= np.uint64(e_bits)  # now (group, unit)
        new_unit = np.empty(len(key), dtype=bool)
        new_unit[0] = True
        np.not_equal(key[1:], key[:-1], out=new_unit[1:])
        key >>= np.uint64(u_bits)  # now the group
        group_start = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        groups = key[group_start].astype(np.int64) + g_min
        del key
    else:
        order = np.lexsort((entity, unit, grp))
        g, u = grp[order], unit[order]
        ent = (entity[order].astype(np.int64) - e_min).astype(np.uint32)
        del order
        keep = np.concatenate(
            ([True], (g[1:] != g[:-1]) | (u[1:] != u[:-1]) | (ent[1:] != ent[:-1]))
        )
        if not keep.all():
            g, u, ent = g[keep], u[keep], ent[keep]
        new_unit = np.concatenate(([True], (g[1:] != g[:-1]) | (u[1:] != u[:-1])))
        group_start = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1])))
        groups = g[group_start].astype(np.int64)
        del g, u
    unit_start = np.flatnonzero(new_unit)
    del new_unit
    unit_end = np.append(unit_start[1:], len(ent))
    after = np.repeat(unit_end, unit_end - unit_start)
    after -= np.arange(1, len(ent) + 1)
    return _Rows(
        entity=ent,
        after=after.astype(np.int32),
        group_start=np.append(group_start, len(ent)),
        groups=groups,
        entity_min=e_min,
        entity_bits=e_bits,
    )


def _plan(rows: _Rows, part_max: int) -> list[tuple[int, int, int, int]]:
    """Parts as (first group, last group + 1, entity lo, entity hi): runs of whole groups of
    up to `part_max` instances (as many groups as the key has bits for), or one group by
    ranges [lo, hi) of its first entity. A single first entity is never split."""
    instances = np.add.reduceat(rows.after.astype(np.int64), rows.group_start[:-1])
    max_groups = 1 << (64 - 2 * rows.entity_bits)
    whole = (0, 1 << rows.entity_bits)
    parts: list[tuple[int, int, int, int]] = []
    run_first, run_total = 0, 0
    for g, total in enumerate(instances.tolist()):
        if total > part_max:
            if run_first < g:
                parts.append((run_first, g, *whole))
            first, last = rows.group_start[g], rows.group_start[g + 1]
            parts += [(g, g + 1, lo, hi) for lo, hi in _entity_ranges(rows, first, last, part_max)]
            run_first, run_total = g + 1, 0
            continue
        if run_first < g and (run_total + total > part_max or g - run_first >= max_groups):
            parts.append((run_first, g, *whole))
            run_first, run_total = g, 0
        run_total += total
    if run_first < len(instances):
        parts.append((run_first, len(instances), *whole))
    return parts


def _entity_ranges(rows: _Rows, first: int, last: int, part_max: int) -> list[tuple[int, int]]:
    """Ranges of first entity holding about equal shares of one group's instances."""
    ent = rows.entity[first:last]
    weights = rows.after[first:last]
    if (1 << rows.entity_bits) <= max(4 * len(ent), 1 << 24):
        per_entity = np.bincount(ent, weights=weights, minlength=1 << rows.entity_bits)
        values = np.arange(len(per_entity))
    else:
        values, inverse = np.unique(ent, return_inverse=True)
        per_entity = np.bincount(inverse, weights=weights)
    cumulative = np.cumsum(per_entity)
    n_parts = -(-int(cumulative[-1]) // part_max)
    targets = cumulative[-1] * np.arange(1, n_parts) / n_parts
    cuts = np.unique(np.searchsorted(cumulative, targets, side="right"))
    cuts = cuts[(cuts > 0) & (cuts < len(values))]
    bounds = [0, *values[cuts].tolist(), 1 << rows.entity_bits]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def _count_part(
    rows: _Rows, g_first: int, g_last: int, lo: int, hi: int, min_support: int
) -> PairPart:
    """Generate the part's pair instances as packed keys, sort, count equal runs."""
    first, last = int(rows.group_start[g_first]), int(rows.group_start[g_last])
    ent, after = rows.entity[first:last], rows.after[first:last]
    chosen = after > 0
    if (lo, hi) != (0, 1 << rows.entity_bits):
        chosen &= (ent >= lo) & (ent < hi)
    starts = np.flatnonzero(chosen)
    del chosen
    counts = after[starts]
    # Rows that start the most pairs first: the rows still pairing at offset d are a prefix.
    order = np.argsort(-counts, kind="stable")
    starts, counts = starts[order], counts[order]
    del order
    e_bits = np.uint64(rows.entity_bits)
    key_a = ent[starts].astype(np.uint64) << e_bits
    if g_last - g_first > 1:
        group_of = np.repeat(
            np.arange(g_last - g_first, dtype=np.uint64),
            np.diff(rows.group_start[g_first : g_last + 1]),
        )
        key_a |= group_of[starts] << (e_bits + e_bits)
        del group_of
    # prefix[d - 1]: how many rows start a pair at offset d
    prefix = np.cumsum(np.bincount(counts)[::-1])[::-1][1:]
    keys = np.empty(int(counts.sum(dtype=np.int64)), dtype=np.uint64)
    partner = starts + 1
    second = np.empty(len(starts), dtype=np.uint32)
    at = 0
    for size in prefix.tolist():
        np.take(ent, partner[:size], out=second[:size])
        np.add(key_a[:size], second[:size], out=keys[at : at + size])
        partner[:size] += 1
        at += size
    del partner, second, key_a, starts, counts
    keys.sort()
    boundary = np.empty(len(keys), dtype=bool)
    if len(keys):
        boundary[0] = True
        np.not_equal(keys[1:], keys[:-1], out=boundary[1:])
    run_start = np.flatnonzero(boundary)
    del boundary
    n = np.diff(run_start, append=len(keys))
    if min_support > 1:
        keep = n >= min_support
        run_start, n = run_start[keep], n[keep]
    pairs = keys[run_start]
    del keys, run_start
    mask = np.uint64((1 << rows.entity_bits) - 1)
    e_min = rows.entity_min
    entity_b = ((pairs & mask).astype(np.int64) + e_min).astype(np.int32)
    pairs >>= e_bits
    entity_a = ((pairs & mask).astype(np.int64) + e_min).astype(np.int32)
    pairs >>= e_bits
    grp = rows.groups[g_first + pairs.astype(np.int64)].astype(np.int32)
    return PairPart(grp=grp, entity_a=entity_a, entity_b=entity_b, n=n.astype(np.int32))
