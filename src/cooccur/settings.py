"""Where things live: bundled SQL and examples, default paths, and the Prefect environment.

One place resolves paths so the package works both from a checkout and from an installed
wheel (where `sql/` and `examples/` are copied inside the package).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    inside = PACKAGE_DIR / name  # installed wheel
    return inside if inside.is_dir() else PACKAGE_DIR.parents[1] / name  # checkout


SQL_DIR = _bundled("sql")
EXAMPLES_DIR = _bundled("examples")
DATA_DIR = PACKAGE_DIR / "data"

DEFAULT_DB = Path(os.environ.get("COOCCUR_DB", "data/cooccur.duckdb"))
DEFAULT_REPORTS = Path(os.environ.get("COOCCUR_REPORTS", "reports"))


def load_sql(name: str) -> str:
    """Text of `sql/<name>.sql`; names may include a sub-folder (`views/top_pairs`)."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path}")
    return path.read_text(encoding="utf-8")


def configure_prefect(db: Path) -> None:
    """Keep Prefect's state beside the database (not in ~) and quiet, unless the user chose.

    Must run before `prefect` is imported: Prefect reads its settings at import time.
    """
    if "PREFECT_HOME" not in os.environ:
        home = (db.parent / ".prefect").resolve()
        home.mkdir(parents=True, exist_ok=True)  # Prefect cannot start without it
        os.environ["PREFECT_HOME"] = str(home)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
