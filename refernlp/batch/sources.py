"""Reading a corpus for batch critique: JSON Lines, CSV or Parquet, one row at a time.

A :class:`Source` is checked when it is opened (the file, its format, the columns
asked for) and scanned once before any work (:meth:`Source.scan`): the scan gives
every row's id, refuses duplicate ids (``--resume`` could not be trusted with
them) and cuts the file into :class:`Chunk` s that a reader can seek to, so Ray
tasks read their own part of the file. Bad *rows* never raise: a line that is not
JSON, a row with no text or no usable id comes out as a :class:`Row` carrying an
error, and becomes an error record.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import DataError, MissingExtraError

INPUT_FORMATS = ("jsonl", "csv", "parquet")
OUTPUT_FORMATS = ("jsonl", "parquet")
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
#: rows per chunk of the scan (the unit a Ray read task reads)
CHUNK_ROWS = 256
PARQUET_INSTALL = 'Parquet needs pyarrow: pip install "refernlp[parquet]"'

# codes of error records for rows that cannot even be read
BAD_ROW = "bad_row"  #: a JSON Lines line that is not a JSON object, or undecodable bytes
MISSING_TEXT = "missing_text"  #: no value in the text column
BAD_ID = "bad_id"  #: the id column is missing, null, or not a string or an integer


def import_pyarrow():
    """``pyarrow`` and ``pyarrow.parquet``, or a one-line :class:`MissingExtraError` naming the install command."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise MissingExtraError(PARQUET_INSTALL) from None
    return pyarrow, pyarrow.parquet


def detect_format(path: str | os.PathLike[str], given: str | None, choices: tuple[str, ...], what: str) -> str:
    """The format named by ``given``, or by the file's extension; :class:`DataError` when neither says."""
    if given and given != "auto":
        if given not in choices:
            raise DataError(f"unknown {what} format {given!r} (use {', '.join(choices)})")
        return given
    fmt = EXTENSIONS.get(Path(path).suffix.lower())
    if fmt not in choices:
        flag = "--input-format" if what == "input" else "--output-format"
        raise DataError(f"{path}: cannot tell the {what} format from the extension (use {', '.join(choices)}, or pass {flag})")
    return fmt


@dataclass(frozen=True)
class Row:
    """One input row: its position, id, text and relationship, or why it cannot be critiqued."""

    index: int  #: 0-based position among the file's data rows
    id: Any  #: the id column's value (str or int), the row number, or None when unreadable
    text: Any = None
    relationship: Any = None
    error: tuple[str, str] | None = None  #: (code, message) for a row that cannot be read

    @property
    def key(self) -> tuple[str, Any]:
        """What ``--resume`` matches on: the id, or the row number when the id is unreadable."""
        return ("id", self.id) if self.id is not None else ("row", self.index)


@dataclass(frozen=True)
class Chunk:
    """A run of rows a reader can seek to: ``count`` rows from row ``start``, at byte ``offset`` (or row group)."""

    start: int
    offset: int
    count: int


@dataclass(frozen=True)
class Scan:
    keys: list[tuple[str, Any]]  #: every row's resume key, in order
    chunks: list[Chunk]


