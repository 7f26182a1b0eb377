"""Bytes to text: BOMs, UTF-16 without a BOM, legacy code pages, binary files, mojibake.

UTF-8 is tried first because it is by far the most common and strict UTF-8 almost never
decodes text that is not UTF-8. Otherwise charset-normalizer guesses the code page; among
equally good guesses CP-1252 wins (the usual legacy encoding of Western news). ftfy
repairs text that was decoded twice (`TÃ¼rkiye`), and only where its heuristics are sure.
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

from cooccur.readers.base import Input, ReadError, iter_byte_lines, iter_text_lines

SAMPLE_BYTES = 64 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x7fELF",
    b"MZ",
    b"PAR1",
    b"SQLite format 3",
    b"BZh",
    b"\xfd7zXZ",
)
_CONTROL = bytes([*range(0, 9), *range(14, 27), *range(28, 32), 127])
_TEXT_BYTES = bytes(b for b in range(256) if b not in _CONTROL)

# UTF-8 read as CP-1252/Latin-1: a lead byte (Â-ô) followed by what was a continuation byte.
MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{2,40})""", re.I)
_UTF8_ALIASES = {"utf8", "utf-8", "utf_8"}


def is_wide(codec: str) -> bool:
    """Codecs whose newline is not the byte 0x0A (they cannot be split into byte lines)."""
    return codecs.lookup(codec).name.startswith(("utf-16", "utf-32"))


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text of mostly Latin letters has a zero in every other byte."""
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    codec = "utf-16-le" if odd > 0.3 and even < 0.05 else None
    if even > 0.3 and odd < 0.05:
        codec = "utf-16-be"
    if codec is None:
        return None
    try:
        text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return codec if printable >= 0.95 * max(len(text), 1) else None


def _looks_binary(sample: bytes) -> bool:
    if sample.startswith(_MAGIC):
        return True
    controls = len(sample.translate(None, _TEXT_BYTES))
    if controls > 0.05 * len(sample):
        return True
    if b"\x00" in sample:  # a few NULs in valid UTF-8 text are stripped later; else binary
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        except UnicodeDecodeError:
            return True
    return False


def _valid_utf8(sample: bytes, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=final)
    except UnicodeDecodeError:
        return False
    return True


# Encodings news is published in; DOS and old Mac code pages are left out because on short
# samples they often tie with the real one (cp852 for a CP-1252 text full of “quotes”).
_NEWS_CODECS = [
    "cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "koi8_u",
    "iso8859_5", "cp1253", "iso8859_7", "cp1254", "iso8859_9", "cp1255", "iso8859_8",
    "cp1256", "iso8859_6", "cp1257", "iso8859_13", "cp1258", "cp874", "tis_620",
    "shift_jis", "euc_jp", "iso2022_jp", "gb18030", "big5", "euc_kr", "utf_16", "utf_32",
]  # fmt: skip


def guess_legacy(data: bytes) -> str | None:
    """charset-normalizer's best news code page; CP-1252 among equally good ones."""
    from charset_normalizer import from_bytes

    results = from_bytes(data[: 4 * SAMPLE_BYTES], cp_isolation=_NEWS_CODECS)
    if b"\x00" not in data:  # UTF-16/32 without NULs is a misreading of a byte code page
        results = [m for m in results if not is_wide(m.encoding)]
    if not results:
        return None
    best = results[0]
    for match in results:  # identical decodings are merged: cp1250 may stand for cp1252
        same = match.chaos == best.chaos and match.coherence == best.coherence
        if same and "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return best.encoding


