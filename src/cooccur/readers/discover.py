"""Which files a run reads: named files as given, folders walked with include/exclude globs.

Symbolic links inside a walked folder are never followed: one that points inside the
folder is skipped (its target is read where it lives), one that points outside it, in a
loop, or nowhere, is quarantined with that reason. Hidden files and folders are skipped.

Globs: a pattern without `/` matches a file name at any depth (`*.txt`); a pattern with
`/` matches the path relative to the folder given (`drafts/**`, `2024/*/*.jsonl`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from cooccur.readers.base import Reject


@dataclass(frozen=True)
class Found:
    """A file to consider (`path` absolute, symlinks in it kept as named)."""

    path: str


@dataclass(frozen=True)
class Refused:
    """A path that is not read, with the reject to quarantine under its name."""

    path: str
    reject: Reject


def matches(relative: str, patterns: Sequence[str]) -> bool:
    name = relative.rstrip("/").rsplit("/", 1)[-1]
    for pattern in patterns:
        pattern = pattern.strip()
        if "/" not in pattern.rstrip("/"):
            if fnmatchcase(name, pattern.rstrip("/")):
                return True
        elif fnmatchcase(relative, pattern) or (
            pattern.startswith("**/") and fnmatchcase(relative, pattern[3:])
        ):
            return True
    return False


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _symlink(link: Path, root: Path) -> Refused | None:
    """None for a link to skip silently; else why it is refused."""
    text = str(link)
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return Refused(text, Reject("broken_symlink", f"symlink to nothing: {os.readlink(link)}"))
    except (RuntimeError, OSError) as error:  # ELOOP
        return Refused(text, Reject("symlink_loop", f"symlink loop: {error}"))
    if not _inside(target, root):
        detail = f"symlink to {target}, outside the input folder {root}: not followed"
        return Refused(text, Reject("symlink_outside_root", detail))
    if target.is_dir() and _inside(link.parent.resolve(), target):
        return Refused(text, Reject("symlink_loop", f"symlink to its own ancestor {target}"))
    return None


def walk(
    root: Path, include: Sequence[str], exclude: Sequence[str], supported: Callable[[str], bool]
) -> Iterator[Found | Refused]:
    """Files under `root` in a stable (sorted, depth-first) order."""
    real_root = root.resolve()
    top = os.path.abspath(root)
    stack = [(top, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as error:
            yield Refused(folder, Reject("unreadable_file", f"cannot list folder: {error}"))
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            relative = prefix + name
            if entry.is_symlink():
                if not matches(relative, exclude) and (
                    refused := _symlink(Path(entry.path), real_root)
                ):
                    yield refused
                continue
            if entry.is_dir(follow_symlinks=False):
                if not matches(relative + "/", exclude):
                    subfolders.append((entry.path, relative + "/"))
                continue
            if matches(relative, exclude) or (include and not matches(relative, include)):
                continue
            if supported(name):
                yield Found(entry.path)
        stack.extend(reversed(subfolders))


def discover(
    paths: Iterable[Path | str],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    supported: Callable[[str], bool],
) -> Iterator[Found | Refused]:
    """Every input under `paths`: a named file is read whatever its name; folders are
    walked. A missing path raises FileNotFoundError before anything is read."""
    given = [Path(p) for p in paths]
    missing = [str(p) for p in given if not p.exists() and not p.is_symlink()]
    if missing:
        raise FileNotFoundError(f"input not found: {', '.join(missing)}")
    for path in given:
        if path.is_dir():
            yield from walk(path, include, exclude, supported)
        elif path.exists():
            yield Found(str(path.absolute()))
        else:
            yield Refused(str(path.absolute()), Reject("broken_symlink", "symlink to nothing"))
