"""JSON Lines (one object a line) and JSON files (an array of objects, or one object).

JSON Lines is read line by line and one bad line quarantines only itself. A JSON array is
streamed element by element with `raw_decode`, so a large array never sits in memory
whole; a malformed element ends the array there (the rest cannot be delimited reliably).

JSON Lines in UTF-8 is parsed a block of lines at a time by Polars (`columnar.py`), when
every line of the block would become an article; any other block is read line by line
with `json.loads`, so rejects and odd values come out exactly as before.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from cooccur.readers.base import (
    MIB,
    Input,
    Item,
    ReadError,
    ReadOptions,
    Reject,
    iter_byte_lines,
    read_limited,
)
from cooccur.readers.columnar import BLOCK_BYTES, BLOCK_LINES, MIN_BLOCK_LINES, columnar_block
from cooccur.readers.encoding import decode_document, decode_line, sniff_input, text_lines
from cooccur.readers.records import ObjectMapper

_DECODER = json.JSONDecoder()
_WRAPPERS = ("articles", "items", "data", "results", "entries", "records", "documents")


def read_jsonl(source: Input, options: ReadOptions) -> Iterator[Item]:
    """One JSON object per line with `text` (or at least `title`) and optional id, date, url."""
    codec = sniff_input(source)
    mapper = ObjectMapper(options.mapping)
    columnar = (
        options.columnar
        and codec in ("utf-8", "utf-8-sig")
        and not any("." in name for name in options.mapping.values())
    )
    with source.open() as stream:
        if columnar:
            yield from _read_blocks(stream, codec, mapper, options)
            return
        for number, offset, line, raw in text_lines(stream, codec, options.max_record_bytes):
            if line is None:
                yield _too_large(number, offset, options)
                continue
            if not line.strip():
                continue
            yield _parse_line(line, number, offset, raw, mapper)


def _too_large(number: int, offset: int | None, options: ReadOptions) -> Reject:
    return Reject(
        "record_too_large",
        f"line over the {options.max_record_bytes // MIB} MiB record limit",
        number,
        offset,
    )


def _read_blocks(
    stream: io.BufferedIOBase, codec: str, mapper: ObjectMapper, options: ReadOptions
) -> Iterator[Item]:
    """`read_jsonl` over a byte-line codec, a block of lines at a time.

    Lines are split exactly as `text_lines` splits them (the same limit, the same BOM
    handling); a block that `columnar_block` declines is read line by line as before.
    """
    block: list[tuple[int, int, bytes]] = []
    size = 0
    first = True
    lines = iter_byte_lines(stream, options.max_record_bytes)
    while True:
        try:
            number, offset, raw = next(lines)
        except StopIteration:
            break
        except Exception:  # a damaged stream: the lines before the damage still count
            yield from _block_items(block, codec, mapper, options)
            raise
        if raw is None:
            yield from _block_items(block, codec, mapper, options)
            block, size = [], 0
            yield _too_large(number, offset, options)
            continue
        if first:
            raw = raw.removeprefix(codecs.BOM_UTF8)
            first = False
        block.append((number, offset, raw))
        size += len(raw)
        if len(block) >= BLOCK_LINES or size >= BLOCK_BYTES:
            yield from _block_items(block, codec, mapper, options)
            block, size = [], 0
    yield from _block_items(block, codec, mapper, options)


def _block_items(
    block: list[tuple[int, int, bytes]], codec: str, mapper: ObjectMapper, options: ReadOptions
) -> Iterator[Item]:
    if not block:
        return
    fast = columnar_block(block, options.mapping)
    if fast is not None:
        yield fast
        return
    if len(block) > MIN_BLOCK_LINES:  # one odd line: read only its part line by line
        half = len(block) // 2
        yield from _block_items(block[:half], codec, mapper, options)
        yield from _block_items(block[half:], codec, mapper, options)
        return
    for number, offset, raw in block:
        line = decode_line(raw, codec)
        if line.strip():
            yield _parse_line(line, number, offset, raw, mapper)


def _parse_line(
    line: str, number: int, offset: int | None, raw: bytes | None, mapper: ObjectMapper
) -> Item:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Reject("malformed_json", f"malformed JSON: {error}", number, offset, raw or line)
    except RecursionError:
        return Reject("malformed_json", "malformed JSON: nested too deeply", number, offset, raw)
    if not isinstance(record, dict):
        kind = type(record).__name__
        return Reject("not_an_object", f"a JSON {kind}, not an object", number, offset, raw or line)
    return mapper.item(record, line=number, offset=offset, raw=raw or line)


def read_json(source: Input, options: ReadOptions) -> Iterator[Item]:
    """A JSON array of article objects (streamed), one object, or JSON Lines named .json."""
    codec = sniff_input(source)
    with source.open() as stream:
        text = io.TextIOWrapper(stream, encoding=codec, errors="replace", newline="")
        head = text.read(4096).lstrip("\ufeff \t\r\n")
        if head.startswith("["):
            yield from _stream_array(head, text, ObjectMapper(options.mapping), options)
            return
    yield from _read_document(source, options)


def _read_document(source: Input, options: ReadOptions) -> Iterator[Item]:
    with source.open() as stream:
        data = read_limited(stream, options.max_record_bytes)
    if data is None:  # too big to be one object: it can only be JSON Lines
        yield from read_jsonl(source, options)
        return
    content = decode_document(data)
    try:
        record: Any = json.loads(content)
    except json.JSONDecodeError:
        yield from read_jsonl(source, options)  # several lines of JSON named .json
        return
    except RecursionError:
        raise ReadError("malformed_json", "malformed JSON: nested too deeply", raw=data) from None
    mapper = ObjectMapper(options.mapping)
    if isinstance(record, dict):
        inner = _wrapped_list(record, options.mapping)
        if inner is None:
            yield mapper.item(record, line=1, raw=data)
            return
        record = inner
    if not isinstance(record, list):
        raise ReadError("not_an_object", "JSON file holds neither objects nor an array")
    for index, element in enumerate(record, start=1):
        yield _element_item(element, index, mapper)


def _wrapped_list(record: Mapping[str, Any], mapping: Mapping[str, str]) -> list[Any] | None:
    """`{"status": "ok", "articles": [...]}` (API dumps): the list of articles inside."""
    if any(k in record for k in ("text", "title", mapping.get("text", "text"))):
        return None
    for key in _WRAPPERS:
        value = record.get(key)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return value
    return None


def _element_item(element: Any, index: int, mapper: ObjectMapper) -> Item:
    if not isinstance(element, dict):
        kind = type(element).__name__
        return Reject(
            "not_an_object",
            f"array element {index} is a JSON {kind}, not an object",
            line=index,
            raw=json.dumps(element)[:10_000],
        )
    return mapper.item(
        element, line=index, raw=lambda: json.dumps(element, ensure_ascii=False)[:10_000]
    )


def _stream_array(
    head: str, stream: io.TextIOBase, mapper: ObjectMapper, options: ReadOptions
) -> Iterator[Item]:
    """Elements of a top-level array, decoded one at a time from a growing buffer.

    `line` in rejects is the element's position in the array (1-based).
    """
    limit = options.max_record_bytes
    buffer, pos, eof, index = head, 1, False, 0
    chunk = MIB
    while True:
        while True:  # skip separators, refilling as needed
            while pos < len(buffer) and buffer[pos] in " \t\r\n,":
                pos += 1
            if pos < len(buffer) or eof:
                break
            more = stream.read(chunk)
            eof = not more
            buffer, pos = buffer[pos:] + more, 0
        if pos >= len(buffer):
            raise ReadError("malformed_json", f"JSON array not closed after {index} elements")
        if buffer[pos] == "]":
            return
        try:
            element, end = _DECODER.raw_decode(buffer, pos)
        except json.JSONDecodeError as error:
            if eof:
                raise ReadError(
                    "malformed_json",
                    f"malformed JSON in array element {index + 1}: {error}; rest of file skipped",
                    raw=buffer[pos : pos + 10_000],
                ) from None
            if len(buffer) - pos > limit:
                raise ReadError(
                    "record_too_large",
                    f"array element {index + 1} over the {limit // MIB} MiB record limit "
                    "(or malformed); rest of file skipped",
                ) from None
            more = stream.read(max(chunk, len(buffer) - pos))
            eof = not more
            buffer, pos = buffer[pos:] + more, 0
            continue
        except RecursionError:
            raise ReadError(
                "malformed_json",
                f"array element {index + 1} nested too deeply; rest of file skipped",
            ) from None
        index += 1
        yield _element_item(element, index, mapper)
        pos = end
        if pos > chunk:
            buffer, pos = buffer[pos:], 0