def sniff(
    sample: bytes, *, complete: bool = False, hint: str | None = None, lines: bool = False
) -> str:
    """The codec of an input from its first bytes; ReadError if it is binary or not text.

    `complete` says the sample is the whole input (no sequence cut at its end);
    `hint` is a declared charset (HTML `<meta charset>`) tried first; `lines` says each
    line is decoded on its own, so mostly-UTF-8 input is UTF-8 with a few odd lines.
    """
    if not sample.strip():
        raise ReadError("empty_file", "empty file (no text)")
    for bom, codec in _BOMS:
        if sample.startswith(bom):
            return codec
    if wide := _utf16_without_bom(sample):
        return wide
    if _looks_binary(sample[:8192]):
        raise ReadError("binary_file", "binary file (control bytes or a binary signature)")
    if hint and hint.lower() not in _UTF8_ALIASES:
        try:
            codec = codecs.lookup(hint).name
            sample.decode(codec)
            return codec
        except (LookupError, UnicodeDecodeError):
            pass
    if _valid_utf8(sample, final=complete) or (lines and _mostly_utf8(sample)):
        return "utf-8"
    legacy = guess_legacy(sample)
    if legacy is None:
        raise ReadError("undecodable_text", "not text in any known encoding")
    return legacy


def _mostly_utf8(sample: bytes) -> bool:
    """Most lines are UTF-8: the odd other line is decoded on its own (`decode_line`)."""
    lines = sample.split(b"\n")[:-1] or [sample]
    valid = sum(_valid_utf8(line, final=True) for line in lines)
    return valid >= 0.5 * len(lines)


def sniff_input(source: Input) -> str:
    """The codec of a line-oriented input from its first bytes (see `sniff`).

    A damaged archive member may end early: the sample is what could be read, and the
    damage is reported where the records are read, after the ones before it.
    """
    sample = b""
    with source.open() as stream:
        read = getattr(stream, "read1", stream.read)
        try:
            while len(sample) < SAMPLE_BYTES and (chunk := read(SAMPLE_BYTES - len(sample))):
                sample += chunk
        except (EOFError, zlib.error, zipfile.BadZipFile, gzip.BadGzipFile):
            if not sample:
                raise
    return sniff(sample, complete=len(sample) < SAMPLE_BYTES, lines=True)


def decode_document(data: bytes, *, hint: str | None = None) -> str:
    """A whole small document as text (BOM dropped); ReadError if binary or undecodable."""
    codec = sniff(data[:SAMPLE_BYTES], complete=len(data) <= SAMPLE_BYTES, hint=hint)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        legacy = guess_legacy(data)
        if legacy is None:
            raise ReadError("undecodable_text", "not text in any known encoding") from None
        text = data.decode(legacy, errors="replace")
    return text.removeprefix("\ufeff")


def html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", errors="ignore") if match else None


def decode_line(line: bytes, codec: str) -> str:
    """One line in the input's codec; a line that is not (a UTF-8 file with one CP-1252
    line, say) gets its own guess, and undecodable bytes become U+FFFD."""
    try:
        return line.decode(codec)
    except UnicodeDecodeError:
        legacy = guess_legacy(line) or "cp1252"
        return line.decode(legacy, errors="replace")


def text_lines(
    stream: IO[bytes], codec: str, limit: int
) -> Iterator[tuple[int, int | None, str | None, bytes | None]]:
    """(line number, byte offset, text, raw bytes) of a text stream in `codec`.

    Text is None for a line over `limit` bytes. Byte-oriented codecs are split on b"\\n"
    and decoded line by line (one bad line stays one bad line); UTF-16/32 go through a
    decoding wrapper, without byte offsets.
    """
    if is_wide(codec):
        wrapper = io.TextIOWrapper(stream, encoding=codec, errors="replace", newline="")
        for number, text in iter_text_lines(wrapper, limit):
            yield number, None, None if text is None else text.removeprefix("\ufeff"), None
        return
    first = True
    for number, offset, raw in iter_byte_lines(stream, limit):
        if raw is None:
            yield number, offset, None, None
            continue
        if first:
            raw = raw.removeprefix(codecs.BOM_UTF8)
            first = False
        yield number, offset, decode_line(raw, codec), raw


def repair(text: str) -> str:
    """Undo double decoding (`TÃ¼rkiye` → `Türkiye`) where ftfy is sure; else unchanged."""
    if text.isascii() or not MOJIBAKE.search(text):
        return text
    import ftfy

    return ftfy.fix_encoding(text)
