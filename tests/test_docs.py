"""The README cannot drift from the code: every command and table is documented."""

from __future__ import annotations

import re

from conftest import REPO
from typer.main import get_command

from cooccur.cli import app


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in get_command(app).commands:  # type: ignore[attr-defined]
        assert f"cooccur {name}" in readme, f"`cooccur {name}` is not documented"


def test_every_table_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    schema = "".join(p.read_text("utf-8") for p in (REPO / "sql" / "schema").glob("*.sql"))
    tables = re.findall(r"create table if not exists (\w+)", schema)
    tables += ["entity_frequency", "cooccurrence"]
    for table in tables:
        assert f"`{table}`" in readme, f"table `{table}` is not documented"
