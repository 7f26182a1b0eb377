"""What each run publishes in Prefect: a markdown summary and a table of top pairs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE

from cooccur import runs
from cooccur.store import Store

TOP_PAIRS = 10


def _cell(value: object) -> str:
    """Text safe inside a markdown table cell (names come from articles)."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", " ")


def summary_markdown(run_id: str, result: dict[str, Any], this_run: list[dict[str, Any]]) -> str:
    ingest = result.get("ingest", {})
    tag = result.get("tag", {})
    counted = result.get("cooccur", {})
    pages = result.get("report", [])
    lines = [
        f"# cooccur run `{run_id}`",
        "",
        "| | |",
        "|---|---|",
        f"| articles new | {ingest.get('articles_new', 0)} |",
        f"| articles skipped (already stored) | {ingest.get('duplicates', 0)} |",
        f"| records quarantined | {ingest.get('quarantined', 0)} |",
        f"| files read / unchanged | {ingest.get('files_read', 0)} / "
        f"{ingest.get('files_unchanged', 0)} |",
        f"| articles tagged | {tag.get('articles_tagged', 0)} |",
        f"| mentions | {tag.get('mentions', 0)} |",
        f"| pair rows | {counted.get('cooccurrence_rows', 0)} |",
        "",
        "## Top pairs in this run's new articles",
        "",
    ]
    if this_run:
        lines += ["| entity | entity | articles |", "|---|---|---|"]
        lines += [
            f"| {_cell(r['name_a'])} | {_cell(r['name_b'])} | {r['articles']} |" for r in this_run
        ]
    else:
        lines.append("No pairs: this run added no articles naming two entities.")
    if pages:
        lines += ["", f"Report: [{pages[0]}]({Path(pages[0]).resolve().as_uri()})"]
    return "\n".join(lines)


@task(cache_policy=NONE)
def publish_summary(db: str, run_id: str, since: datetime, result: dict[str, Any]) -> None:
    """A markdown artifact of the run and a table artifact of its top pairs."""
    with Store(db, read_only=True) as store:
        this_run = runs.top_pairs_since(store, since, TOP_PAIRS).to_dicts()
    create_markdown_artifact(
        key="cooccur-run-summary",
        markdown=summary_markdown(run_id, result, this_run),
        description=f"What run {run_id} added to {db}",
    )
    create_table_artifact(
        key="cooccur-top-pairs",
        table=this_run or [{"name_a": None, "name_b": None, "articles": 0}],
        description="Entity pairs named together in the most of this run's new articles",
    )
    get_run_logger().info("summary: %s", {k: v for k, v in result.items() if k != "report"})
