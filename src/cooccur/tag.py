"""The tag stage: tag every article not yet tagged by the current gazetteer, in batches.

When the gazetteer changes (its version differs from the one recorded in `meta`), all
mentions are dropped and every article is tagged again, so tables never mix versions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import polars as pl

from cooccur.gazetteer import Gazetteer
from cooccur.store import Store
from cooccur.tagger import Tagger, tag_articles

BATCH_ARTICLES = 5_000


@dataclass
class TagSummary:
    articles_tagged: int = 0
    mentions: int = 0
    retagged_all: bool = False

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


def sync_entities(store: Store, gazetteer: Gazetteer) -> bool:
    """Write entities and aliases; True if the gazetteer changed since the last tagging."""
    entities = pl.DataFrame(
        [
            {"key": e.key, "name": e.name, "kind": e.kind, "iso3": e.iso3}
            for e in gazetteer.entities.values()
        ],
        schema={"key": pl.String, "name": pl.String, "kind": pl.String, "iso3": pl.String},
    )
    aliases = pl.DataFrame(
        [(form.lower(), key) for key, forms in gazetteer.aliases.items() for form in forms],
        schema={"alias": pl.String, "key": pl.String},
        orient="row",
    ).unique()
    previous = store.scalar("select value from meta where key = 'tagger_version'")
    changed = previous != gazetteer.version
    with store.transaction():
        store.run_with("sync_entities", gazetteer_entities=entities, gazetteer_aliases=aliases)
        if changed:
            store.run("reset_tags")
            store.execute(
                "insert or replace into meta values ('tagger_version', ?)", [gazetteer.version]
            )
    return changed and previous is not None


def tag_pending(
    store: Store,
    gazetteer: Gazetteer,
    *,
    batch_size: int = BATCH_ARTICLES,
    progress: Callable[[int, int], None] | None = None,
) -> TagSummary:
    """Tag the articles that have no tags yet; each batch is committed on its own."""
    summary = TagSummary(retagged_all=sync_entities(store, gazetteer))
    tagger = Tagger(gazetteer)
    pending_sql = (
        "select article_id, title, text from articles "
        "where article_id not in (select article_id from tagged_articles) "
        "and source <> 'gdelt' "
        "order by article_id limit ?"
    )
    total = store.scalar(
        "select count(*) from articles "
        "where article_id not in (select article_id from tagged_articles) and source <> 'gdelt'"
    )
    while True:
        with store.transaction():
            store.run("gkg_mentions")
        batch = store.query(pending_sql, [batch_size])
        if batch.is_empty():
            break
        sentences, mentions = tag_articles(batch, tagger)
        with store.transaction():
            store.run_with(
                "write_tags",
                batch_articles=batch.select("article_id"),
                batch_sentences=sentences,
                batch_mentions=mentions,
            )
        summary.articles_tagged += batch.height
        summary.mentions += mentions.height
        if progress:
            progress(summary.articles_tagged, total)
    return summary
