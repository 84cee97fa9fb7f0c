"""Loading labelled data for training and evaluation.

Files are read with Hugging Face ``datasets`` (JSON Lines, CSV, Parquet, or a
dataset saved with ``save_to_disk``). The project's own format (``data/*.jsonl``)
and the Stanford Politeness Corpus CSV are understood directly. Problems are
reported as :class:`~refernlp.errors.DataError` with the file and line or row.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, Sequence

from .errors import DataError
from .schema import TASK_COLUMN
from .training import Example

LABEL_COLUMNS = ("type", "transparency", "politeness", "relationship", "purpose", "asks_introduction", "company", "role", "recipient_name", "sender_name", "mutual_contact")
FORMATS = ("auto", "refernlp", "stanford-politeness", "json", "csv", "parquet", "disk")


def _read_bytes(path: Path) -> bytes:
    try:
        if not path.is_file():  # a FIFO or a device would block or never end
            raise DataError(f"{path}: not a regular file")
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _check_decodable(path: Path) -> None:
    data = _read_bytes(path)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not valid UTF-8 at byte offset {exc.start}") from None


class _LineError(ValueError):
    """A problem in one JSON Lines row that ``json.loads`` itself lets through."""


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _LineError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise _LineError(f"{name} is not valid JSON (use null or a number)")


def _check_jsonl(path: Path) -> list[int]:
    """Line-numbered errors before ``datasets`` sees the file (its own errors are opaque).

    Returns the line number of each row, so later errors can name lines too.
    """
    _check_decodable(path)
    rows: list[int] = []
    # utf-8-sig: a byte-order mark (Windows editors write one) is not part of the first row;
    # newline="\n": JSON Lines rows end at \n only, so line numbers match what editors show
    with path.open(encoding="utf-8-sig", newline="\n") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line, object_pairs_hook=_object_without_duplicates, parse_constant=_no_constant)
            except json.JSONDecodeError as exc:
                # json's messages sometimes end in "at" ("Unterminated string starting at")
                reason = exc.msg.removesuffix(" at")
                raise DataError(f"{path}:{lineno}: malformed JSON ({reason} at column {exc.colno})") from None
            except _LineError as exc:
                raise DataError(f"{path}:{lineno}: malformed JSON ({exc})") from None
            except RecursionError:
                raise DataError(f"{path}:{lineno}: malformed JSON (nested too deeply)") from None
            if not isinstance(row, dict):
                raise DataError(f"{path}:{lineno}: each line must be a JSON object")
            rows.append(lineno)
    if not rows:
        raise DataError(f"{path}: no rows (the file is empty)")
    return rows


def _root_message(exc: BaseException) -> str:
    """The first line of the innermost cause: ``datasets`` wraps the useful message."""
    seen = set()
    while id(exc) not in seen and (exc.__cause__ or exc.__context__) is not None:
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__



def _read_table(path: Path, fmt: str) -> tuple[list[dict[str, Any]], list[int] | None]:
    """The rows of a data file, and for JSON Lines the line number of each row."""
    if not path.exists():
        raise DataError(f"{path}: no such file or directory")
    if not (path.is_dir() or path.is_file()):
        raise DataError(f"{path}: not a regular file or a dataset folder")
    if fmt == "auto":
        if path.is_dir():
            fmt = "disk"
        else:
            suffix = path.suffix.lower()
            fmt = {".jsonl": "json", ".json": "json", ".ndjson": "json", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}.get(suffix, "")
            if not fmt:
                raise DataError(f"{path}: unknown file type {suffix!r} (use .jsonl, .csv, .parquet or a save_to_disk folder, or pass --data-format)")
    lines: list[int] | None = None
    if fmt == "json":
        lines = _check_jsonl(path)
    elif fmt == "csv":
        _check_decodable(path)
        with path.open(encoding="utf-8-sig", newline="") as fh:
            if sum(1 for row in csv.reader(fh) if any(cell.strip() for cell in row)) < 2:
                raise DataError(f"{path}: no rows (expected a header line and at least one data row)")
    try:
        import datasets

        datasets.disable_progress_bars()
        datasets.logging.set_verbosity_error()
    except ImportError as exc:  # pragma: no cover - datasets is a core dependency
        raise DataError(f"reading {path} needs the 'datasets' package: pip install datasets ({exc})") from None
    try:
        if fmt == "disk":
            ds = datasets.load_from_disk(str(path))
            if isinstance(ds, datasets.DatasetDict):
                ds = datasets.concatenate_datasets(list(ds.values()))
        else:
            ds = datasets.load_dataset(fmt, data_files=str(path), split="train", keep_in_memory=True)
    except DataError:
        raise
    except Exception as exc:  # datasets raises many types; report them in one line
        raise DataError(f"{path}: cannot read as {fmt} ({_root_message(exc)})") from None
    rows = [dict(r) for r in ds]
    if lines is not None and len(lines) != len(rows):
        lines = None  # rows and lines disagree: fall back to row numbers
    return rows, lines


def load_examples(
    path: str | os.PathLike[str],
    *,
    task: str | None = None,
    data_format: str = "auto",
    text_column: str | None = None,
    label_column: str | None = None,
) -> list[Example]:
    """Load labelled examples. With ``label_column``, its values become ``task``'s labels."""
    p = Path(path)
    if data_format == "stanford-politeness":
        return load_stanford(p)
    if data_format not in FORMATS:
        raise DataError(f"unknown data format {data_format!r}; choose from {list(FORMATS)}")
    rows, lines = _read_table(p, "auto" if data_format == "refernlp" else data_format)
    if not rows:
        raise DataError(f"{p}: no rows")
    where = (lambda i: f"line {lines[i]}") if lines else (lambda i: f"row {i + 1}")
    columns = list(rows[0])
    tcol = text_column or "text"
    if tcol not in columns:
        raise DataError(f"{p}: expected a text column {tcol!r}, found {columns}; pass --text-column")
    if label_column is not None:
        if task is None or task == "all":
            raise DataError("--label-column needs a single task, not 'all'")
        if label_column not in columns:
            raise DataError(f"{p}: expected label column {label_column!r}, found {columns}")
        mapping = {label_column: TASK_COLUMN[task]}
    else:
        mapping = {c: c for c in LABEL_COLUMNS if c in columns}
        if task and task != "all" and TASK_COLUMN[task] not in mapping:
            raise DataError(f"{p}: expected columns ['{tcol}', '{TASK_COLUMN[task]}'], found {columns}; pass --text-column/--label-column")
        if not mapping:
            raise DataError(f"{p}: no label columns found (expected some of {list(LABEL_COLUMNS)}), found {columns}")
    out = []
    for i, r in enumerate(rows):
        text = r.get(tcol)
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"{p}: {where(i)} has an empty or non-text {tcol!r}")
        labels = {dst: r[src] for src, dst in mapping.items() if src in r}
        for k, v in list(labels.items()):
            if isinstance(v, str) and dst_is_label(k):
                labels[k] = v.strip()
        out.append(Example(text=text, labels=labels, source=f"{p.name}:{r.get('id', i + 1)}"))
    return out


