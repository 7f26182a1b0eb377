"""The tag stage: tag every article not yet tagged by the current tagger, in batches.

When the tagger changes (gazetteer, themes, salience model, name finders or options: its
version differs from the one recorded in `meta`), all tags are dropped and every article
is tagged again, so tables never mix versions.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from cooccur.gazetteer import Gazetteer
from cooccur.ner import NameFinder, RuleFinder, SpacyFinder
from cooccur.salience import SalienceModel, article_entities
from cooccur.settings import DATA_DIR
from cooccur.store import Store
from cooccur.tagger import Tagger, tag_articles
from cooccur.themes import ThemeTagger

BATCH_ARTICLES = 5_000


@dataclass
class TagSummary:
    articles_tagged: int = 0
    mentions: int = 0
    retagged_all: bool = False

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


@dataclass
class TagOptions:
    """How to tag, beyond the gazetteer: `cooccur tag`/`run` options."""

    ner: str | None = None  # a spaCy pipeline name, or None for the rule finder alone
    name_rules: bool = True  # titles and company suffixes find people and organisations
    places_as_countries: bool = False
    themes: Sequence[Path | str] = field(default_factory=list)  # extra theme files

    @classmethod
    def from_env(cls, **given: object) -> TagOptions:
        """Options given, else `$COOCCUR_NER`, `$COOCCUR_PLACES_AS_COUNTRIES`, `$COOCCUR_THEMES`."""
        options = cls(
            ner=os.environ.get("COOCCUR_NER") or None,
            places_as_countries=os.environ.get("COOCCUR_PLACES_AS_COUNTRIES", "").lower()
            in ("1", "true", "yes"),
        )
        for name, value in given.items():
            if value not in (None, False, [], ()):
                setattr(options, name, value)
        return options

    def finders(self) -> list[NameFinder]:
        finders: list[NameFinder] = [RuleFinder()] if self.name_rules else []
        if self.ner:
            finders.append(SpacyFinder(self.ner))
        return finders


def tagger_version(
    gazetteer: Gazetteer,
    finders: Sequence[NameFinder],
    themes: ThemeTagger,
    model: SalienceModel,
    options: TagOptions,
) -> str:
    parts = [
        gazetteer.version,
        themes.version,
        repr(model),
        *(f.version for f in finders),
        f"places_as_countries={options.places_as_countries}",
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def sync_entities(store: Store, gazetteer: Gazetteer, version: str | None = None) -> bool:
    """Write entities and aliases; True if the tagger changed since the last tagging."""
    entities = pl.DataFrame(
        [
            {
                "key": e.key,
                "name": e.name,
                "kind": e.kind,
                "iso3": e.iso3,
                "country_iso3": e.country_iso3,
                "wikidata": e.wikidata,
            }
            for e in gazetteer.entities.values()
        ],
        schema={
            "key": pl.String,
            "name": pl.String,
            "kind": pl.String,
            "iso3": pl.String,
            "country_iso3": pl.String,
            "wikidata": pl.String,
        },
    )
    aliases = pl.DataFrame(
        [(form.lower(), key) for key, forms in gazetteer.aliases.items() for form in forms],
        schema={"alias": pl.String, "key": pl.String},
        orient="row",
    ).unique()
    version = version or gazetteer.version
    previous = store.scalar("select value from meta where key = 'tagger_version'")
    changed = previous != version
    with store.transaction():
        store.run_with("sync_entities", gazetteer_entities=entities, gazetteer_aliases=aliases)
        if changed:
            store.run("reset_tags")
            store.execute("insert or replace into meta values ('tagger_version', ?)", [version])
    return changed and previous is not None


@dataclass
class TagContext:
    """Everything a batch is tagged with; built once per process, the same on every worker."""

    gazetteer: Gazetteer
    options: TagOptions
    tagger: Tagger
    finders: list[NameFinder]
    themes: ThemeTagger
    model: SalienceModel
    version: str

    @classmethod
    def build(cls, gazetteer: Gazetteer, options: TagOptions | None = None) -> TagContext:
        options = options or TagOptions.from_env()
        finders = options.finders()
        themes = ThemeTagger.load(options.themes)
        model = SalienceModel.load()
        version = tagger_version(gazetteer, finders, themes, model, options)
        return cls(gazetteer, options, Tagger(gazetteer), finders, themes, model, version)


# Articles the text tagger reads: GDELT records arrive with their entities (gkg_mentions).
_PENDING = (
    "from articles where article_id not in (select article_id from tagged_articles) "
    "and source <> 'gdelt'"
)
PENDING_SQL = "select article_id, title, text, published_at " + _PENDING + " order by article_id"
PENDING_COUNT_SQL = "select count(*) " + _PENDING


def gkg_theme_map() -> pl.DataFrame:
    """GDELT theme tokens and the cooccur theme each stands for (`MILITARY` → defense)."""
    schema = {"gkg_token": pl.String, "theme": pl.String}
    return pl.read_csv(DATA_DIR / "gkg_themes.csv", schema=schema)


def prepare(store: Store, context: TagContext) -> bool:
    """Sync entities, take in GDELT's own mentions; True if every article must be re-tagged."""
    retagged = sync_entities(store, context.gazetteer, context.version)
    with store.transaction():
        store.run_with("gkg_mentions", gkg_theme_map=gkg_theme_map())
    return retagged


def tag_batch_frames(batch: pl.DataFrame, context: TagContext) -> dict[str, pl.DataFrame]:
    """Tag one batch (`article_id, title, text, published_at`): the inputs of `write_tags`.

    Pure: touches no database, so it runs the same in this process or on a worker.
    """
    result = tag_articles(
        batch,
        context.tagger,
        gazetteer=context.gazetteer,
        finders=context.finders,
        themes=context.themes,
        places_as_countries=context.options.places_as_countries,
    )
    salience = article_entities(result.mentions, result.articles, context.gazetteer, context.model)
    datelines = result.articles.filter(pl.col("dateline_place").is_not_null()).select(
        pl.col("article_id"),
        pl.col("dateline_place").alias("place"),
        pl.col("dateline_key").alias("entity_key"),
        pl.col("dateline_country").alias("country_key"),
    )
    return {
        "batch_articles": batch.select("article_id"),
        "batch_sentences": result.sentences,
        "batch_mentions": result.mentions,
        "batch_entities": result.entities,
        "batch_article_entities": salience,
        "batch_themes": result.themes,
        "batch_datelines": datelines,
    }


def write_batch(store: Store, frames: dict[str, pl.DataFrame]) -> None:
    """One tagged batch, all or nothing."""
    with store.transaction():
        store.run_with("write_tags", **frames)


def tag_pending(
    store: Store,
    gazetteer: Gazetteer,
    *,
    options: TagOptions | None = None,
    batch_size: int = BATCH_ARTICLES,
    progress: Callable[[int, int], None] | None = None,
) -> TagSummary:
    """Tag the articles that have no tags yet; each batch is committed on its own."""
    context = TagContext.build(gazetteer, options)
    summary = TagSummary(retagged_all=prepare(store, context))
    total = store.scalar(PENDING_COUNT_SQL)
    while True:
        batch = store.query(PENDING_SQL + " limit ?", [batch_size])
        if batch.is_empty():
            break
        frames = tag_batch_frames(batch, context)
        write_batch(store, frames)
        summary.articles_tagged += batch.height
        summary.mentions += frames["batch_mentions"].height
        if progress:
            progress(summary.articles_tagged, total)
    return summary
