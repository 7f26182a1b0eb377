"""Fetch a date range of GDELT GKG 2.1 files and keep only the rows that matter.

GDELT publishes a GKG file every 15 minutes, listed with its size and MD5 in a master file
list (one for English sources, one for translated ones). A fetch picks the files in the
range, downloads a few at a time with retries, verifies size and MD5, streams each zip
through a row filter, and hands the kept rows on as a plain `.gkg.csv` file. Files already
fetched with the same filter are recorded in `gdelt_files` and never downloaded again.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httpx

DEFAULT_BASE_URL = "http://data.gdeltproject.org/gdeltv2/"
MASTER_LISTS = {"english": "masterfilelist.txt", "translation": "masterfilelist-translation.txt"}
_GKG_NAME = re.compile(r"(\d{14})\.(?:translation\.)?gkg\.csv\.zip$")

# GKG 2.1 columns used by the filter (0-based; GDELT GKG 2.1 codebook)
SOURCE_COMMON_NAME, V1_THEMES, V2_THEMES, V1_LOCATIONS = 3, 7, 8, 9
V1_PERSONS, V1_ORGANIZATIONS = 11, 13
GKG_COLUMNS = 27


class FetchError(RuntimeError):
    """A remote file could not be fetched or failed verification."""


@dataclass(frozen=True)
class RemoteFile:
    url: str
    name: str
    size: int
    md5: str
    timestamp: datetime
    stream: str


def parse_master_list(text: str, *, base_url: str, stream: str) -> list[RemoteFile]:
    """The GKG files of a master list (`size md5 url` per line), addressed under `base_url`.

    URLs are rebuilt from the file name under `base_url`, so a mirror serves the same list.
    """
    files = []
    base = base_url.rstrip("/") + "/"
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        size, md5, url = parts
        name = url.rsplit("/", 1)[-1]
        match = _GKG_NAME.search(name)
        if match is None or not size.isdigit():
            continue
        stamp = datetime.strptime(match.group(1), "%Y%m%d%H%M%S")
        files.append(RemoteFile(base + name, name, int(size), md5.lower(), stamp, stream))
    return files


def select_range(files: Iterable[RemoteFile], start: date, end: date) -> list[RemoteFile]:
    """Files stamped on days `start` … `end` inclusive, oldest first."""
    chosen = (f for f in files if start <= f.timestamp.date() <= end)
    return sorted(chosen, key=lambda f: (f.timestamp, f.name))


@dataclass(frozen=True)
class GkgFilter:
    """Keep a row if it matches every given group (any value within a group).

    countries: FIPS 10-4 codes as GKG writes them (Italy IT, Turkey TU); themes: GKG theme
    names, also inside compound themes (`MILITARY` keeps `TAX_MILITARY_TITLE`);
    persons/orgs: exact names, case-insensitive; domains: source domain or its parents.
    """

    countries: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    persons: frozenset[str] = frozenset()
    orgs: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()

    @classmethod
    def of(cls, **groups: Iterable[str]) -> GkgFilter:
        cleaned = {
            "countries": {c.upper() for c in groups.get("countries", ())},
            "themes": {t.upper() for t in groups.get("themes", ())},
            "persons": {p.lower() for p in groups.get("persons", ())},
            "orgs": {o.lower() for o in groups.get("orgs", ())},
            "domains": {d.lower().lstrip(".") for d in groups.get("domains", ())},
        }
        return cls(**{k: frozenset(v) for k, v in cleaned.items()})

    @property
    def key(self) -> str:
        """Identifies the filter, so a new filter re-reads files fetched under another."""
        groups = ("countries", "themes", "persons", "orgs", "domains")
        parts = [sorted(getattr(self, group)) for group in groups]
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]

    def matches(self, fields: list[str]) -> bool:
        if self.countries:
            locations = fields[V1_LOCATIONS].split(";")
            codes = {loc.split("#")[2] for loc in locations if loc.count("#") >= 2}
            if not codes & self.countries:
                return False
        if self.themes:
            themes = {t for t in fields[V1_THEMES].split(";") if t}
            themes |= {t.split(",")[0] for t in fields[V2_THEMES].split(";") if t}
            if not any(_has_theme(t, wanted) for t in themes for wanted in self.themes):
                return False
        if self.persons and not {p.lower() for p in fields[V1_PERSONS].split(";")} & self.persons:
            return False
        if self.orgs and not {o.lower() for o in fields[V1_ORGANIZATIONS].split(";")} & self.orgs:
            return False
        if self.domains:
            domain = fields[SOURCE_COMMON_NAME].lower()
            if not any(domain == d or domain.endswith("." + d) for d in self.domains):
                return False
        return True


def _has_theme(theme: str, wanted: str) -> bool:
    """`MILITARY` is in MILITARY, MILITARY_COOPERATION and TAX_MILITARY_TITLE."""
    return f"_{wanted}_" in f"_{theme}_"


def fetch_master_lists(
    client: httpx.Client, base_url: str, streams: Iterable[str]
) -> list[RemoteFile]:
    files = []
    for stream in streams:
        url = base_url.rstrip("/") + "/" + MASTER_LISTS[stream]
        response = _get_with_retries(client, url)
        files += parse_master_list(response.text, base_url=base_url, stream=stream)
    return files


def _get_with_retries(client: httpx.Client, url: str, *, retries: int = 3) -> httpx.Response:
    for attempt in range(retries + 1):
        try:
            response = client.get(url)
        except httpx.TransportError as error:
            if attempt == retries:
                raise FetchError(f"{url}: {error}") from error
        else:
            if response.status_code == 200:
                return response
            if response.status_code < 500 or attempt == retries:
                raise FetchError(f"{url}: HTTP {response.status_code}")
        time.sleep(min(2**attempt, 30) * 0.5)
    raise AssertionError("unreachable")


def download(client: httpx.Client, remote: RemoteFile, folder: Path, *, retries: int = 3) -> Path:
    """Download `remote` into `folder`, verified against the master list's size and MD5."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / remote.name
    partial = target.with_suffix(".part")
    for attempt in range(retries + 1):
        try:
            digest, size = hashlib.md5(usedforsecurity=False), 0
            with client.stream("GET", remote.url) as response:
                if response.status_code != 200:
                    if response.status_code < 500 or attempt == retries:
                        raise FetchError(f"{remote.url}: HTTP {response.status_code}")
                    raise httpx.TransportError(f"HTTP {response.status_code}")
                with partial.open("wb") as out:
                    for chunk in response.iter_bytes(1 << 20):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
        except httpx.TransportError as error:
            if attempt == retries:
                raise FetchError(f"{remote.url}: {error}") from error
            time.sleep(min(2**attempt, 30) * 0.5)
            continue
        if size != remote.size or digest.hexdigest() != remote.md5:
            partial.unlink(missing_ok=True)
            raise FetchError(
                f"{remote.name}: got {size} bytes with MD5 {digest.hexdigest()}, the master list "
                f"says {remote.size} bytes with MD5 {remote.md5}; not ingested"
            )
        partial.replace(target)
        return target
    raise AssertionError("unreachable")


