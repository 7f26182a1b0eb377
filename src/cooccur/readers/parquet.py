"""Parquet files: rows streamed in record batches, columns mapped like CSV's.

A batch whose fields are all strings (dates strings or timestamps) and whose rows all
become articles is handed on column-wise as an `ArticleBlock`; any other batch is read
row by row.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from cooccur.readers.base import Input, Item, ReadError, ReadOptions, resolve_columns
from cooccur.readers.columnar import arrow_block
from cooccur.readers.records import record_item

BATCH_ROWS = 2048


def _seekable(stream: IO[bytes]) -> IO[bytes]:
    """Parquet's footer is at the end: a stream that cannot seek (gzip) is spooled first."""
    if stream.seekable():
        return stream
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
    shutil.copyfileobj(stream, spool, 1024 * 1024)
    spool.seek(0)
    return spool


def read_parquet(source: Input, options: ReadOptions) -> Iterator[Item]:
    """One article per row; `text`, `title`, `date`, `url`, `id` columns or `--map`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with source.open() as raw, _seekable(raw) as stream:
        try:
            parquet = pq.ParquetFile(stream)
        except (pa.ArrowException, OSError, ValueError) as error:
            raise ReadError("unreadable_file", f"not a readable Parquet file: {error}") from None
        names = parquet.schema_arrow.names
        columns = resolve_columns(names, options.mapping)
        missing = [c for c in options.mapping.values() if c not in names]
        if missing or (columns["text"] is None and columns["title"] is None):
            raise ReadError(
                "no_text",
                f"Parquet columns {names[:20]} have no column {missing or 'text/title'}; "
                "name one with --map text=COLUMN",
            )
        wanted = sorted({c for c in columns.values() if c is not None})
        line = 0
        try:
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
                block = arrow_block(batch, columns, line + 1) if options.columnar else None
                if block is not None:  # every row an article: read column-wise
                    line += batch.num_rows
                    yield block
                    continue
                for row in batch.to_pylist():
                    line += 1

                    def get(name: str | None, row: dict[str, Any] = row) -> Any:
                        return None if name is None else row.get(name)

                    yield record_item(get, columns, line=line)
        except (pa.ArrowException, OSError, ValueError) as error:
            raise ReadError(
                "unreadable_file", f"Parquet file unreadable after row {line}: {error}"
            ) from None
