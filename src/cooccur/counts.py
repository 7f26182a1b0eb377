"""The co-occurrence stage: frequency, pair counts and association measures in DuckDB.

Every number is computed by the SQL files in `sql/analytics/` (and the views over their
sums) but one: the pair counts of the unit contexts (document, paragraph, sentence), which
`cooccur.pair_kernel` computes in NumPy from `unit_entities` and writes into `pair_counts`
part by part (most pairs are rare, and sorting packed pair keys beats DuckDB's hash
aggregation of mostly unique keys in time and peak memory). This module decides which
buckets to recompute and runs the steps in order. A count is incremental: only the buckets
(day, week, …) holding articles tagged since the last count, or whose tags are gone, are
recomputed, and the result equals a full recompute. Changing the settings (or the tagger)
forces a full one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from cooccur import pair_kernel
from cooccur.settings import load_sql
from cooccur.store import Store, fault_point, install_views
from cooccur.tone import fill_sentence_tone

BUCKETS = ("day", "week", "month", "quarter", "year", "all")
CONTEXTS = ("document", "paragraph", "sentence", "window")
UNIT_CONTEXTS = ("document", "paragraph", "sentence")
_PARAM = re.compile(r"\$([A-Za-z_]\w*)")


# Version of the stored analytics tables: a database counted under another layout (before
# the additive sums existed) is recounted in full.
LAYOUT = "sums-1"


class SettingsError(ValueError):
    """Analytics settings that cannot be used (unknown bucket or context, bad k)."""


@dataclass(frozen=True)
class AnalyticsConfig:
    """What the cooccur stage computes. Defaults: month, week and all-time buckets; document
    and sentence contexts; a 10-token window when 'window' is asked for; every pair kept."""

    buckets: tuple[str, ...] = ("month", "week", "all")
    contexts: tuple[str, ...] = ("document", "sentence")
    window_k: int = 10
    ordered: bool = False
    min_support: int = 1
    tone: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "buckets", tuple(dict.fromkeys(self.buckets)))
        object.__setattr__(self, "contexts", tuple(dict.fromkeys(self.contexts)))
        unknown = [b for b in self.buckets if b not in BUCKETS]
        if unknown or not self.buckets:
            raise SettingsError(f"buckets must be among {', '.join(BUCKETS)}; got {unknown}")
        unknown = [c for c in self.contexts if c not in CONTEXTS]
        if unknown or not self.contexts:
            raise SettingsError(f"contexts must be among {', '.join(CONTEXTS)}; got {unknown}")
        if self.window_k < 2:
            raise SettingsError(f"window_k must be at least 2 tokens; got {self.window_k}")
        if self.min_support < 1:
            raise SettingsError(f"min_support must be at least 1; got {self.min_support}")

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | None) -> AnalyticsConfig:
        """Settings from flow or CLI options; None values and missing keys keep defaults."""
        given = {k: v for k, v in (options or {}).items() if v is not None}
        for key in ("buckets", "contexts"):
            if isinstance(given.get(key), str):
                given[key] = [p.strip() for p in given[key].split(",") if p.strip()]
            if key in given:
                given[key] = tuple(given[key])
        unknown = set(given) - set(cls.__dataclass_fields__)
        if unknown:
            raise SettingsError(f"unknown analytics settings: {', '.join(sorted(unknown))}")
        return cls(**given)

    @property
    def context_kinds(self) -> list[str]:
        """The `context` values this config writes (ordered windows are their own kind)."""
        kinds = list(self.contexts)
        if self.ordered and "window" in kinds:
            kinds.append("window_ordered")
        return kinds

    def as_settings(self) -> dict[str, str]:
        return {
            "buckets": ",".join(self.buckets),
            "contexts": ",".join(self.context_kinds),
            "window_k": str(self.window_k),
            "min_support": str(self.min_support),
            "tone": str(self.tone).lower(),
        }


@dataclass(frozen=True)
class PairFilter:
    """Restrictions for a count on demand: articles of one source or theme, focus entities
    only, pairs of two kinds. Theme and focus read the tagging stage's `themes` and
    `article_entities` tables."""

    source: str | None = None
    theme: str | None = None
    focus: bool = False
    kinds: tuple[str, str] | None = None

    @property
    def needs_recount(self) -> bool:
        """Source, theme and focus change the contexts counted; kinds only select pairs."""
        return bool(self.source or self.theme or self.focus)


@dataclass
class CountSummary:
    full_recompute: bool = False
    buckets_recomputed: int = 0
    added: bool = False
    sentences_scored: int = 0
    cooccurrence_rows: int = 0
    entity_frequency_rows: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "full_recompute": int(self.full_recompute),
            "buckets_recomputed": self.buckets_recomputed,
            "added_only": int(self.added),
            "sentences_scored": self.sentences_scored,
            "cooccurrence_rows": self.cooccurrence_rows,
            "entity_frequency_rows": self.entity_frequency_rows,
        }


def run_script(store: Store, name: str, params: Mapping[str, Any] | None = None) -> None:
    """Run `sql/<name>.sql` statement by statement, each with the parameters it names
    (DuckDB binds parameters for one statement at a time)."""
    for statement in _statements(load_sql(name)):
        used = {p: (params or {})[p] for p in dict.fromkeys(_PARAM.findall(statement))}
        store.con.execute(statement, used or None).fetchall()
    fault_point(name)


def _statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in re.split(r";\s*(?:\n|$)", body) if s.strip()]


def _stored_settings(store: Store) -> dict[str, str]:
    return dict(store.query("select key, value from analytics_settings").rows())


def compute_tables(
    store: Store,
    config: AnalyticsConfig | None = None,
    *,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Bring the analytics tables up to date with the tagged articles; returns what it did.

    Recomputes only the buckets touched since the last count unless `full` is set or the
    settings or the tagger changed. Tone scores are filled first (batches commit on their
    own); the counts are one transaction, so a failure leaves the previous tables.
    """
    config = config or AnalyticsConfig()
    summary = CountSummary()
    store.execute("set enable_progress_bar = false")
    wanted = config.as_settings() | {
        "tagger_version": str(store.meta("tagger_version")),
        "layout": LAYOUT,
    }
    summary.full_recompute = full or _stored_settings(store) != wanted
    if config.tone:
        summary.sentences_scored = fill_sentence_tone(
            store, progress=progress, new_only=not summary.full_recompute
        )
    with store.transaction():
        if summary.full_recompute:
            run_script(store, "analytics/reset")
        run_script(
            store,
            "analytics/touched_buckets",
            {"buckets": list(config.buckets), "full": summary.full_recompute},
        )
        summary.buckets_recomputed = store.scalar("select count(*) from touched_buckets")
        if summary.buckets_recomputed:
            summary.added = not summary.full_recompute and _only_added(store, config)
            _count(store, config, PairFilter(), only_changed=summary.added)
            run_script(store, "analytics/entity_counts")
            run_script(store, "analytics/count_deltas")
            run_script(store, "analytics/add_sums" if summary.added else "analytics/replace_sums")
            run_script(store, "analytics/store_results", {"updated_at": datetime.now()})
        store.execute("delete from analytics_settings")
        store.execute(
            "insert into analytics_settings select * from (values "
            + ", ".join("(?, ?)" for _ in wanted)
            + ")",
            [x for item in wanted.items() for x in item],
        )
        install_views(store)
    summary.cooccurrence_rows = store.scalar("select count(*) from cooccurrence_counts")
    summary.entity_frequency_rows = store.scalar("select count(*) from entity_frequency")
    return summary.as_dict()