def filter_zip(source: Path, gkg_filter: GkgFilter, target: Path) -> tuple[int, int]:
    """Stream the GKG rows of a zip through the filter into `target`; (rows read, rows kept)."""
    read = kept = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        with zipfile.ZipFile(source) as archive, partial.open("w", encoding="utf-8") as out:
            for member in archive.infolist():
                with archive.open(member) as raw:
                    text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="\n")
                    for line in text:
                        fields = line.rstrip("\r\n").split("\t")
                        if len(fields) < GKG_COLUMNS:
                            continue
                        read += 1
                        if gkg_filter.matches(fields):
                            kept += 1
                            out.write(line if line.endswith("\n") else line + "\n")
    except (zipfile.BadZipFile, EOFError) as error:
        partial.unlink(missing_ok=True)
        raise FetchError(f"{source.name}: not a readable zip ({error})") from error
    partial.replace(target)
    return read, kept


@dataclass
class FetchSummary:
    files_listed: int = 0
    files_already_fetched: int = 0
    files_fetched: int = 0
    files_failed: int = 0
    bytes_downloaded: int = 0
    rows_read: int = 0
    rows_kept: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Fetched:
    """One remote file done: where its kept rows are, or why it failed."""

    remote: RemoteFile
    kept_path: Path | None
    rows_read: int = 0
    rows_kept: int = 0
    error: str | None = None


def fetch_files(
    files: list[RemoteFile],
    gkg_filter: GkgFilter,
    folder: Path,
    *,
    connections: int = 4,
    keep_raw: bool = False,
    client: httpx.Client | None = None,
) -> Iterator[Fetched]:
    """Download (a few at once), verify and filter each file; yields results as they finish.

    The caller ingests each result before asking for the next one, so at most
    `connections` raw files are on disk and one is being read at a time.
    """
    own_client = client is None
    client = client or httpx.Client(timeout=httpx.Timeout(60.0), follow_redirects=True)

    def work(remote: RemoteFile) -> Fetched:
        try:
            raw = download(client, remote, folder / "raw")
            try:
                kept_name = remote.name.removesuffix(".zip")
                read, kept = filter_zip(raw, gkg_filter, folder / "kept" / kept_name)
            finally:
                if not keep_raw:
                    raw.unlink(missing_ok=True)
            return Fetched(remote, folder / "kept" / kept_name, read, kept)
        except FetchError as error:
            return Fetched(remote, None, error=str(error))

    try:
        with ThreadPoolExecutor(max_workers=max(1, connections)) as pool:
            futures = [pool.submit(work, remote) for remote in files]
            for future in as_completed(futures):
                yield future.result()
    finally:
        if own_client:
            client.close()


def estimate_bytes(files: Iterable[RemoteFile]) -> int:
    return sum(f.size for f in files)


def human_bytes(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{int(size)} B"
        size /= 1024
    return f"{size:.1f} TB"


ProgressCallback = Callable[[Fetched], None]
