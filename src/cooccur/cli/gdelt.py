"""`cooccur gdelt fetch`: a local, verified, filtered slice of GDELT's Knowledge Graph."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cooccur.cli import DbOption, app, console, fail, print_summary
from cooccur.gdelt_fetch import DEFAULT_BASE_URL, FetchError, GkgFilter, human_bytes
from cooccur.settings import DEFAULT_DB
from cooccur.store import DatabaseBusy, Store, writer_lock

gdelt_app = typer.Typer(help="GDELT Global Knowledge Graph: fetch a date range into the database.")
app.add_typer(gdelt_app, name="gdelt")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2025-03-01") from None


@gdelt_app.command("fetch")
def fetch(
    start: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD). Default: yesterday.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day, inclusive. Default: today.")
    ] = None,
    country: Annotated[
        list[str] | None, typer.Option(help="Keep rows locating this FIPS country (IT, TU…).")
    ] = None,
    theme: Annotated[
        list[str] | None, typer.Option(help="Keep rows with this GKG theme (MILITARY…).")
    ] = None,
    person: Annotated[list[str] | None, typer.Option(help="Keep rows naming this person.")] = None,
    org: Annotated[
        list[str] | None, typer.Option(help="Keep rows naming this organisation.")
    ] = None,
    domain: Annotated[
        list[str] | None, typer.Option(help="Keep rows from this source domain.")
    ] = None,
    translation: Annotated[
        bool, typer.Option(help="Also read the translated-sources stream.")
    ] = False,
    english: Annotated[bool, typer.Option(help="Read the English-sources stream.")] = True,
    base_url: Annotated[
        str, typer.Option(envvar="COOCCUR_GDELT_BASE_URL", help="GDELT (or mirror) base URL.")
    ] = DEFAULT_BASE_URL,
    connections: Annotated[int, typer.Option(min=1, max=16, help="Parallel downloads.")] = 4,
    cache: Annotated[
        Path | None, typer.Option(help="Folder for downloaded files. Default: beside the db.")
    ] = None,
    keep_raw: Annotated[bool, typer.Option(help="Keep the downloaded zips.")] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask before downloading.")
    ] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Download GKG files of a date range, verify them, keep matching rows, ingest them.

    Rows of every GKG file in the range go through the filters (all given filters must
    match; several values of one filter are alternatives). Files already fetched with the
    same filters are skipped; files that fail their MD5 check are reported and skipped.

    Example: cooccur gdelt fetch --from 2025-03-01 --to 2025-04-30 --country IT --theme MILITARY
    """
    from cooccur.gdelt import plan_fetch, run_fetch

    today = datetime.now(UTC).date()
    first = _day(start) if start else today - timedelta(days=1)
    last = _day(end) if end else today
    if last < first:
        fail(f"--to {last} is before --from {first}", 2)
    streams = tuple(s for s, on in (("english", english), ("translation", translation)) if on)
    if not streams:
        fail("choose at least one stream (--english and/or --translation)", 2)
    gkg_filter = GkgFilter.of(
        countries=country or (),
        themes=theme or (),
        persons=person or (),
        orgs=org or (),
        domains=domain or (),
    )
    folder = cache or db.parent / "gdelt-cache"
    try:
        with writer_lock(db), Store(db) as store:
            plan = plan_fetch(store, first, last, gkg_filter, base_url=base_url, streams=streams)
            console.print(
                f"{len(plan.in_range)} GKG files from {first} to {last}; "
                f"{len(plan.todo)} to download, about {human_bytes(plan.download_bytes)}"
                + ("" if any(vars(gkg_filter).values()) else " (no filter: every row is kept)")
            )
            if plan.todo and not yes and not typer.confirm("Download them?", default=True):
                raise typer.Exit(0)
            with Progress(
                TextColumn("[bold]GKG files"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[detail]}"),
                TimeElapsedColumn(),
                console=console,
            ) as bar:
                task = bar.add_task("fetch", total=len(plan.todo), detail="")
                kept = {"rows": 0, "bytes": 0}

                def advance(result):  # type: ignore[no-untyped-def]
                    kept["rows"] += result.rows_kept
                    kept["bytes"] += result.remote.size if result.error is None else 0
                    bar.update(
                        task,
                        advance=1,
                        detail=f"{human_bytes(kept['bytes'])}, {kept['rows']} rows kept",
                    )

                summary = run_fetch(
                    store,
                    plan,
                    gkg_filter,
                    folder,
                    connections=connections,
                    keep_raw=keep_raw,
                    progress=advance,
                )
    except DatabaseBusy as error:
        fail(str(error), 3)
    except FetchError as error:
        fail(f"{error} (check --base-url and the network)", 1)
    failures = summary.failures
    values = {k: v for k, v in vars(summary).items() if k != "failures"}
    print_summary({"gdelt": values})
    for reason in failures:
        console.print(f"[yellow]skipped:[/] {reason}")