class Source:
    """An input file with the columns to read from it. Opening checks the file, format and columns."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        text_column: str,
        id_column: str | None = None,
        relationship_column: str | None = None,
        input_format: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.text_column = text_column
        self.id_column = id_column
        self.relationship_column = relationship_column
        self.format = detect_format(self.path, input_format, INPUT_FORMATS, "input")
        if not self.path.exists():
            raise DataError(f"{self.path}: no such file")
        if not self.path.is_file():
            raise DataError(f"{self.path}: not a regular file")
        if not os.access(self.path, os.R_OK):
            raise DataError(f"{self.path}: permission denied")
        self.header = self.columns()
        self._check_columns(self.header)

    def spec(self) -> dict[str, Any]:
        """What a worker needs to open the same source (plain data, for Ray)."""
        return {"path": str(self.path), "text_column": self.text_column, "id_column": self.id_column,
                "relationship_column": self.relationship_column, "input_format": self.format}

    # --- columns ------------------------------------------------------------------------
    def columns(self) -> list[str]:
        """The input's column names: a CSV header, a Parquet schema, or the first JSON object's keys."""
        if self.format == "parquet":
            _, pq = import_pyarrow()
            try:
                return list(pq.ParquetFile(self.path).schema_arrow.names)
            except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
                raise DataError(f"{self.path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
        with self.path.open("rb") as fh:
            if self.format == "csv":
                first = _Lines(fh)
                try:
                    header = next(csv.reader(first))
                except StopIteration:
                    raise DataError(f"{self.path}: empty CSV file (expected a header row)") from None
                except csv.Error as exc:
                    raise DataError(f"{self.path}: malformed CSV header ({exc})") from None
                return header
            for line in fh:
                if not line.strip():
                    continue
                obj = _json_object(line)
                if isinstance(obj, str):
                    raise DataError(f"{self.path}: the first row is not a JSON object ({obj})")
                return list(obj)
        raise DataError(f"{self.path}: no rows")

    def _check_columns(self, found: list[str]) -> None:
        for flag, col in (("--text-column", self.text_column), ("--id-column", self.id_column), ("--relationship-column", self.relationship_column)):
            if col is not None and col not in found:
                shown = ", ".join(repr(c) for c in found[:12]) + (", ..." if len(found) > 12 else "")
                raise DataError(f"{self.path}: no column {col!r} (found {shown}); pass {flag}")

    # --- rows -----------------------------------------------------------------------------
    def _row(self, index: int, values: dict[str, Any] | None, problem: str | None = None) -> Row:
        if values is None:
            return Row(index, None, error=(BAD_ROW, f"row {index}: {problem}"))
        if self.id_column is None:
            rid: Any = index
        else:
            rid = values.get(self.id_column)
            if isinstance(rid, bool) or not isinstance(rid, (str, int)):
                what = "missing" if self.id_column not in values else ("null" if rid is None else f"a {type(rid).__name__}")
                return Row(index, None, error=(BAD_ID, f"row {index}: id column {self.id_column!r} is {what}, not a string or an integer"))
        if self.text_column not in values or values[self.text_column] is None:
            return Row(index, rid, error=(MISSING_TEXT, f"row {index}: no value in column {self.text_column!r}"))
        rel = values.get(self.relationship_column) if self.relationship_column else None
        return Row(index, rid, values[self.text_column], rel)

    def rows(self, chunk: Chunk | None = None) -> Iterator[Row]:
        """Every row in order, or the rows of one chunk."""
        if self.format == "parquet":
            yield from self._parquet_rows(chunk)
            return
        for row, _ in self._rows_with_offsets(chunk):
            if chunk is not None and row.index >= chunk.start + chunk.count:
                return
            yield row

    def _parquet_rows(self, chunk: Chunk | None) -> Iterator[Row]:
        _, pq = import_pyarrow()
        pf = pq.ParquetFile(self.path)
        cols = [c for c in (self.text_column, self.id_column, self.relationship_column) if c is not None]
        groups = [chunk.offset] if chunk is not None else list(range(pf.num_row_groups))
        index = chunk.start if chunk is not None else 0
        for batch in pf.iter_batches(batch_size=CHUNK_ROWS, row_groups=groups, columns=cols):
            for values in batch.to_pylist():
                yield self._row(index, values)
                index += 1

    # --- scan -----------------------------------------------------------------------------
    def scan(self) -> Scan:
        """Read every row's id once: duplicate ids are refused here, before any work."""
        keys: list[tuple[str, Any]] = []
        chunks: list[Chunk] = []
        seen: dict[tuple[str, Any], int] = {}
        for row, offset in self._rows_with_offsets():
            if row.index % CHUNK_ROWS == 0 and offset is not None:
                chunks.append(Chunk(row.index, offset, 0))
            key = row.key
            if key in seen:
                raise DataError(f"{self.path}: duplicate id {row.id!r} (rows {seen[key]} and {row.index}): ids must be unique")
            seen[key] = row.index
            keys.append(key)
        if self.format == "parquet":
            _, pq = import_pyarrow()
            meta = pq.ParquetFile(self.path).metadata
            start = 0
            for g in range(meta.num_row_groups):
                n = meta.row_group(g).num_rows
                chunks.append(Chunk(start, g, n))
                start += n
        else:
            ends = [c.start for c in chunks[1:]] + [len(keys)]
            chunks = [Chunk(c.start, c.offset, end - c.start) for c, end in zip(chunks, ends)]
        return Scan(keys, [c for c in chunks if c.count])

    def _rows_with_offsets(self, chunk: Chunk | None = None) -> Iterator[tuple[Row, int | None]]:
        """Rows (from ``chunk`` on) with the byte offset where each starts (None for Parquet: chunks are row groups)."""
        if self.format == "parquet":
            for row in self._parquet_rows(None):
                yield row, None
            return
        header = self.header if self.format == "csv" else []
        with self.path.open("rb") as fh:
            lines = _Lines(fh)
            reader = csv.reader(lines)
            if chunk is not None:
                fh.seek(chunk.offset)
                lines.pos = chunk.offset
            elif self.format == "csv":
                next(reader)
            index = chunk.start if chunk is not None else 0
            while True:
                offset = lines.pos
                try:
                    if self.format == "jsonl":
                        line = lines.next_bytes()
                        if not line.strip():
                            continue
                        obj = _json_object(line)
                        row = self._row(index, None, obj) if isinstance(obj, str) else self._row(index, obj)
                    else:
                        record = next(reader)
                        if not record:
                            continue
                        row = self._row(index, None, "not valid UTF-8") if lines.bad else self._row(index, dict(zip(header, record)))
                except StopIteration:
                    return
                except csv.Error as exc:
                    row = self._row(index, None, f"malformed CSV ({exc})")
                lines.bad = False
                yield row, offset
                index += 1


class _Lines:
    """Lines of a binary file decoded as UTF-8 for :mod:`csv`, keeping the byte offset of the next line.

    A line that is not valid UTF-8 is decoded with replacement characters and
    sets :attr:`bad`, so its row becomes an error record instead of a guess.
    """

    def __init__(self, fh: io.BufferedIOBase) -> None:
        self.fh = fh
        self.pos = fh.tell()
        self.bad = False

    def __iter__(self) -> "_Lines":
        return self

    def next_bytes(self) -> bytes:
        line = self.fh.readline()
        if not line:
            raise StopIteration
        self.pos += len(line)
        return line

    def __next__(self) -> str:
        line = self.next_bytes()
        if self.pos == len(line) and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]  # a byte-order mark is not part of the header
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            self.bad = True
            return line.decode("utf-8", errors="replace")


def _json_object(line: bytes) -> dict[str, Any] | str:
    """The JSON object on one line, or a short reason why there is none."""
    if line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8 at byte {exc.start}"
    except json.JSONDecodeError as exc:
        return f"malformed JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return f"a JSON {type(obj).__name__}, not an object"
    return obj
