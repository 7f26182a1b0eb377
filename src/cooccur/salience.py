"""How central each entity is to an article, and which countries the story is *about*.

Co-occurrence counts every mention, but an analyst also needs the story's focus: a
Tokyo-datelined story on Japanese exports that cites U.S. and EC figures is about Japan.
Each (article, entity) gets features a newswire editor would use — headline, dateline,
lead sentence, frequency, share of the article's mentions, position of the first mention —
and a logistic model over them (weights in `data/salience.json`, fitted by
`cooccur eval --fit` on one half of the Reuters dev set, checked on the other) gives
`salience` in [0, 1]; `focus` is salience at or above the model's threshold.

Some stories are about many countries at once — a commodity round-up, a G-7 statement,
a trade table — and an editor lists every one of them. Per-country evidence is thin there
(each named once, in an enumeration), and a model fitted on all stories, most of them
about one country, under-tags them. So in a story with three or more candidate countries a
second model, fitted on such stories only, decides: it adds where the country stands
among the article's candidates (rank, share of the top salience) and the article's shape
(how many sentences name several countries, enumerations, currencies, how salience spreads).

Places count toward their country's evidence (a story datelined `PASADENA, Calif.` is a
U.S. story), and the dateline country gets a row even when the text never names it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import polars as pl

from cooccur.gazetteer import Gazetteer
from cooccur.settings import DATA_DIR

MODEL_PATH = DATA_DIR / "salience.json"

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
# `LONDON, March 3 -`, `PASADENA, Calif., March 3 -`, `ANKARA (Reuters) -`, `ROME —`:
# the place, then optionally the date and the agency, then a dash
_DASH = re.compile(r"(?: [-–—]|[-–—])[-–—]* ")  # ` ?[-–—]+ `, spelt so `re` skips to dashes
_DATE_TAIL = re.compile(rf",? (?P<month>{_MONTH}) \d{{1,2}}(?:, \d{{4}})?$")
_AGENCY_TAIL = re.compile(r" ?\([A-Za-z .]{1,30}\)$")
_PLACE = re.compile(r"[A-Z][A-Za-z.'’ -]{1,40}(?:, ?[A-Z][A-Za-z.'’ -]{0,30}){0,2}")


@dataclass(frozen=True)
class Dateline:
    end: int  # characters of the text the dateline takes
    place: str  # as written, e.g. 'PASADENA, Calif.'
    entity_key: str | None  # the most specific place or country it resolves to
    country_key: str | None  # `country:USA`


def find_dateline(text: str, gazetteer: Gazetteer) -> Dateline | None:
    """The wire dateline at the start of `text`, resolved to a country if we can.

    The city must be in capitals, as every wire writes it; a region after it (state,
    province, country) is more reliable than the city, whose name may exist elsewhere.
    """
    dash = _DASH.search(text, 0, 120)
    if dash is None:
        return None
    # a wire repeats its datelines (`NEW YORK, March 3 -`): read each one once
    memo = gazetteer.__dict__.setdefault("_dateline_memo", {})
    written = text[: dash.end()]
    if written not in memo:
        if len(memo) >= _DATELINE_MEMO:
            memo.clear()
        memo[written] = _read_dateline(written, dash.start(), gazetteer)
    return memo[written]


_DATELINE_MEMO = 100_000  # distinct datelines remembered (each a short string)


def _read_dateline(written: str, head_end: int, gazetteer: Gazetteer) -> Dateline | None:
    """The dateline `written` (up to and including its dash), resolved; None if it is not one."""
    head = written[:head_end]
    offset = len(head) - len(head.lstrip("*#>-_. "))
    head = _AGENCY_TAIL.sub("", head[offset:])
    date = _DATE_TAIL.search(head)
    if date is not None:
        head = head[: date.start()]
    if not _PLACE.fullmatch(head):
        return None
    parts = [p.strip(" .,") for p in head.split(",") if p.strip(" .,")]
    if not parts:
        return None
    city_letters = [c for c in parts[0] if c.isalpha()]
    if len(city_letters) < 2 or not (date is not None or all(c.isupper() for c in city_letters)):
        return None
    resolved = [gazetteer.lookup_place(part) for part in parts]
    entity_key = next((k for k in reversed(resolved) if k), None)
    country = gazetteer.country_of(entity_key) if entity_key else None
    return Dateline(
        end=len(written),
        place=head.strip(),
        entity_key=entity_key,
        country_key=f"country:{country}" if country else None,
    )


FEATURES = (
    "in_title",
    "in_dateline",
    "other_dateline",
    "in_lead",
    "log_mentions",
    "share",
    "is_top",
    "early",
    "name_share",
    "place_share",
    "log_candidates",
    "title_only",
    "title_and_lead",
    "title_or_dateline",
    "other_in_title",
    "several_in_title",
    "demonym_only",
    "subject_share",
    "list_share",
    "currency_share",
    "company_share",
    "figure_share",
    "in_lead2",
    "coverage",
    "density",
    "candidates_x_mentions",
    "list_size",
    "list_with_anchor",
    *(
        "art_multi",
        "art_multi3",
        "art_max_per_sentence",
        "art_list",
        "art_single",
        "art_currency",
        "art_title",
        "art_top_share",
        "art_max_list",
        "art_figure",
    ),
)
# the multi-country model: every salience feature, plus where the country stands among
# the article's candidates (after the first model) and the article's shape
MULTI_FEATURES = (
    *FEATURES,
    "salience_logit",
    "salience_rank",
    "salience_ratio",
    "art_mean_salience",
    "art_third_salience",
    "art_list_anchor",
    "art_dateline",
    "art_title_share",
    "art_demonym",
)


def _logistic(weights: dict[str, float], bias: float) -> pl.Expr:
    """The model's probability: `bias + Σ feature · weight`, summed in numpy (one Polars
    expression a term cost 20 µs each, most of scoring) in the same order, so the same
    floats; a null feature gives a null, as in Polars."""

    def logit(columns: list[pl.Series]) -> pl.Series:
        total = np.float64(bias)
        for column, weight in zip(columns, weights.values(), strict=True):
            total = total + column.cast(pl.Float64).to_numpy() * weight
        return pl.Series(total, dtype=pl.Float64).fill_nan(None)

    summed = (
        pl.map_batches(list(weights), logit, return_dtype=pl.Float64)
        if weights
        else pl.lit(float(bias))
    )
    return 1.0 / (1.0 + (-summed).exp())


@dataclass(frozen=True)
class MultiCountryModel:
    """Focus of countries in stories with at least `min_candidates` candidate countries:
    a second logistic model, fitted on such stories only, whose score must reach
    `threshold`."""

    weights: dict[str, float]
    bias: float
    threshold: float
    min_candidates: int = 3


@dataclass(frozen=True)
class SalienceModel:
    weights: dict[str, float]
    bias: float
    threshold: float
    multi_country: MultiCountryModel | None = None
    # countries' own threshold: fitted for pairs of focus countries, not single entities
    country_threshold: float | None = None
    # people's and organisations' own: names are found more often than editors tag them
    person_threshold: float | None = None
    org_threshold: float | None = None

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> SalienceModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        multi = data.get("multi_country")
        return cls(
            data["weights"],
            data["bias"],
            data["threshold"],
            MultiCountryModel(**multi) if multi else None,
            data.get("country_threshold"),
            data.get("person_threshold"),
            data.get("org_threshold"),
        )

    def save(self, path: Path, **info: object) -> None:
        data: dict[str, object] = {
            "weights": self.weights,
            "bias": self.bias,
            "threshold": self.threshold,
        }
        for kind, value in self._kind_thresholds().items():
            data[f"{kind}_threshold"] = value
        if self.multi_country is not None:
            data["multi_country"] = asdict(self.multi_country)
        path.write_text(json.dumps({**data, **info}, indent=2) + "\n", encoding="utf-8")

    def _kind_thresholds(self) -> dict[str, float]:
        """The thresholds fitted for one kind, by kind."""
        given = {
            "country": self.country_threshold,
            "person": self.person_threshold,
            "org": self.org_threshold,
        }
        return {kind: value for kind, value in given.items() if value is not None}

    def score(self) -> pl.Expr:
        """Salience as a Polars expression over the feature columns (no Python per row)."""
        return _logistic(self.weights, self.bias).alias("salience")

    def focus(self, scored: pl.DataFrame) -> pl.Series:
        """Focus per row of `scored` (feature rows with `salience`): salience over the
        threshold (its kind's own, if fitted); for a country of a story with several
        candidate countries, the multi-country model's score over its threshold."""
        threshold = pl.lit(self.threshold)
        for kind, value in self._kind_thresholds().items():
            threshold = pl.when(pl.col("kind") == kind).then(pl.lit(value)).otherwise(threshold)
        over = pl.col("salience") >= threshold
        if self.multi_country is None:
            return scored.select(over.alias("focus")).to_series()
        multi = self.multi_country
        several = (pl.col("kind") == "country") & (
            pl.len().over("article_id", "kind") >= multi.min_candidates
        )
        # the second model reads only the (few) rows it decides
        indexed = scored.with_row_index("_row")
        decided = (
            indexed.filter(several)
            .with_columns(salience_spread())
            .select(
                "_row", (_logistic(multi.weights, multi.bias) >= multi.threshold).alias("_multi")
            )
        )
        return (
            indexed.select("_row", over.alias("focus"))
            .join(decided, on="_row", how="left", maintain_order="left")
            .select(pl.col("_multi").fill_null(pl.col("focus")).alias("focus"))
            .to_series()
        )


def salience_spread() -> list[pl.Expr]:
    """Where an entity stands among its article's candidates of its kind: its salience
    as a logit, its rank (0 for the top, 1 for the last), its share of the top salience;
    and the article's mean and third-highest salience (a story about many countries has
    several strong candidates, a one-country story one)."""
    group = ["article_id", "kind"]
    salience = pl.col("salience").clip(1e-4, 1 - 1e-4)
    rank = pl.col("salience").rank("min", descending=True).over(group) - 1
    return [
        (salience / (1 - salience)).log().alias("salience_logit"),
        (rank / (pl.len().over(group) - 1).clip(lower_bound=1)).alias("salience_rank"),
        (pl.col("salience") / pl.col("salience").max().over(group)).alias("salience_ratio"),
        pl.col("salience").mean().over(group).alias("art_mean_salience"),
        pl.col("salience")
        .sort(descending=True)
        .get(2, null_on_oob=True)
        .over(group)
        .fill_null(0.0)
        .alias("art_third_salience"),
    ]


ARTICLE_SCHEMA = {
    "article_id": pl.String,
    "dateline_place": pl.String,
    "published_on": pl.Date,
    "text_chars": pl.Int32,
    "n_sentences": pl.Int32,
    "dateline_end": pl.Int32,
    "dateline_key": pl.String,
    "dateline_country": pl.String,
}


def evidence(mentions: pl.DataFrame, articles: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """One row per piece of evidence for an (article, entity): each mention, each place
    mention again for its country, and the dateline country."""
    owner = {
        k: f"country:{e.country_iso3}"
        for k, e in gazetteer.entities.items()
        if e.kind == "place" and e.country_iso3
    }
    base = mentions.select(
        "article_id",
        "entity_key",
        "sentence_id",
        "start_char",
        "alias_type",
        "role",
        pl.lit(False).alias("via_place"),
    )
    via_place = (
        base.with_columns(
            pl.col("entity_key").replace_strict(owner, default=None).alias("entity_key"),
            pl.lit(True).alias("via_place"),
        )
        .filter(pl.col("entity_key").is_not_null())
        .select(base.columns)
    )
    dateline = articles.filter(pl.col("dateline_country").is_not_null()).select(
        "article_id",
        pl.col("dateline_country").alias("entity_key"),
        pl.lit(1, pl.Int32).alias("sentence_id"),
        pl.lit(-1, pl.Int32).alias("start_char"),
        pl.lit("dateline").alias("alias_type"),
        pl.lit("").alias("role"),
        pl.lit(True).alias("via_place"),
    )
    rows = pl.concat([base, via_place, dateline], how="vertical_relaxed")
    rows = rows.join(articles, on="article_id", how="left")
    if gazetteer.historic:
        past = pl.DataFrame(
            [(k, v[0], v[1]) for k, v in gazetteer.historic.items()],
            schema={"entity_key": pl.String, "past_key": pl.String, "until": pl.Date},
            orient="row",
        )
        rows = (
            rows.join(past, on="entity_key", how="left")
            .with_columns(
                pl.when(pl.col("published_on") < pl.col("until"))
                .then(pl.col("past_key"))
                .otherwise(pl.col("entity_key"))
                .alias("entity_key")
            )
            .drop("past_key", "until")
        )
    return rows.with_columns(
        pl.col("entity_key").str.extract(r"^([a-z]+):").alias("kind"),
        (
            (pl.col("sentence_id") == 1)
            & (pl.col("start_char") < pl.col("dateline_end").fill_null(0))
        ).alias("is_dateline"),
    )


def features(evidence_rows: pl.DataFrame) -> pl.DataFrame:
    """Salience features per (article, entity) from `evidence` rows."""
    body = (pl.col("sentence_id") >= 1) & ~pl.col("is_dateline")
    per_entity = evidence_rows.group_by("article_id", "entity_key").agg(
        pl.col("kind").first(),
        pl.col("text_chars").first(),
        pl.col("n_sentences").first(),
        pl.col("sentence_id").filter(body).n_unique().alias("n_sentences_named"),
        pl.col("dateline_country").first(),
        (pl.col("sentence_id") == 0).any().alias("in_title"),
        pl.col("is_dateline").any().alias("in_dateline"),
        ((pl.col("sentence_id") == 1) & ~pl.col("is_dateline")).any().alias("in_lead"),
        body.sum().alias("n_body"),
        (~pl.col("via_place")).sum().alias("n_mentions"),
        pl.col("start_char").filter(body).min().alias("first_char"),
        (pl.col("alias_type") == "name").mean().alias("name_share"),
        (pl.col("role") == "subject").filter(body).mean().fill_null(0.0).alias("subject_share"),
        (pl.col("role") == "list").filter(body).mean().fill_null(0.0).alias("list_share"),
        (pl.col("role") == "currency").mean().alias("currency_share"),
        (pl.col("role") == "company").mean().alias("company_share"),
        (pl.col("role") == "figure").filter(body).mean().fill_null(0.0).alias("figure_share"),
        ((pl.col("sentence_id") <= 2) & body).any().alias("in_lead2"),
        pl.col("via_place").mean().alias("place_share"),
    )
    group = ["article_id", "kind"]
    per_entity = per_entity.join(_sentence_shape(evidence_rows, body), on=group, how="left")
    per_entity = per_entity.join(
        _enumerations(evidence_rows, body, per_entity), on=["article_id", "entity_key"], how="left"
    ).with_columns(
        pl.col("list_size").fill_null(0).cast(pl.Float64).log1p().alias("list_size"),
        pl.col("list_with_anchor").fill_null(False),
        *(pl.col(c).fill_null(0) for c in ("_multi", "_multi3", "_max_per_sentence")),
    )
    n_sent = pl.col("n_sentences").clip(lower_bound=1).cast(pl.Float64)
    return (
        per_entity.with_columns(
            (pl.col("n_sentences_named") / n_sent).fill_null(0.0).alias("coverage"),
            (pl.col("_named") / n_sent).fill_null(0.0).alias("density"),
            pl.col("list_share").mean().over(group).fill_null(0.0).alias("article_list_share"),
            (pl.col("dateline_country").is_not_null() & ~pl.col("in_dateline")).alias(
                "other_dateline"
            ),
            pl.col("n_body").log1p().alias("log_mentions"),
            (pl.col("n_body") / pl.col("n_body").sum().over(group).clip(lower_bound=1)).alias(
                "share"
            ),
            (
                (pl.col("n_body") == pl.col("n_body").max().over(group)) & (pl.col("n_body") > 0)
            ).alias("is_top"),
            (1.0 - pl.col("first_char") / pl.col("text_chars").clip(lower_bound=1))
            .fill_null(0.0)
            .clip(0.0, 1.0)
            .alias("early"),
            pl.len().over(group).cast(pl.Float64).log().alias("log_candidates"),
            (pl.col("text_chars") == 0).alias("title_only"),
            (pl.col("in_title") & pl.col("in_lead")).alias("title_and_lead"),
            (pl.col("in_title") | pl.col("in_dateline")).alias("title_or_dateline"),
            (pl.col("in_title").sum().over(group) - pl.col("in_title").cast(pl.UInt32) > 0).alias(
                "other_in_title"
            ),
            (pl.col("in_title").sum().over(group) >= 2).alias("several_in_title"),
            (pl.col("name_share") == 0).alias("demonym_only"),
        )
        .with_columns(
            (pl.col("log_candidates") * pl.col("log_mentions")).alias("candidates_x_mentions"),
            (pl.col("_multi") / n_sent).alias("art_multi"),
            (pl.col("_multi3") / n_sent).alias("art_multi3"),
            pl.col("_max_per_sentence").cast(pl.Float64).log1p().alias("art_max_per_sentence"),
        )
        .pipe(_article_shape)
        .drop("_named", "_multi", "_multi3", "_max_per_sentence")
    )


def _article_shape(rows: pl.DataFrame) -> pl.DataFrame:
    """The article's shape, the same on every row of an article (and kind): one group-by
    and a join rather than a window per column."""
    group = ["article_id", "kind"]
    shape = rows.group_by(group).agg(
        (pl.col("list_share") > 0).mean().alias("art_list"),
        (pl.col("n_body") <= 1).mean().alias("art_single"),
        (pl.col("currency_share") > 0).mean().alias("art_currency"),
        pl.col("in_title").sum().cast(pl.Float64).log1p().alias("art_title"),
        pl.col("share").max().alias("art_top_share"),
        pl.col("list_size").max().alias("art_max_list"),
        (pl.col("figure_share") > 0).mean().alias("art_figure"),
        pl.col("list_with_anchor").mean().alias("art_list_anchor"),
        pl.col("in_dateline").any().alias("art_dateline"),
        pl.col("in_title").mean().alias("art_title_share"),
        pl.col("demonym_only").mean().alias("art_demonym"),
    )
    return rows.join(shape, on=group, how="left")


def _sentence_shape(evidence_rows: pl.DataFrame, body: pl.Expr) -> pl.DataFrame:
    """Per (article, kind): sentences naming a candidate, two or more, three or more, and
    the most candidates one sentence names (a round-up names several per sentence)."""
    per_sentence = (
        evidence_rows.filter(body)
        .group_by("article_id", "kind", "sentence_id")
        .agg(pl.col("entity_key").n_unique().alias("k"))
    )
    return per_sentence.group_by("article_id", "kind").agg(
        pl.len().alias("_named"),
        (pl.col("k") >= 2).sum().alias("_multi"),
        (pl.col("k") >= 3).sum().alias("_multi3"),
        pl.col("k").max().alias("_max_per_sentence"),
    )


def _enumerations(
    evidence_rows: pl.DataFrame, body: pl.Expr, per_entity: pl.DataFrame
) -> pl.DataFrame:
    """Per (article, entity): the size of the longest enumeration it is in (*Britain,
    France and Japan*: the entities of its kind listed in one sentence), and whether that
    enumeration also holds a headline or dateline entity (editors keep the whole list)."""
    anchors = per_entity.select(
        "article_id", "entity_key", (pl.col("in_title") | pl.col("in_dateline")).alias("anchor")
    )
    listed = (
        evidence_rows.filter(body & (pl.col("role") == "list"))
        .select("article_id", "kind", "sentence_id", "entity_key")
        .unique()
        .join(anchors, on=["article_id", "entity_key"], how="left")
        .with_columns(pl.col("anchor").fill_null(False))
    )
    lists = ["article_id", "kind", "sentence_id"]
    return (
        listed.with_columns(
            pl.col("entity_key").n_unique().over(lists).alias("size"),
            pl.col("anchor").any().over(lists).alias("with_anchor"),
        )
        .group_by("article_id", "entity_key")
        .agg(
            pl.col("size").max().alias("list_size"),
            pl.col("with_anchor").any().alias("list_with_anchor"),
        )
    )


def score(feature_rows: pl.DataFrame, model: SalienceModel) -> pl.DataFrame:
    """`article_entities` rows: mentions, salience and focus per (article, entity), sorted
    (the group-bys before leave them in an order that changes from run to run)."""
    scored = feature_rows.with_columns(model.score())
    return (
        scored.with_columns(model.focus(scored))
        .select(
            "article_id",
            "entity_key",
            pl.col("n_mentions").cast(pl.Int32),
            pl.col("salience").round(4),
            "focus",
        )
        .sort("article_id", "entity_key")
    )


def article_entities(
    mentions: pl.DataFrame,
    articles: pl.DataFrame,
    gazetteer: Gazetteer,
    model: SalienceModel,
) -> pl.DataFrame:
    """Rows of the `article_entities` table for tagged articles."""
    return score(features(evidence(mentions, articles, gazetteer)), model)


def fit(
    rows: pl.DataFrame,
    label: str = "gold",
    *,
    names: tuple[str, ...] = FEATURES,
    l2: float = 1e-3,
    iterations: int = 50,
) -> SalienceModel:
    """A logistic regression by Newton's method (numpy); the
    caller chooses the threshold."""
    x = rows.select([pl.col(f).cast(pl.Float64) for f in names]).to_numpy()
    x = np.hstack([x, np.ones((x.shape[0], 1))])
    y = rows[label].cast(pl.Float64).to_numpy()
    w = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + l2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = {name: round(float(v), 5) for name, v in zip(names, w[:-1], strict=True)}
    return SalienceModel(weights, round(float(w[-1]), 5), 0.5)
