"""The evidence table: the sentences behind a pair's counts, as escaped HTML.

Everything here comes from articles and is untrusted: text goes through `html.escape`, and a
link is written only for an http(s) URL (with rel="noopener noreferrer"), so nothing an
article contains can run script or navigate the report elsewhere.
"""

from __future__ import annotations

import html
from datetime import date
from urllib.parse import urlsplit

import polars as pl

from cooccur.report.charts import bucket_label

MAX_SENTENCE = 480  # characters shown of a long sentence, around the first mention


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) address, else None (javascript:, data:, …)."""
    if not url:
        return None
    url = url.strip()
    if any(ord(ch) < 32 or ch.isspace() for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def highlight(sentence: str, spans: list[dict[str, int]] | None) -> str:
    """Escaped sentence with the pair's mentions in <mark>, trimmed around them if long."""
    spans = sorted(
        (s["start"], s["end"]) for s in spans or [] if 0 <= s["start"] < s["end"] <= len(sentence)
    )
    begin, end = 0, len(sentence)
    if end > MAX_SENTENCE:
        begin = max(0, (spans[0][0] if spans else 0) - MAX_SENTENCE // 3)
        end = min(len(sentence), begin + MAX_SENTENCE)
    parts = ["… " if begin > 0 else ""]
    cursor = begin
    for start, stop in spans:
        if start < cursor or stop > end:
            continue
        parts.append(html.escape(sentence[cursor:start]))
        parts.append(f"<mark>{html.escape(sentence[start:stop])}</mark>")
        cursor = stop
    parts.append(html.escape(sentence[cursor:end]))
    parts.append(" …" if end < len(sentence) else "")
    return "".join(parts)


def bucket_anchor(start: date) -> str:
    return f"b-{start.isoformat()}"


def evidence_html(frame: pl.DataFrame, *, bucket: str, name_a: str, name_b: str) -> str:
    """One table per bucket, latest first, with an anchor the timeline's bars link to.

    Rows are grouped in one pass over the frame in plain Python (buckets, then articles,
    in order of first appearance): a Polars `group_by` per bucket and per article cost more
    than the rest of the page."""
    if frame.is_empty():
        return f"<p>No article names both {html.escape(name_a)} and {html.escape(name_b)}.</p>"
    buckets: dict[date, dict[object, list[dict[str, object]]]] = {}
    for row in frame.iter_rows(named=True):
        buckets.setdefault(row["bucket_start"], {}).setdefault(row["article_id"], []).append(row)
    out: list[str] = []
    for start, articles in buckets.items():
        total = next(iter(articles.values()))[0]["articles_in_bucket"]
        shown = len(articles)
        more = f" (showing the latest {shown})" if shown < total else ""  # type: ignore[operator]
        out.append(
            f'<h3 id="{bucket_anchor(start)}">{html.escape(bucket_label(start, bucket))}: '
            f"{total} {'article names' if total == 1 else 'articles name'} both{more}</h3>"
        )
        out.append(
            '<table class="evidence"><thead><tr><th>Date</th><th>Article</th>'
            "<th>Sentences naming them</th></tr></thead><tbody>"
        )
        for rows in articles.values():
            first = rows[0]
            title = html.escape(first["title"] or "(no title)")  # type: ignore[arg-type]
            url = safe_url(first["url"])  # type: ignore[arg-type]
            if url:
                title = (
                    f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer" '
                    f'target="_blank">{title}</a>'
                )
            source = first["external_id"]
            if source:
                title += f' <span class="source">{html.escape(str(source))}</span>'
            sentences = "".join(
                f"<p>{highlight(r['sentence'] or '', r['spans'])}</p>"  # type: ignore[arg-type]
                for r in rows
            )
            if not first["same_sentence"]:
                sentences += '<p class="source">(named in different sentences)</p>'
            out.append(
                f"<tr><td>{first['published_at']:%Y-%m-%d}</td><td>{title}</td>"
                f"<td>{sentences}</td></tr>"
            )
        out.append("</tbody></table>")
    return "\n".join(out)
