"""Reading drafts safely and preparing them for analysis.

Everything here protects the promise that bad input gets a clear one-line
:class:`~refernlp.errors.InputError`, never a traceback, a hang or a memory spike.
Preparation is *length preserving*: HTML tags and quoted reply chains are
blanked with spaces rather than removed, so every character offset the
pipeline reports still points into the user's original text.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

DEFAULT_MAX_CHARS = 20_000
MIN_CHARS = 2

_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"PK\x03\x04": "a ZIP archive (or a .docx/.xlsx file)",
    b"%PDF-": "a PDF document",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
    b"\xd0\xcf\x11\xe0": "a legacy Office document",
    b"BZh": "a bzip2 archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def check_text(text: object, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Validate a draft given as a string; return it unchanged or raise :class:`InputError`."""
    if not isinstance(text, str):
        raise InputError(f"a draft must be a str, got {type(text).__name__}")
    if len(text) > max_chars:
        raise InputError(f"draft is {len(text):,} characters, over the limit of {max_chars:,} (raise max_chars)")
    if "\x00" in text:
        raise InputError(f"draft contains a NUL byte at character {text.index(chr(0))}: is it a binary file?")
    stripped = text.strip()
    if not stripped:
        raise InputError("draft is empty" if not text else "draft contains only whitespace")
    if len(stripped) < MIN_CHARS:
        raise InputError(f"draft is too short to critique ({len(stripped)} character)")
    return text


def decode_bytes(
    data: bytes, *, name: str = "draft", encoding: str | None = None, errors: str = "strict"
) -> str:
    """Decode raw bytes: BOMs honoured, binary refused, undecodable bytes reported with offset."""
    if not data:
        raise InputError(f"{name}: file is empty")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{name}: looks like {what}, not a text draft")
    if encoding is None:
        for bom, enc in _BOMS:
            if data.startswith(bom):
                data, encoding = data[len(bom) :], enc
                break
    enc = encoding or "utf-8"
    if enc.replace("_", "-").lower() in {"utf-8", "utf8"} and b"\x00" in data:
        raise InputError(f"{name}: contains NUL bytes at byte offset {data.index(0)}: looks like a binary file")
    try:
        codecs.lookup(enc)
    except LookupError:
        raise InputError(f"unknown encoding {enc!r}") from None
    if errors not in {"strict", "replace", "ignore"}:
        raise InputError(f"unknown error handler {errors!r} (use strict, replace or ignore)")
    try:
        text = data.decode(enc, errors=errors)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not valid {enc.upper()} at byte offset {exc.start} "
            "(pass --encoding, or --errors replace)"
        ) from None
    if "\x00" in text:
        raise InputError(f"{name}: contains NUL characters: looks like a binary file")
    return text


def _read_limited(fh: BinaryIO, limit: int, name: str) -> bytes:
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{name}: over the size limit of {limit:,} bytes (raise --max-chars)")
    return data


def read_draft(
    source: str | os.PathLike[str],
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    encoding: str | None = None,
    errors: str = "strict",
    stdin: BinaryIO | None = None,
) -> str:
    """Read one draft from a path (``"-"`` for standard input) and validate it.

    Size is checked before the whole file is read (at most ``4 * max_chars``
    bytes are ever read, the most a UTF-8 text of ``max_chars`` characters can
    take), so a huge file or ``/dev/zero`` costs no memory.
    """
    byte_limit = 4 * max_chars + 4
    name = str(source)
    if name == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = _read_limited(stream, byte_limit, "<stdin>")
        text = decode_bytes(data, name="<stdin>", encoding=encoding, errors=errors)
    else:
        path = Path(source)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise InputError(f"{name}: no such file") from None
        except PermissionError:
            raise InputError(f"{name}: permission denied") from None
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"{name}: is a directory, not a draft file")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{name}: not a regular file (a FIFO, socket or device)")
        if st.st_size > byte_limit:
            raise InputError(
                f"{name}: {st.st_size:,} bytes, over the limit for {max_chars:,} characters (raise --max-chars)"
            )
        try:
            with path.open("rb") as fh:
                data = _read_limited(fh, byte_limit, name)
        except PermissionError:
            raise InputError(f"{name}: permission denied") from None
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
        text = decode_bytes(data, name=name, encoding=encoding, errors=errors)
    try:
        return check_text(text, max_chars=max_chars)
    except InputError as exc:
        raise InputError(f"{'<stdin>' if name == '-' else name}: {exc}") from None


