"""Download article files named by URL, so the flow can retry network reads on their own.

Only network failures are worth a retry (refused or reset connections, time-outs, HTTP 5xx
and 429); a 404 or a malformed URL fails at once with the URL in the message.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
from pathlib import Path
from urllib.parse import urlparse

from cooccur.readers import is_url, read_url, supported

TIMEOUT_SECONDS = 60


def is_file_url(source: str) -> bool:
    """A URL of one article file (a suffix a reader knows), as opposed to a feed or page."""
    return is_url(source) and supported(Path(urlparse(source).path).name)


def is_network_error(error: BaseException) -> bool:
    """True for failures a later attempt may not meet (the server or the network)."""
    if isinstance(error, urllib.error.HTTPError):
        return error.code >= 500 or error.code in {408, 429}
    return isinstance(
        error,
        urllib.error.URLError | http.client.HTTPException | ConnectionError | TimeoutError,
    )


def download(url: str, folder: Path) -> Path:
    """Fetch `url` into `folder` under a stable name (same URL, same file); returns it.

    The file is replaced only when the content changed, so ingest skips it as unchanged.
    """
    suffix = Path(urlparse(url).path).suffix.lower()
    name = hashlib.sha256(url.encode()).hexdigest()[:16] + suffix
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    data, _ = read_url(url, timeout=TIMEOUT_SECONDS)
    if target.exists() and target.read_bytes() == data:
        return target
    tmp = folder / f".{name}.{os.getpid()}"
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target