def dst_is_label(column: str) -> bool:
    return column in {"type", "transparency", "politeness", "relationship"}


def stanford_rows(path: str | os.PathLike[str]) -> list[tuple[str, float]]:
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{p}: Stanford Politeness Corpus CSV not found")
    try:
        text = _read_bytes(p).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{p}: not valid UTF-8 at byte offset {exc.start}") from None
    reader = csv.DictReader(io.StringIO(text))
    need = {"Request", "Normalized Score"}
    if not reader.fieldnames or not need <= set(reader.fieldnames):
        raise DataError(f"{p}: expected columns {sorted(need)}, found {reader.fieldnames}")
    rows = []
    for i, r in enumerate(reader, 2):
        try:
            rows.append((r["Request"], float(r["Normalized Score"])))
        except (TypeError, ValueError):
            raise DataError(f"{p}: line {i}: 'Normalized Score' is not a number") from None
    return rows


def quartiles(scores: Sequence[float]) -> tuple[float, float]:
    import numpy as np

    q1, q3 = np.percentile(np.asarray(scores), [25, 75])
    return float(q1), float(q3)


def load_stanford(path: str | os.PathLike[str], weight: float = 1.0) -> list[Example]:
    """All requests: top quartile polite, bottom quartile impolite, middle half neutral."""
    rows = stanford_rows(path)
    q1, q3 = quartiles([s for _, s in rows])
    out = []
    for i, (text, s) in enumerate(rows):
        label = "polite" if s >= q3 else "impolite" if s <= q1 else "neutral"
        out.append(Example(text=text, labels={"politeness": label}, weight=weight, source=f"stanford:{i}"))
    return out


def stanford_binary(path: str | os.PathLike[str]) -> tuple[list[str], list[str]]:
    """The standard task: top versus bottom quartile (the middle half dropped)."""
    rows = stanford_rows(path)
    q1, q3 = quartiles([s for _, s in rows])
    texts, labels = [], []
    for text, s in rows:
        if s >= q3:
            texts.append(text)
            labels.append("polite")
        elif s <= q1:
            texts.append(text)
            labels.append("impolite")
    return texts, labels