def count_pairs(
    store: Store,
    config: AnalyticsConfig,
    filters: PairFilter,
    *,
    bucket_start: date | None = None,
) -> pl.DataFrame:
    """Pairs and measures computed on demand over filtered articles, not stored: the same
    SQL as `compute_tables`, over the buckets of `config` (one bucket if `bucket_start`)."""
    store.execute("set enable_progress_bar = false")
    run_script(
        store,
        "analytics/all_buckets",
        {"buckets": list(config.buckets), "bucket_start": bucket_start},
    )
    _count(store, config, filters)
    run_script(store, "analytics/pair_measures", {"k": config.window_k})
    return select_pairs(store, "pair_measures", filters)


def select_pairs(
    store: Store,
    table: str,
    filters: PairFilter,
    *,
    bucket: str | None = None,
    context: str | None = None,
    bucket_start: date | None = None,
) -> pl.DataFrame:
    """Rows of `cooccurrence` or `pair_measures` whose two kinds are `filters.kinds`, of one
    bucket kind, context and bucket start when given (filtered in DuckDB: every row of the
    view at 1M articles is 24M rows)."""
    if table not in ("cooccurrence", "pair_measures"):
        raise ValueError(f"not a pair table: {table}")
    kind_1, kind_2 = filters.kinds or (None, None)
    return store.query(
        f"select * from {table} where ($kind_1::varchar is null "
        "or (kind_a = $kind_1 and kind_b = $kind_2) or (kind_a = $kind_2 and kind_b = $kind_1)) "
        "and ($bucket::varchar is null or bucket = $bucket) "
        "and ($context::varchar is null or context = $context) "
        "and ($bucket_start::date is null or bucket_start = $bucket_start) "
        "order by bucket, bucket_start, context, n desc, entity_a, entity_b",
        {
            "kind_1": kind_1,
            "kind_2": kind_2,
            "bucket": bucket,
            "context": context,
            "bucket_start": bucket_start,
        },
    )


