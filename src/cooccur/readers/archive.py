"""Archives: `.zip` members and `.gz` contents are read as if they were files.

Expansion is capped (`max_archive_bytes` for all members together, `max_file_bytes` for
each), so a zip bomb stops at the cap; a truncated or corrupt archive, or member, is
quarantined with what was read before the damage kept. Archives inside archives are not
opened (quarantined as `nested_archive`).
"""

from __future__ import annotations

import calendar
import gzip
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import IO

from cooccur.readers.base import MIB, CountingStream, Input, ReadError, ReadOptions, Reject

ARCHIVE_SUFFIXES = (".zip", ".gz", ".gzip")


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def _counted(opener: Callable[[], IO[bytes]], budget: list[int], what: str) -> IO[bytes]:
    return io.BufferedReader(CountingStream(opener(), budget, what), buffer_size=256 * 1024)


def zip_members(
    source: Input, options: ReadOptions, supported: Callable[[str], bool]
) -> Iterator[Input | tuple[str, Reject]]:
    """Each readable member as an Input named `archive.zip!member`, or (path, why not)."""
    handle = source.open()
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        handle.close()
        raise ReadError("corrupt_archive", f"corrupt or truncated zip archive: {error}") from None
    budget = [options.max_archive_bytes]
    declared = 0
    readable = 0
    with handle, archive:
        for info in archive.infolist():
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            path = f"{source.path}!{info.filename}"
            name = PurePosixPath(info.filename).name
            if is_archive(name):
                readable += 1
                yield path, Reject("nested_archive", "archives inside archives are not read")
                continue
            if not supported(name):
                continue
            readable += 1
            declared += info.file_size
            if info.file_size > options.max_file_bytes:
                yield (
                    path,
                    Reject(
                        "file_too_large",
                        f"expands to {info.file_size} bytes, over the "
                        f"{options.max_file_bytes // MIB} MiB file limit",
                    ),
                )
                continue
            if declared > options.max_archive_bytes:
                yield (
                    path,
                    Reject(
                        "archive_too_large",
                        f"archive expands past {options.max_archive_bytes // MIB} MiB (zip bomb?)",
                    ),
                )
                continue

            def opener(info: zipfile.ZipInfo = info, path: str = path) -> IO[bytes]:
                return _counted(lambda: archive.open(info), budget, path)

            mtime = calendar.timegm((*info.date_time, 0, 0, -1))
            yield Input(path=path, name=name, size=info.file_size, mtime=mtime, opener=opener)
    if readable == 0:
        yield source.path, Reject("unsupported_type", "no member of a supported type")


def gzip_member(source: Input, options: ReadOptions) -> Input:
    """The content of `x.jsonl.gz` as the input `x.jsonl.gz!x.jsonl`."""
    inner = source.name[: source.name.lower().rfind(".gz")] or "content"
    budget = [min(options.max_file_bytes, options.max_archive_bytes)]

    def opener() -> IO[bytes]:
        return _counted(lambda: gzip.GzipFile(fileobj=source.open()), budget, source.path)

    return Input(
        path=f"{source.path}!{inner}", name=inner, size=None, mtime=source.mtime, opener=opener
    )


ARCHIVE_ERRORS = (zipfile.BadZipFile, gzip.BadGzipFile, EOFError, zlib.error)
