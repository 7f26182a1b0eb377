"""Deterministic benchmark corpora, generated on the fly into `benchmarks/out/` (git-ignored).

- Scaled news corpus: real Reuters sentences reshuffled into new articles (a real dateline
  lead sentence, then body sentences drawn from the whole dev set, grouped into wire-style
  paragraphs, ending `Reuter`), a real title, a new id and a date spread uniformly over
  2019-2024. Written as JSON Lines in parts of `PART_SIZE` articles; a corpus of N
  articles is the first N / PART_SIZE parts, so the 100k corpus is a prefix of the 1M one.
  Each part has its own random stream (seed, part), so a part is the same whatever N is.
- Extra batches (`extra-<k>.jsonl`, 1,000 articles each) from separate streams, for the
  incremental benchmark.
- Synthetic mentions table: `n_docs` × 20 entity draws with Zipf-like popularity over
  `n_entities` entities (duplicates within a document kept, as a real mentions table has),
  stored as Parquet with int32 `doc_id`, `entity_id`.

Nothing here is committed: the Reuters set must not enter the repository.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

REUTERS = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "reuters21578"
    / "articles"
    / "reuters-dev.jsonl"
)
PART_SIZE = 10_000
EXTRA_SIZE = 1_000
SEED = 20_250_408
GENERATOR_VERSION = "1"  # bump when the output of this module changes
_EPOCH = datetime(2019, 1, 1)
_SPAN_SECONDS = int((datetime(2025, 1, 1) - _EPOCH).total_seconds())
_PARAGRAPH = re.compile(r"\n {2,}")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"(])")


def reuters_path() -> Path:
    if not REUTERS.exists():
        raise FileNotFoundError(f"Reuters dev set missing: {REUTERS} (../shared beside the repo)")
    return REUTERS


@dataclass
class SentencePool:
    """Everything the generator draws from, taken once from the Reuters dev set."""

    titles: list[str]
    leads: list[str]  # first sentence of an article: carries the dateline
    body: list[str]  # other sentences, unique, no sign-off
    lengths: np.ndarray  # body sentences per source article (>= 2)


def load_pool(path: Path | None = None) -> SentencePool:
    import numpy as np

    titles, leads, lengths = [], [], []
    body: dict[str, None] = {}
    with (path or reuters_path()).open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            title, text = (record.get("title") or "").strip(), (record.get("text") or "").strip()
            if title:
                titles.append(title)
            if not text:
                continue
            sentences = [
                s.strip()
                for para in _PARAGRAPH.split(text)
                for s in _SENTENCE.split(para)
                if s.strip()
            ]
            sentences = [s for s in sentences if s.lower() not in ("reuter", "reuters")]
            if not sentences:
                continue
            leads.append(sentences[0])
            rest = [s for s in sentences[1:] if len(s) >= 25]
            lengths.append(max(len(rest), 2))
            body.update(dict.fromkeys(rest))
    return SentencePool(titles, leads, list(body), np.array(lengths, dtype=np.int64))


def _articles(
    pool: SentencePool, stream: int, count: int, id_prefix: str, *, last_days: int = 0
) -> list[str]:
    """`count` JSON lines from random stream `stream` (same inputs, same bytes); dated over
    the whole span, or over its `last_days` days (the news a scheduled run adds)."""
    import numpy as np

    rng = np.random.default_rng([SEED, stream])
    n_body = pool.lengths[rng.integers(0, len(pool.lengths), count)]
    leads = rng.integers(0, len(pool.leads), count)
    titles = rng.integers(0, len(pool.titles), count)
    first = _SPAN_SECONDS - last_days * 86_400 if last_days else 0
    seconds = np.sort(rng.integers(first, _SPAN_SECONDS, count))
    body = rng.integers(0, len(pool.body), int(n_body.sum()))
    breaks = rng.random(int(n_body.sum())) < 0.45  # new paragraph before this sentence
    lines, cursor = [], 0
    for i in range(count):
        k = int(n_body[i])
        parts = [pool.leads[leads[i]]]
        for j in range(cursor, cursor + k):
            parts.append("\n    " if breaks[j] else " ")
            parts.append(pool.body[body[j]])
        cursor += k
        parts.append("\n Reuter")
        date = _EPOCH + timedelta(seconds=int(seconds[i]))
        record = {
            "id": f"{id_prefix}-{i}",
            "date": date.isoformat(),
            "title": pool.titles[titles[i]],
            "text": "".join(parts),
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def _write(path: Path, lines: list[str]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


def scaled_corpus(out: Path, n_articles: int, *, pool: SentencePool | None = None) -> Path:
    """Folder of hard links to the first n_articles / PART_SIZE parts; parts made if missing."""
    if n_articles % PART_SIZE:
        raise ValueError(f"n_articles must be a multiple of {PART_SIZE}")
    parts_dir = out / "corpus" / f"parts-v{GENERATOR_VERSION}"
    parts_dir.mkdir(parents=True, exist_ok=True)
    folder = out / "corpus" / f"scaled-{n_articles}"
    folder.mkdir(parents=True, exist_ok=True)
    for part in range(n_articles // PART_SIZE):
        target = parts_dir / f"part-{part:05d}.jsonl"
        if not target.exists():
            pool = pool or load_pool()
            _write(target, _articles(pool, part, PART_SIZE, f"scaled-{part:05d}"))
        link = folder / target.name
        if link.is_symlink():  # older harness: ingest refuses links leaving the folder
            link.unlink()
        if not link.exists():
            os.link(target, link)  # a hard link: the same file, inside the folder
    return folder


def extra_batch(out: Path, k: int, *, pool: SentencePool | None = None, last_days: int = 0) -> Path:
    """The k-th batch of 1,000 new articles (streams far from the corpus parts), dated over
    the whole span or, with `last_days`, over the span's last days."""
    folder = out / "corpus" / f"extra-v{GENERATOR_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"recent-{k:03d}" if last_days else f"extra-{k:03d}"
    target = folder / f"{name}.jsonl"
    if not target.exists():
        stream = (2_000_000 if last_days else 1_000_000) + k  # recent ones are new texts
        lines = _articles(pool or load_pool(), stream, EXTRA_SIZE, name, last_days=last_days)
        _write(target, lines)
    return target


def synthetic_mentions(
    out: Path, n_docs: int, *, per_doc: int = 20, n_entities: int = 100_000, zipf: float = 1.05
) -> Path:
    """Parquet mentions table (doc_id, entity_id): per_doc draws per document, Zipf-skewed."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = f"mentions-v{GENERATOR_VERSION}-{n_docs}x{per_doc}-e{n_entities}-z{zipf}.parquet"
    target = out / "mentions" / name
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([SEED, 7])
    weights = 1.0 / np.arange(1, n_entities + 1, dtype=np.float64) ** zipf
    cdf = np.cumsum(weights / weights.sum())
    draws = np.searchsorted(cdf, rng.random(n_docs * per_doc), side="right")
    entity = rng.permutation(n_entities).astype(np.int32)[np.minimum(draws, n_entities - 1)]
    doc = np.repeat(np.arange(n_docs, dtype=np.int32), per_doc)
    table = pa.table({"doc_id": doc, "entity_id": entity})
    tmp = target.with_suffix(".tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(target)
    return target