def _require_table(store: Store, table: str, option: str) -> None:
    exists = store.scalar(
        "select count(*) from information_schema.tables where table_name = ?", [table]
    )
    if not exists:
        raise SettingsError(
            f"{option} needs the `{table}` table, written by the tagging stage; "
            "this database has none (tag with a tagger that writes it, then run again)"
        )


def _only_added(store: Store, config: AnalyticsConfig) -> bool:
    """Whether this count may add the new articles to the stored sums instead of recounting
    their buckets: nothing counted before lost its tags, and every pair is kept."""
    if config.min_support > 1:
        return False
    gone = store.scalar("select count(*) from changed_articles where not tagged")
    return gone == 0


def _count(
    store: Store, config: AnalyticsConfig, filters: PairFilter, *, only_changed: bool = False
) -> None:
    """Count the touched buckets (or only their articles not counted yet) into temp tables
    keyed by group (`pair_counts`, `group_marginals`, …)."""
    if filters.theme:
        _require_table(store, "themes", "the theme filter")
    if filters.focus:
        _require_table(store, "article_entities", "the focus filter")
    run_script(store, "analytics/no_filters")
    if filters.theme:
        run_script(store, "analytics/theme_filter", {"theme": filters.theme})
    if filters.focus:
        run_script(store, "analytics/focus_filter")
    run_script(
        store,
        "analytics/scope",
        {
            "source": filters.source,
            "theme_filter": bool(filters.theme),
            "focus": filters.focus,
            "only_changed": only_changed,
            "kinds": list(dict.fromkeys(filters.kinds)) if filters.kinds else None,
            "contexts": config.context_kinds,
        },
    )
    if "sentence" in config.contexts or config.tone:
        run_script(store, "analytics/sentence_entities")
    for context in UNIT_CONTEXTS:
        if context in config.contexts:
            run_script(store, f"analytics/units_{context}", {"theme_filter": bool(filters.theme)})
    run_script(store, "analytics/unit_marginals")
    if config.min_support > 1:
        run_script(store, "analytics/prune_units", {"min_support": config.min_support})
    unit_pair_counts(store, min_support=config.min_support)
    if "window" in config.contexts:
        run_script(
            store, "analytics/window", {"k": config.window_k, "min_support": config.min_support}
        )
    if config.tone:
        run_script(store, "analytics/pair_tone")
    else:
        run_script(store, "analytics/no_tone")


def unit_pair_counts(store: Store, *, min_support: int = 1, part_max: int | None = None) -> int:
    """Fill `pair_counts` for the unit contexts from `unit_entities` with the NumPy pair
    kernel, one part at a time (each part is written before the next is counted, so memory
    holds the input rows and one part). Returns the pairs written."""
    rows = store.con.execute(load_sql("analytics/kernel_input")).fetchnumpy()
    parts = pair_kernel.count_pairs(
        rows.pop("grp"),
        rows.pop("unit"),
        rows.pop("entity_id"),
        min_support=min_support,
        part_max=part_max,
    )
    written = 0
    for part in parts:
        # DuckDB scans a dict of NumPy arrays as it is: no Polars frame, no Arrow conversion
        # (whose first use imports pyarrow: ≈ 0.1 s, 6 % of a Reuters count in its own process)
        arrays = {
            "grp": part.grp,
            "entity_a": part.entity_a,
            "entity_b": part.entity_b,
            "n": part.n,
        }
        store.con.register("kernel_part", arrays)
        try:
            run_script(store, "analytics/pair_counts")
        finally:
            store.con.unregister("kernel_part")
        written += len(part)
        del part, arrays
    return written