# --- preparation ---------------------------------------------------------------

_TAG = re.compile(r"<(?:!--.*?--|/?[A-Za-z][^<>]{0,500})>", re.S)
_HTML_HINT = re.compile(r"<(?:html|body|div|p|br|span|table|a\s|b>|i>|strong|em>|ul|li|ol|h[1-6]|font|meta)\b", re.I)
_BLOCK_TAG = re.compile(r"^</?(?:p|div|br|li|tr|h[1-6]|ul|ol|table|body|html)\b", re.I)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,6}|#x[0-9a-fA-F]{1,5});")
_QUOTE_HEADER = re.compile(
    r"^(?:On .{3,200}wrote:\s*$|-{2,}\s*Original Message\s*-{2,}|-{2,}\s*Forwarded message\s*-{2,}"
    r"|From: .+\n(?:Sent|Date): .+)",
    re.M,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.M)
#: longest run of punctuation, symbols or emoji (no letter, digit or space) analysed as is
MAX_SYMBOL_RUN = 50
_SYMBOL_RUN = re.compile(rf"(?:[^\w\s]|_){{{MAX_SYMBOL_RUN + 1},}}")


@dataclass(frozen=True)
class Prepared:
    """A draft ready for the pipeline: same length as the original, offsets aligned."""

    original: str
    text: str
    html_stripped: bool
    quoted_from: int | None  #: offset where a quoted reply chain starts, if any


def _blank(match: re.Match[str]) -> str:
    return "".join("\n" if c == "\n" else " " for c in match.group(0))


def _tag_to_space(match: re.Match[str]) -> str:
    tag = match.group(0)
    if _BLOCK_TAG.match(tag) and len(tag) >= 1:
        # a block-level tag ends a line: keep the sentence boundary it implies
        return "\n" + " " * (len(tag) - 1)
    return _blank(match)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _format_to_space(match: re.Match[str]) -> str:
    c = match.group(0)
    return " " if unicodedata.category(c) == "Cf" else c


def prepare(text: str) -> Prepared:
    """Blank HTML markup and quoted reply chains, keeping every offset valid."""
    work = text.replace("\r", " ")  # Windows line endings: CR becomes a space, LF stays
    html = bool(_HTML_HINT.search(work))
    if html:
        work = _SCRIPT.sub(_blank, work)
        work = _TAG.sub(_tag_to_space, work)
        work = _ENTITY.sub(lambda m: " " * len(m.group(0)), work)
    quoted_from = None
    header = _QUOTE_HEADER.search(work)
    first_quoted = _QUOTED_LINE.search(work)
    candidates = [m.start() for m in (header, first_quoted) if m is not None]
    if candidates:
        start = min(candidates)
        # a quote only counts when the sender wrote something before it
        if work[:start].strip():
            quoted_from = start
            work = work[:start] + "".join("\n" if c == "\n" else " " for c in work[start:])
    # zero-width and other format characters confuse tokenisation; keep length
    # (no ASCII character is a format character: only the others are looked up, found by one regex pass)
    if not work.isascii():
        work = _NON_ASCII.sub(_format_to_space, work)
    # spaCy's tokenizer peels punctuation, symbols and emoji off a token one at a
    # time, rescanning the rest each time: quadratic in the length of such a run
    # ("!" * 20,000 took a minute). Nothing is lost by keeping the first few only.
    work = _SYMBOL_RUN.sub(lambda m: m.group(0)[:MAX_SYMBOL_RUN] + " " * (len(m.group(0)) - MAX_SYMBOL_RUN), work)
    return Prepared(original=text, text=work, html_stripped=html, quoted_from=quoted_from)
