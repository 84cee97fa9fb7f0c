"""The candidate rankers' linear scores: every candidate of a draft in one gather (``models/company``, ``models/role``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from ..features import feature_columns, named_features

if TYPE_CHECKING:
    from ..modelio import LinearModel
    from .candidates import Candidate


def shared_row(shared: Mapping[str, float], n_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """The hashed row of one dict of draft-level features as (columns, values): ``named_features`` of it, in its order."""
    cols = feature_columns(list(shared), n_bits)
    if len(set(cols)) == len(cols):
        # no two names share a column: named_features' row is these columns and 0.0 + each value, in order
        idx = np.array(cols, dtype=np.int64)
        val = np.fromiter(shared.values(), dtype=np.float64, count=len(cols)) + 0.0
    else:
        row = named_features(shared, n_bits)
        idx = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
        val = np.fromiter(row.values(), dtype=np.float64, count=len(row))
    return idx, val


def shared_score(coef: np.ndarray, shared: Mapping[str, float], n_bits: int, row: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """The score of one dict of draft-level features: ``named_features`` of it, gathered and summed as before.

    ``row``: :func:`shared_row` of ``shared``, when the caller has it already.
    """
    if not shared:
        return 0.0
    idx, val = shared_row(shared, n_bits) if row is None else row
    return float(coef[idx].astype(np.float64) @ val)


def candidate_scores(model: "LinearModel", cands: Sequence["Candidate"], n_bits: int) -> np.ndarray:
    """The linear score of every candidate under a one-row ``model``, in one gather.

    Draft-level ``shared`` features are scored once per distinct dict and added
    (hashing is additive, so this equals scoring :meth:`Candidate.all_features`).
    """
    return many_scores([(model, cands, n_bits)])[0]


def many_scores(jobs: Sequence[tuple["LinearModel", Sequence["Candidate"], int]]) -> list[np.ndarray]:
    """:func:`candidate_scores` of each ``(model, candidates, n_bits)``, every candidate of every job in one gather.

    A draft's company and role candidates are scored together: the rows are
    laid end to end, each job's columns gathered from its own weights, and one
    ``np.add.reduceat`` sums every row (each row's sum is its own segment's, so
    the floats are those of one call per job); a dict of shared features is hashed
    once for every job. Jobs of different ``n_bits`` are scored one by one.
    """
    if not jobs:
        return []
    if len({n for _, _, n in jobs}) > 1:
        return [many_scores([job])[0] for job in jobs]
    n_bits = jobs[0][2]
    shared_rows: list[list[float]] = []
    # every candidate's hashed row, laid end to end in two flat lists: one gather for all of them
    names: list[str] = []
    vals: list[float] = []
    sizes: list[int] = []
    rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # shared_row of each distinct dict, for every job
    for model, cands, _ in jobs:
        coef = model.coef[0]
        shared: dict[int, float] = {}
        for c in cands:
            key = id(c.shared)
            if key not in shared:
                if key not in rows and c.shared:
                    rows[key] = shared_row(c.shared, n_bits)
                shared[key] = shared_score(coef, c.shared, n_bits, rows.get(key))
        shared_rows.append([shared[id(c.shared)] for c in cands])
        for c in cands:
            f = c.features
            sizes.append(len(f))
            names.extend(f)
            vals.extend(f.values())
    n_rows = len(sizes)
    cols = feature_columns(names, n_bits)
    starts = np.zeros(n_rows, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    col_arr = np.array(cols, dtype=np.int64)
    if len(cols) > 1:
        # two names of one row sharing a column (rare): (row, column) pairs repeat
        keyed = np.sort(col_arr + (np.repeat(np.arange(n_rows, dtype=np.int64), sizes) << n_bits))
        clash = bool((keyed[1:] == keyed[:-1]).any())
    else:
        clash = False
    if clash:
        # named_features sums such names into one entry (a row without a clash comes out the same either way)
        cols, vals, start_list = [], [], []
        for _, cands, _ in jobs:
            for c in cands:
                row = named_features(c.features, n_bits)
                start_list.append(len(cols))
                cols.extend(row)
                vals.extend(row.values())
        col_arr = np.array(cols, dtype=np.int64)
        starts = np.array(start_list, dtype=np.int64)
    val_arr = np.array(vals, dtype=np.float64)
    if not clash:
        val_arr += 0.0  # as named_features adds each value to 0.0 (the same IEEE addition, in bulk)
    sums = np.zeros(n_rows)
    if len(col_arr):
        ends = np.append(starts[1:], len(col_arr))
        # each job's stretch of columns gathered from its own weights
        first_row = np.cumsum([0] + [len(cands) for _, cands, _ in jobs]).tolist()
        bounds = [int(starts[r]) if r < n_rows else len(col_arr) for r in first_row]
        weights = [model.coef[0][col_arr[bounds[j] : bounds[j + 1]]] for j, (model, _, _) in enumerate(jobs)]
        contrib = (weights[0] if len(weights) == 1 else np.concatenate(weights)).astype(np.float64) * val_arr
        nonempty = ends > starts
        sums[nonempty] = np.add.reduceat(contrib, starts[nonempty])
    out = []
    row = 0
    for (model, cands, _), job_shared in zip(jobs, shared_rows):
        out.append(sums[row : row + len(cands)] + np.array(job_shared) + float(model.intercept[0]))
        row += len(cands)
    return out
