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
from .training import TASK_COLUMN, Example

LABEL_COLUMNS = ("type", "transparency", "politeness", "relationship", "asks_introduction", "company", "role", "recipient_name", "sender_name", "mutual_contact")
FORMATS = ("auto", "refernlp", "stanford-politeness", "json", "csv", "parquet", "disk")


def _check_decodable(path: Path) -> None:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not valid UTF-8 at byte offset {exc.start}") from None


def _check_jsonl(path: Path) -> None:
    """Line-numbered errors before ``datasets`` sees the file (its own errors are opaque)."""
    _check_decodable(path)
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{lineno}: malformed JSON ({exc.msg} at column {exc.colno})") from None
            if not isinstance(row, dict):
                raise DataError(f"{path}:{lineno}: each line must be a JSON object")


def _read_table(path: Path, fmt: str) -> list[dict[str, Any]]:
    if not path.exists():
        raise DataError(f"{path}: no such file or directory")
    if fmt == "auto":
        if path.is_dir():
            fmt = "disk"
        else:
            suffix = path.suffix.lower()
            fmt = {".jsonl": "json", ".json": "json", ".ndjson": "json", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}.get(suffix, "")
            if not fmt:
                raise DataError(f"{path}: unknown file type {suffix!r} (use .jsonl, .csv, .parquet or a save_to_disk folder, or pass --data-format)")
    if fmt == "json":
        _check_jsonl(path)
    elif fmt == "csv":
        _check_decodable(path)
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
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: cannot read as {fmt} ({msg})") from None
    return [dict(r) for r in ds]


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
    rows = _read_table(p, "auto" if data_format == "refernlp" else data_format)
    if not rows:
        raise DataError(f"{p}: no rows")
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
            raise DataError(f"{p}: row {i + 1} has an empty or non-text {tcol!r}")
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
        text = p.read_bytes().decode("utf-8")
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
