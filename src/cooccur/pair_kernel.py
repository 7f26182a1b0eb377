"""The pair kernel: how many contexts name both entities of a pair, per group, in NumPy.

Input: rows (group, unit, entity), one per entity a context ("unit": a document, paragraph
or sentence) names. Output: (group, entity_a, entity_b, n) with entity_a < entity_b and n the
units of the group naming both, for n ≥ min_support.

Why not SQL: most pairs are named together once or twice, so a hash aggregation (DuckDB's
self-join + group by) spends its time and memory on a table of mostly unique keys. Here every
pair instance becomes one 32- or 64-bit integer (group, a, b packed into bits) and a sort
brings equal keys together; counting is a diff over the sorted keys. On 1M articles × 20
entities this takes about half SciPy's `triu(X.T @ X, 1)` CPU time (`benchmarks/pair_kernel.py`).

Memory stays bounded because the work is cut into parts of at most `part_max` pair instances
(runs of whole groups, or one large group by ranges of its first entity; one first entity
is never split), and each part is generated, sorted, counted and handed back before the next
one exists. Peak: sorting the input (≈ 40 bytes a row, briefly), then 8 bytes a row plus one
part: ≤ 8 bytes an instance for its keys, ≤ 24 per row starting a pair, ≈ 24 per distinct
pair of its result.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Pair instances in one part: its packed keys take 4 or 8 bytes each (≤ 64 MB at 8M). By
# default a part also holds at most 1/PARTS of all instances (but not less than PART_MIN),
# so on small inputs too one part's temporaries stay small beside the result.
PART_MAX = 8_000_000
PART_MIN = 1_000_000
PARTS = 8

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
    part_max: int | None = None,
) -> Iterator[PairPart]:
    """Pair counts per group, one part at a time (consume each before asking for the next:
    that is what bounds memory). Rows may come in any order; repeated rows count once.
    `part_max`: pair instances per part (default: see PART_MAX)."""
    if not len(grp) == len(unit) == len(entity):
        raise ValueError("grp, unit and entity must have one value per row")
    if min_support < 1 or (part_max is not None and part_max < 1):
        raise ValueError("min_support and part_max must be at least 1")
    if len(grp) == 0:
        return
    rows = _sort_rows(np.asarray(grp), np.asarray(unit), np.asarray(entity))
    del grp, unit, entity  # the caller's references aside, the sorted rows replace them
    if part_max is None:
        total = int(rows.after.sum(dtype=np.int64))
        part_max = min(PART_MAX, max(PART_MIN, -(-total // PARTS)))
    for first, last, lo, hi in _plan(rows, part_max):
        part = _count_part(rows, first, last, lo, hi, min_support)
        if len(part):
            yield part


def _bits(span: int) -> int:
    return max(int(span - 1).bit_length(), 1)


def _squeeze(offsets: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.uint64], int]:
    """Drop the bits no value sets (order kept): sentence units are article × 65536 +
    sentence, and sentences rarely pass 255, so this frees bits for the packed key."""
    used = int(np.bitwise_or.reduce(offsets)) if len(offsets) else 0
    runs, bit = [], 0
    while used >> bit:
        if (used >> bit) & 1:
            width = 0
            while (used >> (bit + width)) & 1:
                width += 1
            runs.append((bit, width))
            bit += width
        else:
            bit += 1
    if len(runs) <= 1 or len(runs) > 8:  # nothing to drop but leading zeros, or too scattered
        return offsets, _bits(used + 1)
    out = np.zeros(len(offsets), dtype=np.uint64)
    at = 0
    for start, width in runs:
        out |= ((offsets >> np.uint64(start)) & np.uint64((1 << width) - 1)) << np.uint64(at)
        at += width
    return out, max(at, 1)


def _sort_rows(grp: Ints, unit: Ints, entity: Ints) -> _Rows:
    """Sort by one packed uint64 key (group, unit, entity) when the three fit in 64 bits
    (SIMD sort, ≈ 10× lexsort), else by lexsort; drop repeated rows."""
    g_min, u_min, e_min = int(grp.min()), int(unit.min()), int(entity.min())
    limits = np.iinfo(np.int32)
    if min(g_min, e_min) < limits.min or max(int(grp.max()), int(entity.max())) > limits.max:
        raise ValueError("groups and entity ids must be 32-bit integers (as in DuckDB)")
    g_bits = _bits(int(grp.max()) - g_min + 1)
    u_bits = _bits(int(unit.max()) - u_min + 1)
    e_bits = _bits(int(entity.max()) - e_min + 1)
    u_off = None
    if g_bits + u_bits + e_bits > 64:
        # bit fields of the unit stay aligned if they are not offset by the minimum
        u_min = min(u_min, 0)
        u_off, u_bits = _squeeze(np.subtract(unit, u_min, dtype=np.int64).view(np.uint64))
    if g_bits + u_bits + e_bits <= 64:
        if u_off is None:
            u_off = np.subtract(unit, u_min, dtype=np.int64).view(np.uint64)
        key = u_off
        del u_off
        key <<= np.uint64(e_bits)
        key |= np.subtract(entity, e_min, dtype=np.int64).view(np.uint64)
        key |= np.subtract(grp, g_min, dtype=np.int64).view(np.uint64) << np.uint64(u_bits + e_bits)
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
        del u_off
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
    """Generate the part's pair instances as packed keys, sort, count equal runs.

    Key bits, high to low: group within the part, first entity − lo, second entity − lo;
    32-bit keys when they fit (half the memory, sorted ≈ 2× faster), else 64-bit."""
    first, last = int(rows.group_start[g_first]), int(rows.group_start[g_last])
    ent, after = rows.entity[first:last], rows.after[first:last]
    top = min(hi, 1 << rows.entity_bits)
    a_shift = _bits(max((1 << rows.entity_bits) - lo, 2))
    g_shift = a_shift + _bits(max(top - lo, 2))
    g_bits = _bits(g_last - g_first) if g_last - g_first > 1 else 0
    dtype = np.uint32 if g_shift + g_bits <= 32 else np.uint64
    chosen = after > 0
    if (lo, hi) != (0, 1 << rows.entity_bits):
        chosen &= (ent >= lo) & (ent < hi)
    partner = np.flatnonzero(chosen)  # rows starting a pair, in row order
    del chosen
    left = after[partner]  # pairs each still has to start
    key_a = (ent[partner] - np.uint32(lo)).astype(dtype) << dtype(a_shift)
    key_a -= dtype(lo)  # folds "second entity − lo" into the sum below (wraps, then back)
    if g_bits:
        group_of = np.repeat(
            np.arange(g_last - g_first, dtype=dtype),
            np.diff(rows.group_start[g_first : g_last + 1]),
        )
        key_a |= group_of[partner] << dtype(g_shift)
        del group_of
    keys = np.empty(int(left.sum(dtype=np.int64)), dtype=dtype)
    second = np.empty(len(partner), dtype=np.uint32)
    partner += 1
    at = 0
    # Round d pairs each row with the row d after it: indexes rise, so reads stream.
    while len(partner):
        size = len(partner)
        np.take(ent, partner, out=second[:size], mode="clip")
        np.add(key_a, second[:size], out=keys[at : at + size])
        at += size
        left -= 1
        more = left > 0
        if not more.all():
            partner, key_a, left = partner[more], key_a[more], left[more]
        partner += 1
    del partner, second, key_a, left
    keys.sort()
    # equal keys are one pair: its count is the length of the run
    boundary = np.empty(len(keys), dtype=bool)
    boundary[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=boundary[1:])
    pairs = keys[boundary]
    total = len(keys)
    del keys
    run_start = np.flatnonzero(boundary)
    del boundary
    n = np.empty(len(run_start), dtype=np.int32)
    np.subtract(run_start[1:], run_start[:-1], out=n[:-1], casting="unsafe")
    n[-1:] = total - run_start[-1:]
    del run_start
    if min_support > 1:
        keep = n >= min_support
        pairs, n = pairs[keep], n[keep]
    return _decode(rows, pairs, n, g_first, g_last, lo, a_shift, g_shift)


def _decode(
    rows: _Rows,
    pairs: npt.NDArray[np.unsignedinteger],
    n: npt.NDArray[np.int32],
    g_first: int,
    g_last: int,
    lo: int,
    a_shift: int,
    g_shift: int,
) -> PairPart:
    """Unpack keys into int32 columns (int32 arithmetic wraps back to the true entity id)."""
    offset = np.int32(lo + rows.entity_min)
    kind = pairs.dtype.type
    entity_b = np.empty(len(pairs), dtype=np.int32)
    np.bitwise_and(pairs, kind((1 << a_shift) - 1), out=entity_b, casting="unsafe")
    entity_b += offset
    np.right_shift(pairs, kind(a_shift), out=pairs)
    entity_a = np.empty(len(pairs), dtype=np.int32)
    np.bitwise_and(pairs, kind((1 << (g_shift - a_shift)) - 1), out=entity_a, casting="unsafe")
    entity_a += offset
    if g_last - g_first > 1:
        np.right_shift(pairs, kind(g_shift - a_shift), out=pairs)
        grp = rows.groups[g_first:g_last].astype(np.int32)[pairs]
    else:
        grp = np.full(len(pairs), rows.groups[g_first], dtype=np.int32)
    return PairPart(grp=grp, entity_a=entity_a, entity_b=entity_b, n=n)
