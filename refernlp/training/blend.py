"""Blending the linear and neural heads: the weight chosen on out-of-fold training predictions, folded into one model."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import ConfigError, DataError
from ..modelio import LinearModel, probabilities
from ..schema import CLASSIFIER_TASKS, TASK_LABELS, TASKS
from .config import Progress, TrainingConfig
from .estimators import decision_values, fit_many, stratified_folds
from .metrics import weighted_scores

# --- neural backend: blending the linear and the hybrid head -------------------------
BLEND_GRID = tuple(round(0.1 * i, 1) for i in range(11))


BLEND_RULE = "z = (1 - neural_weight) * z_linear + neural_weight * z_neural, folded into one set of weights"


#: the metric each task's blend weight maximises (the headline metric of its model card)
SELECTION_METRIC = {t: TASKS[t].metric for t in CLASSIFIER_TASKS}


def blend_curve(zl: np.ndarray, zn: np.ndarray, gold_idx: np.ndarray, weights: np.ndarray, n_classes: int) -> list[dict[str, float]]:
    """Scores of ``(1 - w) * zl + w * zn`` for every ``w`` in :data:`BLEND_GRID`."""
    return [{"weight": g, **weighted_scores(gold_idx, probabilities((1 - g) * zl + g * zn), weights, n_classes)} for g in BLEND_GRID]


def pick_weight(curve: Sequence[Mapping[str, float]], metric: str) -> float:
    """The grid weight with the best ``metric``; ties go to the lower log-loss, then to the smaller weight."""
    best = max(curve, key=lambda r: (round(r[metric], 9), -round(r["log_loss"], 9), -r["weight"]))
    return float(best["weight"])


def choose_blend(task: str, XL, XN, y: Sequence[str], weights: np.ndarray, config: TrainingConfig, *, seed: int = 0, progress: Progress | None = None) -> tuple[float, dict[str, Any]]:
    """Choose the neural weight ``w`` from ``config.blend_folds``-fold out-of-fold decision values.

    Both heads are refitted on each fold's training part; every training row gets
    a held-out prediction from each head, and ``w`` maximises the task's
    :data:`SELECTION_METRIC` (weighted by the examples' weights) over :data:`BLEND_GRID`.
    """

    labels = tuple(sorted(TASK_LABELS[task]))
    y_arr = np.asarray(y)
    k = config.blend_folds
    if type(k) is not int or k < 2:
        raise ConfigError(f"blend_folds must be an integer of at least 2, got {k!r}")
    smallest = min(int((y_arr == label).sum()) for label in labels)
    if smallest < k:
        raise DataError(f"{task}: a class has only {smallest} training example(s), fewer than blend_folds ({k}); add examples or lower blend_folds")
    if progress:
        progress(f"{task}: choosing the linear/neural blend on {k}-fold out-of-fold predictions")
    folds = stratified_folds(y_arr, k, seed)
    fits = fit_many([(X, tr) for X in (XL, XN) for tr, _ in folds], y_arr, labels, config.task(task), weights, seed)
    zl = np.zeros((len(y_arr), 1 if len(labels) == 2 else len(labels)))
    zn = np.zeros_like(zl)
    for i, (_, te) in enumerate(folds):
        zl[te] = decision_values(fits[i][0], XL[te])
        zn[te] = decision_values(fits[k + i][0], XN[te])
    gold_idx = np.asarray([labels.index(v) for v in y_arr])
    curve = blend_curve(zl, zn, gold_idx, np.asarray(weights, dtype=np.float64), len(labels))
    metric = SELECTION_METRIC[task]
    weight = pick_weight(curve, metric)
    if progress:
        at = {r["weight"]: r[metric] for r in curve}
        progress(f"{task}: out-of-fold {metric} linear {at[0.0]:.3f}, neural {at[1.0]:.3f}, blend {at[weight]:.3f} at neural weight {weight}")
    return weight, {
        "neural_weight": weight,
        "rule": BLEND_RULE,
        "selection": {"folds": k, "metric": metric, "n": int(len(y_arr)), "curve": [{k2: round(v, 4) for k2, v in r.items()} for r in curve]},
    }


def fold_blend(linear: LinearModel, neural: LinearModel, weight: float) -> LinearModel:
    """One linear model equal to blending the two heads' decision values with neural weight ``weight``.

    ``weight == 0`` gives back the linear model (no embedding needed at all).
    """
    if linear.labels != neural.labels or linear.coef.shape != neural.coef.shape:
        raise DataError("cannot blend models with different labels or feature widths")
    if weight <= 0.0:
        return linear
    a, b = 1.0 - weight, weight
    coef = (a * linear.coef.astype(np.float64) + b * neural.coef.astype(np.float64)).astype(np.float32)
    intercept = (a * linear.intercept.astype(np.float64) + b * neural.intercept.astype(np.float64)).astype(np.float32)
    dense = (b * neural.dense.astype(np.float64)).astype(np.float32) if neural.dense is not None else None
    return LinearModel(task=linear.task, labels=linear.labels, coef=coef, intercept=intercept, dense=dense)
