"""The candidate rankers' linear scores: every candidate of a draft in one gather (``models/company``, ``models/role``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from ..features import feature_columns, named_features

if TYPE_CHECKING:
    from ..modelio import LinearModel
    from .candidates import Candidate


def shared_score(coef: np.ndarray, shared: Mapping[str, float], n_bits: int) -> float:
    """The score of one dict of draft-level features: ``named_features`` of it, gathered and summed as before."""
    if not shared:
        return 0.0
    cols = feature_columns(list(shared), n_bits)
    if len(set(cols)) == len(cols):
        # no two names share a column: named_features' row is these columns and 0.0 + each value, in order
        idx = np.array(cols, dtype=np.int64)
        val = np.fromiter(shared.values(), dtype=np.float64, count=len(cols)) + 0.0
    else:
        row = named_features(shared, n_bits)
        idx = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
        val = np.fromiter(row.values(), dtype=np.float64, count=len(row))
    return float(coef[idx].astype(np.float64) @ val)


def candidate_scores(model: "LinearModel", cands: Sequence["Candidate"], n_bits: int) -> np.ndarray:
    """The linear score of every candidate under a one-row ``model``, in one gather.

    Draft-level ``shared`` features are scored once per distinct dict and added
    (hashing is additive, so this equals scoring :meth:`Candidate.all_features`).
    """
    coef = model.coef[0]
    shared: dict[int, float] = {}
    for c in cands:
        if id(c.shared) not in shared:
            shared[id(c.shared)] = shared_score(coef, c.shared, n_bits)
    # every candidate's hashed row, laid end to end in two flat lists: one gather for all of them
    names: list[str] = []
    vals: list[float] = []
    sizes = []
    for c in cands:
        f = c.features
        sizes.append(len(f))
        names.extend(f)
        vals.extend(f.values())
    cols = feature_columns(names, n_bits)
    starts = np.zeros(len(cands), dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    col_arr = np.array(cols, dtype=np.int64)
    if len(cols) > 1:
        # two names of one row sharing a column (rare): (row, column) pairs repeat
        keyed = np.sort(col_arr + (np.repeat(np.arange(len(cands), dtype=np.int64), sizes) << n_bits))
        clash = bool((keyed[1:] == keyed[:-1]).any())
    else:
        clash = False
    if clash:
        # named_features sums such names into one entry
        cols, vals, start_list = [], [], []
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
    sums = np.zeros(len(cands))
    if len(col_arr):
        contrib = coef[col_arr].astype(np.float64) * val_arr
        ends = np.append(starts[1:], len(col_arr))
        nonempty = ends > starts
        sums[nonempty] = np.add.reduceat(contrib, starts[nonempty])
    return sums + np.array([shared[id(c.shared)] for c in cands]) + float(model.intercept[0])
