"""The learners: the only scikit-learn imports of refernlp, and their export to :class:`~refernlp.modelio.LinearModel`."""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from ..errors import DataError
from ..modelio import LinearModel
from .config import TaskConfig


def logistic_regression(cfg: TaskConfig, seed: int = 0):
    """The one logistic-regression set-up every head and ranker uses (lbfgs, seeded)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=cfg.C, max_iter=cfg.max_iter, class_weight=cfg.class_weight, solver="lbfgs", random_state=seed)


def stratified_folds(y, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` shuffled, stratified (train, test) index folds of labels ``y``."""
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(y)
    return list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))


def fit_lr(X, y: Sequence[str], labels: Sequence[str], cfg: TaskConfig, weights=None, seed: int = 0):
    """Fit a classifier head; refuses training data that misses one of ``labels``."""
    clf = logistic_regression(cfg, seed)
    clf.fit(X, np.asarray(y), sample_weight=weights)
    classes = tuple(str(c) for c in clf.classes_)
    if classes != tuple(sorted(labels)):
        raise DataError(f"training data covers labels {list(classes)}, expected {sorted(labels)}")
    return clf, classes


def to_linear(task: str, clf, classes: tuple[str, ...], n_bits: int, embedding_scale: float = 1.0) -> LinearModel:
    """Export a fitted classifier; with appended embedding columns (trained on ``embedding * scale``)
    the scale is folded into the ``dense`` weights, so inference takes the raw embedding."""
    coef = np.asarray(clf.coef_, dtype=np.float64)
    intercept = np.asarray(clf.intercept_, dtype=np.float32)
    width = 1 << n_bits
    if coef.shape[1] < width:
        raise DataError("unexpected feature width")
    dense = (coef[:, width:] * embedding_scale).astype(np.float32) if coef.shape[1] > width else None
    # n-gram weights are stored as float16 (half the package size); round here so that
    # the model measured in training is exactly the one that ships
    sparse = np.ascontiguousarray(coef[:, :width], dtype=np.float32).astype(np.float16).astype(np.float32)
    return LinearModel(task=task, labels=classes, coef=sparse, intercept=intercept, dense=dense)


def fit_many(jobs, y, labels, cfg: TaskConfig, weights, seed: int):
    """Fit one logistic regression per ``(X, rows)`` job (``rows=None``: all), in parallel."""
    from joblib import Parallel, delayed

    y = np.asarray(y)

    def fit(X, rows):
        if rows is None:
            return fit_lr(X, y, labels, cfg, weights, seed)
        return fit_lr(X[rows], y[rows], labels, cfg, None if weights is None else weights[rows], seed)

    n_jobs = min(len(jobs), os.cpu_count() or 1)
    return Parallel(n_jobs=n_jobs)(delayed(fit)(X, rows) for X, rows in jobs)


def decision_values(clf, X) -> np.ndarray:
    """Decision values as an ``(n, n_rows)`` array (one column for a binary model)."""
    z = clf.decision_function(X)
    return z.reshape(len(z), -1)


