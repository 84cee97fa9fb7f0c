"""Writing batch output so that a kill loses nothing that a later run trusts.

Records are JSON lines written whole and flushed after every batch. A process
killed mid-write can leave at most one partial last line; ``--resume`` reads the
complete records, drops that partial tail (truncating the file to its last
newline, never touching a complete record) and appends the rest. Parquet output
cannot be appended to, so it is journalled the same way in ``OUTPUT.partial.jsonl``
and written as Parquet (to a temporary file, then renamed) when the run completes.

A Parquet output has the columns ``id``, ``row`` (set only for a row whose id could
not be read), ``critique`` (the schema v1 JSON text, null for an error) and
``error`` (a struct of ``code`` and ``message``, null for a critique).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from ..errors import ConfigError, DataError
from .sources import OUTPUT_FORMATS, detect_format, import_pyarrow

JOURNAL_SUFFIX = ".partial.jsonl"


def record_key(rec: dict[str, Any]) -> tuple[str, Any]:
    """The resume key of an output record (the same as :attr:`Row.key` of its input row)."""
    return ("id", rec["id"]) if rec.get("id") is not None else ("row", rec.get("row"))


def _is_record(rec: Any) -> bool:
    return isinstance(rec, dict) and "id" in rec and (isinstance(rec.get("critique"), dict) or isinstance(rec.get("error"), dict))


def scan_journal(path: Path) -> tuple[list[tuple[str, Any]], int]:
    """The keys of the complete records of a JSON Lines output, and the byte length they take.

    A last line without its newline is a write cut short by a kill: it is not
    counted (the length stops before it). Any other line that is not a batch
    record means the file is not ours, and resuming into it is refused.
    """
    keys: list[tuple[str, Any]] = []
    good = 0
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.endswith(b"\n"):
                break  # a partial last line
            try:
                rec = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError):
                rec = None
            if not _is_record(rec):
                raise DataError(f"{path}:{lineno}: not a batch output record; refusing to resume into this file")
            keys.append(record_key(rec))
            good += len(line)
    return keys, good


class Sink:
    """The output file. :meth:`check` reads what is already there and modifies nothing; :meth:`open` starts writing."""

    def __init__(self, path: str | os.PathLike[str], *, output_format: str | None = None, resume: bool = False, force: bool = False) -> None:
        self.path = Path(path)
        self.format = detect_format(self.path, output_format, OUTPUT_FORMATS, "output")
        if self.format == "parquet":
            import_pyarrow()
        self.journal = self.path.with_name(self.path.name + JOURNAL_SUFFIX) if self.format == "parquet" else self.path
        self.resume, self.force = resume, force
        self._fh = None
        self._keep = 0
        self.done: set[tuple[str, Any]] = set()

    def check(self) -> set[tuple[str, Any]]:
        """Refuse an existing output without ``--resume``/``--force``; return the keys already written."""
        if self.path.is_dir():
            raise ConfigError(f"{self.path}: is a directory")
        if not self.path.parent.is_dir():
            raise ConfigError(f"{self.path.parent}: no such directory for the output")
        existing = [p for p in {self.path, self.journal} if p.exists()]
        if existing and not (self.resume or self.force):
            raise ConfigError(f"{existing[0]} exists: pass --resume to complete it or --force to overwrite it")
        if not self.resume:
            return set()
        keys: list[tuple[str, Any]] = []
        if self.format == "parquet" and self.path.exists():
            keys += [record_key(r) for r in read_records(self.path)]
        if self.journal.exists():
            jkeys, self._keep = scan_journal(self.journal)
            keys += jkeys
        self.done = set(keys)
        return self.done

    def open(self) -> None:
        """Start writing: truncate a partial last line (resume) or start afresh (``--force``/new)."""
        if self.resume and self.journal.exists():
            with self.journal.open("r+b") as fh:
                fh.truncate(self._keep)
            self._fh = self.journal.open("a", encoding="utf-8", newline="\n")
        else:
            if self.force and self.path.exists() and self.path != self.journal:
                self.path.unlink()
            self._fh = self.journal.open("w", encoding="utf-8", newline="\n")

    def write(self, lines: Iterable[str]) -> None:
        """Append whole records (each a JSON text without newline) and flush them to the OS."""
        assert self._fh is not None, "Sink.open() first"
        self._fh.write("".join(line + "\n" for line in lines))
        self._fh.flush()

    def close(self, *, complete: bool) -> None:
        """Flush to disk; a complete Parquet run turns its journal into the Parquet file."""
        if self._fh is None:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        self._fh = None
        if complete and self.format == "parquet":
            records = read_records(self.path) if self.path.exists() else []
            records += read_records(self.journal)
            tmp = self.path.with_name(self.path.name + ".tmp")
            write_parquet(records, tmp)
            os.replace(tmp, self.path)
            self.journal.unlink()


def write_parquet(records: list[dict[str, Any]], path: Path) -> None:
    pa, pq = import_pyarrow()
    ids = [r["id"] for r in records]
    all_int = all(isinstance(i, int) for i in ids if i is not None)
    if not all_int:
        ids = [None if i is None else str(i) for i in ids]  # a column has one type: mixed ids become strings
    error_type = pa.struct([("code", pa.string()), ("message", pa.string())])
    table = pa.table({
        "id": pa.array(ids, type=pa.int64() if all_int else pa.string()),
        "row": pa.array([r.get("row") for r in records], type=pa.int64()),
        "critique": pa.array([json.dumps(r["critique"], ensure_ascii=False) if "critique" in r else None for r in records], type=pa.string()),
        "error": pa.array([r.get("error") for r in records], type=error_type),
    })
    pq.write_table(table, path)


def read_records(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read batch output back (JSON Lines or Parquet) as the records that were written."""
    path = Path(path)
    if detect_format(path, None, OUTPUT_FORMATS, "output") == "parquet":
        _, pq = import_pyarrow()
        out = []
        for row in pq.read_table(path).to_pylist():
            rec: dict[str, Any] = {"id": row["id"]}
            if row.get("row") is not None:
                rec["row"] = row["row"]
            if row.get("critique") is not None:
                rec["critique"] = json.loads(row["critique"])
            else:
                rec["error"] = row["error"]
            out.append(rec)
        return out
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.endswith("\n")]
