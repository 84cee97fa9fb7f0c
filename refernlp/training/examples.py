"""Labelled examples: validation (labels, empty rows, small classes), train/test leakage and the seeded split."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..errors import DataError
from ..schema import RANKER_TASKS, TASK_COLUMN, TASK_LABELS
from .config import MIN_PER_CLASS


# --- examples ------------------------------------------------------------------
@dataclass(frozen=True)
class Example:
    """One labelled draft. ``labels`` maps task/slot columns to values (absent = unlabelled)."""

    text: str
    labels: Mapping[str, Any]
    weight: float = 1.0
    source: str = ""


def data_hash(examples: Sequence[Example]) -> str:
    h = hashlib.sha256()
    for ex in examples:
        h.update(json.dumps([ex.text, dict(sorted(ex.labels.items())), ex.weight], sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


# --- validation -----------------------------------------------------------------
def validate_examples(task: str, examples: Sequence[Example], *, where: str = "data", min_per_class: int = MIN_PER_CLASS) -> list[Example]:
    """Keep the examples labelled for ``task``; raise :class:`DataError` on bad labels or rows."""
    col = TASK_COLUMN[task]
    if not any(col in ex.labels for ex in examples):
        raise DataError(f"{where}: no '{col}' labels for task {task}")
    bad_text = [i for i, ex in enumerate(examples) if not isinstance(ex.text, str) or not ex.text.strip()]
    if bad_text:
        raise DataError(f"{where}: empty or non-text rows at {row_numbers(bad_text)}")
    if task in RANKER_TASKS:
        bad = [i for i, ex in enumerate(examples) if ex.labels.get(col) is not None and (not isinstance(ex.labels[col], str) or ex.labels[col] not in ex.text)]
        if bad:
            raise DataError(f"{where}: '{col}' is not a verbatim substring of the text at {row_numbers(bad)}")
        return [ex for ex in examples if col in ex.labels]
    allowed = set(TASK_LABELS[task])
    kept, unknown = [], []
    for i, ex in enumerate(examples):
        if col not in ex.labels:
            continue
        value = ex.labels[col]
        if value is None and task == "transparency":
            continue  # drafts with no referral ask carry no transparency label
        if value not in allowed:
            unknown.append((i, value))
            continue
        kept.append(ex)
    if unknown:
        values = sorted({repr(v) for _, v in unknown})
        raise DataError(f"{where}: unknown {col} label(s) {', '.join(values)} at {row_numbers([i for i, _ in unknown])}; allowed: {sorted(allowed)}")
    counts = {l: sum(1 for ex in kept if ex.labels[col] == l) for l in sorted(allowed)}
    small = {l: c for l, c in counts.items() if c < min_per_class}
    if small:
        raise DataError(f"{where}: class(es) with fewer than {min_per_class} examples for {task}: " + ", ".join(f"{l} ({c})" for l, c in small.items()))
    return kept


def row_numbers(idx: Sequence[int]) -> str:
    shown = ", ".join(str(i + 1) for i in idx[:10])
    more = f" and {len(idx) - 10} more" if len(idx) > 10 else ""
    return f"row(s) {shown}{more}"


def leakage(train: Sequence[Example], test: Sequence[Example]) -> int:
    """How many test texts also occur (whitespace- and case-normalised) in train."""
    norm = lambda t: " ".join(t.lower().split())  # noqa: E731
    seen = {norm(e.text) for e in train}
    return sum(1 for e in test if norm(e.text) in seen)


def split_examples(examples: Sequence[Example], task: str, test_size: float, seed: int) -> tuple[list[Example], list[Example]]:
    """A seeded split stratified by the task's label."""
    import random

    if not 0.0 <= test_size < 1.0:
        raise DataError(f"--test-size must be in [0, 1), got {test_size}")
    col = TASK_COLUMN[task]
    groups: dict[Any, list[Example]] = {}
    for ex in examples:
        groups.setdefault(str(ex.labels.get(col)), []).append(ex)
    rng = random.Random(seed)
    train, test = [], []
    for key in sorted(groups):
        g = list(groups[key])
        rng.shuffle(g)
        n = int(round(test_size * len(g)))
        test += g[:n]
        train += g[n:]
    return train, test
