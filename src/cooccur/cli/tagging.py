"""Tagging commands: tag the database's articles, score the tagger against gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cooccur.cli import DbOption, WaitOption, app, console, fail, print_summary
from cooccur.settings import DEFAULT_DB

GazetteerOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--gazetteer",
        help="Extra entities: a CSV or TOML file (name, kind, aliases); repeatable. "
        "Default: $COOCCUR_GAZETTEER (paths separated by ':').",
    ),
]
NerOption = Annotated[
    str | None,
    typer.Option("--ner", help="A spaCy pipeline for people/organisations, e.g. en_core_web_sm."),
]
PlacesOption = Annotated[
    bool,
    typer.Option("--places-as-countries", help="Count a city or region as its country."),
]
ThemesOption = Annotated[
    list[Path] | None,
    typer.Option("--themes", help="Extra theme files (TOML: theme, keywords); repeatable."),
]
NoRulesOption = Annotated[
    bool,
    typer.Option("--no-name-rules", help="Do not find people/organisations by title and suffix."),
]
NoToneOption = Annotated[
    bool,
    typer.Option(
        "--no-tone",
        help="Do not score sentence tone while tagging (the count stage scores what is "
        "missing, unless it runs with --no-tone too). Default: $COOCCUR_TONE, else on.",
    ),
]
SHARED_REUTERS = Path("../shared/data/reuters21578")


def _options(ner, places, themes, no_rules, no_tone=False):  # type: ignore[no-untyped-def]
    from cooccur.tag import TagOptions

    options = TagOptions.from_env(ner=ner, places_as_countries=places, themes=themes or [])
    options.name_rules = not no_rules
    options.tone = options.tone and not no_tone
    return options


@app.command()
def tag(
    db: DbOption = DEFAULT_DB,
    gazetteer: GazetteerOption = None,
    ner: NerOption = None,
    places_as_countries: PlacesOption = False,
    themes: ThemesOption = None,
    no_name_rules: NoRulesOption = False,
    no_tone: NoToneOption = False,
    wait: WaitOption = 0,
) -> None:
    """Tag the articles not yet tagged (all of them if the tagger changed): entities,
    salience and focus, themes, and the tone of sentences naming two entities.

    Example: cooccur tag --gazetteer my-entities.csv --db data/cooccur.duckdb
    """
    from cooccur.gazetteer import GazetteerError, load_gazetteer
    from cooccur.store import DatabaseBusy, Store, writer_lock
    from cooccur.tag import tag_pending
    from cooccur.themes import ThemeError

    try:
        entities = load_gazetteer(gazetteer)
        options = _options(ner, places_as_countries, themes, no_name_rules, no_tone)
        with writer_lock(db, wait=wait), Store(db) as store:
            summary = tag_pending(store, entities, options=options)
    except (GazetteerError, ThemeError) as error:
        fail(str(error), 2)
    except RuntimeError as error:
        fail(str(error), 2)
    except DatabaseBusy as error:
        fail(str(error), 3)
    print_summary({"tag": summary.as_dict()})


@app.command("eval")
def evaluate(
    articles: Annotated[
        Path, typer.Option(help="Articles JSONL (id, date, title, text).")
    ] = SHARED_REUTERS / "articles" / "reuters-dev.jsonl",
    gold: Annotated[
        Path, typer.Option(help="Gold JSONL (id, places_iso3, people, orgs).")
    ] = SHARED_REUTERS / "gold" / "reuters-dev-gold.jsonl",
    split: Annotated[str, typer.Option(help="train, validation or all (halves by id).")] = "",
    fit: Annotated[
        bool, typer.Option("--fit", help="Refit the salience model on the train half.")
    ] = False,
    model_out: Annotated[
        Path | None, typer.Option(help="Where --fit writes the model (default: the bundled one).")
    ] = None,
    gazetteer: GazetteerOption = None,
    ner: NerOption = None,
    places_as_countries: PlacesOption = False,
    no_name_rules: NoRulesOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Score the tagger's focus entities against gold annotations: micro precision, recall
    and F1 per kind (countries, country pairs, people, organisations).

    Example: cooccur eval --split validation
    """
    from cooccur import evaluate as ev
    from cooccur.gazetteer import GazetteerError, load_gazetteer
    from cooccur.salience import MODEL_PATH, SalienceModel

    if split and split not in ev.SPLITS:
        fail(f"--split must be one of {', '.join(ev.SPLITS)}", 2)
    for path in (articles, gold):
        if not path.is_file():
            fail(f"file not found: {path}", 2)
    try:
        entities = load_gazetteer(gazetteer)
        options = _options(ner, places_as_countries, [], no_name_rules)
        corpus = ev.load_corpus(articles, gold)
        if split in ("train", "validation") and not fit:
            corpus = corpus.filter(corpus["split"] == split)  # tag only what is scored
        _, rows = ev.run_tagger(
            corpus,
            entities,
            finders=options.finders(),
            places_as_countries=options.places_as_countries,
        )
    except (GazetteerError, RuntimeError) as error:
        fail(str(error), 2)
    if fit:
        model = ev.fit_model(rows, corpus, entities)
        target = model_out or MODEL_PATH
        model.save(target, fitted_on="train half of " + articles.name)
        console.print(f"salience model written to {target} (threshold {model.threshold})")
    else:
        model = SalienceModel.load(model_out or MODEL_PATH)
    scores = ev.score_all(rows, corpus, model, entities, splits=[split] if split else ev.SPLITS)
    if as_json:
        print(json.dumps([s.as_dict() for s in scores], indent=1))
        return
    table = Table("split", "kind", "precision", "recall", "F1", "predicted", "gold")
    for s in scores:
        table.add_row(
            s.split,
            s.kind,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            str(s.n_predicted),
            str(s.n_gold),
        )
    console.print(table)


__all__ = ["evaluate", "print_summary", "tag"]
