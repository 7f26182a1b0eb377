"""Score the tagger against article-level gold annotations (Reuters-21578 style JSONL).

Gold gives, per story, its *main* places (ISO3), people and organisations — not every
name in the text — so what is scored is the tagger's article-level `focus`. Countries are
compared by ISO3; pairs are the unordered pairs of focus countries of an article (what a
document co-occurrence of focus countries would count). People and organisations are
matched by name: gold `james-baker` or `reagan` matches a person whose full name or
surname it is; gold `worldbank` or `ico-coffee` an organisation one of whose names or
acronyms it spells.

The dev set is split in two halves by a hash of the story id: `--fit` fits the salience
model on `train` and the scores are reported for `train`, `validation` and both.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

import polars as pl

from cooccur.gazetteer import Gazetteer
from cooccur.ner import NameFinder
from cooccur.normalize import normalize_line, normalize_text
from cooccur.salience import (
    MULTI_FEATURES,
    MultiCountryModel,
    SalienceModel,
    evidence,
    features,
    fit,
    salience_spread,
    score,
)
from cooccur.tagger import Tagger, TagResult, tag_articles

SPLITS = ("train", "validation", "all")


def split_of(article_id: str) -> str:
    """A stable half of the corpus: same id, same split, on every machine."""
    return "train" if hashlib.sha256(article_id.encode()).digest()[0] % 2 == 0 else "validation"


def load_corpus(articles: Path, gold: Path) -> pl.DataFrame:
    """Articles (normalised as ingest does) joined to their gold annotations by `id`."""
    text = pl.read_ndjson(articles).select(
        pl.col("id").cast(pl.String).alias("article_id"),
        "title",
        "text",
        pl.col("date").str.to_datetime(strict=False).alias("published_at"),
    )
    text = text.with_columns(normalize_text("text"), normalize_line("title"))
    labels = pl.read_ndjson(gold).select(
        pl.col("id").cast(pl.String).alias("article_id"),
        pl.col("places_iso3").alias("gold_country"),
        pl.col("people").alias("gold_person"),
        pl.col("orgs").alias("gold_org"),
    )
    corpus = text.join(labels, on="article_id", how="inner")
    return corpus.with_columns(
        pl.col("article_id").map_elements(split_of, return_dtype=pl.String).alias("split")
    )


@dataclass(frozen=True)
class Score:
    kind: str
    split: str
    tp: int
    n_predicted: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_predicted if self.n_predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        total = self.n_predicted + self.n_gold
        return 2 * self.tp / total if total else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "split": self.split,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "tp": self.tp,
            "predicted": self.n_predicted,
            "gold": self.n_gold,
        }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _name_forms(gazetteer: Gazetteer, key: str, name: str) -> set[str]:
    forms = {_slug(name), *(_slug(a) for a in gazetteer.aliases.get(key, {}))}
    if key.startswith("person:"):
        parts = name.lower().split()
        forms |= {_slug(" ".join(parts[i:])) for i in range(1, len(parts))}
    return forms


def _matches(gold: str, forms: set[str]) -> bool:
    slug = _slug(gold)
    return slug in forms or _slug(gold.split("-")[0]) in forms


def run_tagger(
    corpus: pl.DataFrame,
    gazetteer: Gazetteer,
    *,
    finders: Sequence[NameFinder] = (),
    places_as_countries: bool = False,
    batch_size: int = 5_000,
) -> tuple[TagResult, pl.DataFrame]:
    """Tag the corpus in batches as the tag stage does; return the results concatenated
    and the salience features per (article, entity)."""
    tagger = Tagger(gazetteer)
    parts: list[TagResult] = []
    for offset in range(0, corpus.height, batch_size):
        batch = corpus.slice(offset, batch_size)
        parts.append(
            tag_articles(
                batch,
                tagger,
                gazetteer=gazetteer,
                finders=finders,
                places_as_countries=places_as_countries,
            )
        )
    result = TagResult(
        pl.concat([p.sentences for p in parts]),
        pl.concat([p.mentions for p in parts]),
        pl.concat([p.articles for p in parts]),
        pl.concat([p.entities for p in parts]),
    )
    if result.entities.height:
        result.entities = result.entities.unique("key", keep="first")
    names = dict(zip(result.entities["key"], result.entities["name"], strict=True))
    gazetteer_names = {k: e.name for k, e in gazetteer.entities.items()}
    rows = features(evidence(result.mentions, result.articles, gazetteer))
    rows = rows.with_columns(
        pl.col("entity_key")
        .replace_strict({**names, **gazetteer_names}, default=None)
        .alias("name")
    )
    return result, rows


def _label_countries(rows: pl.DataFrame, corpus: pl.DataFrame) -> pl.DataFrame:
    gold = corpus.select("article_id", "gold_country", "split")
    return (
        rows.filter(pl.col("kind") == "country")
        .join(gold, on="article_id")
        .with_columns(
            pl.col("gold_country").list.contains(pl.col("entity_key").str.slice(8)).alias("gold")
        )
    )


MIN_PRECISION = 0.90
# what the countries' thresholds are chosen under on `train`: a margin over the 0.90
# target (held-out precision runs about 0.005 below train's), and country F1 may give this
# much to gain pairs
MIN_PRECISION_PAIRS = 0.905
F1_SLACK = 0.003
# people's and organisations' F1 on train rests on ~460 and ~360 gold names and moves by
# about 0.02 between halves: thresholds within this much of the best F1 are as good
NAME_F1_SLACK = 0.01


def fit_model(rows: pl.DataFrame, corpus: pl.DataFrame, gazetteer: Gazetteer) -> SalienceModel:
    """Fit the salience model on the `train` half's candidate countries and its threshold
    (country F1 first, as for every kind); then the multi-country model on the candidates
    of `train` stories with three or more, and the two countries' thresholds that maximise
    country-pair F1 on `train` with country precision ≥ `MIN_PRECISION_PAIRS` and country
    F1 within `F1_SLACK` of the best; last, people's and organisations' own thresholds."""
    labelled = _label_countries(rows, corpus).filter(pl.col("split") == "train")
    gold = corpus.filter(pl.col("split") == "train").select("article_id", "gold_country")
    model = fit(labelled)
    steps = [step / 100 for step in range(20, 66, 2)]
    model = _best([replace(model, threshold=t) for t in steps], labelled, gold, pairs=False)
    several = labelled.filter(pl.len().over("article_id") >= 3)
    spread = several.with_columns(model.score()).with_columns(salience_spread())
    multi = fit(spread, names=MULTI_FEATURES, l2=1.0)
    grid = [
        replace(
            model,
            country_threshold=t / 100,
            multi_country=MultiCountryModel(multi.weights, multi.bias, m / 100, 3),
        )
        for t in range(32, 50, 2)
        for m in range(10, 70, 4)
    ]
    return _name_thresholds(_best(grid, labelled, gold), rows, corpus, gazetteer)


def _name_thresholds(
    model: SalienceModel, rows: pl.DataFrame, corpus: pl.DataFrame, gazetteer: Gazetteer
) -> SalienceModel:
    """People's and organisations' own thresholds, scored by name as `score_all` does: each
    the lowest whose F1 of its kind on `train` is within `NAME_F1_SLACK` of the best (F1 is
    flat over a wide range at the top, and editors tag only the main one or two names where
    an analyst wants every principal). The name rules find more people than editors tag, so
    the shared threshold over-tags them."""
    train = corpus.filter(pl.col("split") == "train")
    names = rows.filter(
        pl.col("kind").is_in(["person", "org"])
        & pl.col("article_id").is_in(train.get_column("article_id").implode())
    )
    measured: dict[str, list[tuple[float, float]]] = {"person": [], "org": []}
    for step in range(20, 92, 2):
        trial = replace(model, person_threshold=step / 100, org_threshold=step / 100)
        for s in score_all(names, train, trial, gazetteer, splits=["train"]):
            if s.kind in measured:
                measured[s.kind].append((s.f1, step / 100))
    chosen = {}
    for kind, points in measured.items():
        best = max(f1 for f1, _ in points)
        chosen[kind] = min(t for f1, t in points if f1 >= best - NAME_F1_SLACK)
    return replace(model, person_threshold=chosen["person"], org_threshold=chosen["org"])


def _best(
    models: list[SalienceModel],
    labelled: pl.DataFrame,
    gold: pl.DataFrame,
    *,
    pairs: bool = True,
) -> SalienceModel:
    """The model of highest pair F1 among those within the precision and F1 bounds (with
    `pairs=False`: of highest country F1, pair F1 breaking ties)."""
    measured = [(m, *_country_scores(labelled, gold, m)) for m in models]
    if not pairs:
        allowed = [x for x in measured if x[1].precision >= MIN_PRECISION]
        return max(allowed, key=lambda x: (round(x[1].f1, 3), x[2].f1))[0]
    allowed = [x for x in measured if x[1].precision >= MIN_PRECISION_PAIRS]
    best_f1 = max(x[1].f1 for x in allowed)
    allowed = [x for x in allowed if x[1].f1 >= best_f1 - F1_SLACK]
    return max(allowed, key=lambda x: (round(x[2].f1, 4), x[1].f1))[0]


def _country_scores(
    labelled: pl.DataFrame, gold: pl.DataFrame, model: SalienceModel
) -> tuple[Score, Score]:
    """Country and country-pair scores of candidate rows against `gold` (`article_id`,
    `gold_country`): the figures of `score_all`, fast enough to fit with."""
    scored = labelled.with_columns(model.score())
    focus = scored.with_columns(model.focus(scored)).filter("focus")
    predicted = focus.group_by("article_id").agg(pl.col("entity_key").str.slice(8))
    counts = {"country": [0, 0, 0], "country pair": [0, 0, 0]}
    found = dict(predicted.iter_rows())
    for article_id, gold_c in gold.iter_rows():
        pred_c, gold_cs = set(found.get(article_id, [])), set(gold_c or [])
        _add(counts["country"], pred_c, gold_cs)
        _add(
            counts["country pair"],
            set(combinations(sorted(pred_c), 2)),
            set(combinations(sorted(gold_cs), 2)),
        )
    return Score("country", "train", *counts["country"]), Score(
        "country pair", "train", *counts["country pair"]
    )


def score_all(
    rows: pl.DataFrame,
    corpus: pl.DataFrame,
    model: SalienceModel,
    gazetteer: Gazetteer,
    *,
    splits: Sequence[str] = SPLITS,
) -> list[Score]:
    """Micro precision/recall/F1 of focus entities per kind, and of focus country pairs."""
    scored = score(rows, model).join(
        rows.select("article_id", "entity_key", "kind", "name"), on=["article_id", "entity_key"]
    )
    focus = scored.filter(pl.col("focus"))
    predicted: dict[str, dict[str, list[str]]] = {"country": {}, "person": {}, "org": {}}
    forms: dict[str, set[str]] = {}
    for article_id, key, kind, name in focus.select(
        "article_id", "entity_key", "kind", "name"
    ).iter_rows():
        if kind in predicted:
            predicted[kind].setdefault(article_id, []).append(key)
            if kind != "country":
                forms[key] = _name_forms(gazetteer, key, name or key.split(":", 1)[1])
    results: list[Score] = []
    for split in splits:
        part = corpus if split == "all" else corpus.filter(pl.col("split") == split)
        counts = {k: [0, 0, 0] for k in ("country", "country pair", "person", "org")}
        for article_id, gold_c, gold_p, gold_o in part.select(
            "article_id", "gold_country", "gold_person", "gold_org"
        ).iter_rows():
            pred_c = {k[8:] for k in predicted["country"].get(article_id, [])}
            gold_cs = set(gold_c or [])
            _add(counts["country"], pred_c, gold_cs)
            _add(
                counts["country pair"],
                set(combinations(sorted(pred_c), 2)),
                set(combinations(sorted(gold_cs), 2)),
            )
            for kind, gold in (("person", gold_p), ("org", gold_o)):
                keys = predicted[kind].get(article_id, [])
                gold = list(gold or [])
                hit_gold = {g for g in gold if any(_matches(g, forms[k]) for k in keys)}
                hit_pred = {k for k in keys if any(_matches(g, forms[k]) for g in gold)}
                c = counts[kind]
                c[0] += len(hit_gold)
                c[1] += len(keys) - len(hit_pred) + len(hit_gold)
                c[2] += len(gold)
        results += [Score(kind, split, *c) for kind, c in counts.items()]
    return results


def _add(counter: list[int], predicted: set, gold: set) -> None:
    counter[0] += len(predicted & gold)
    counter[1] += len(predicted)
    counter[2] += len(gold)
