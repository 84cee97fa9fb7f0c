"""Training the company and role candidate rankers, with their threshold tuned on dev data."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Sequence

import numpy as np

from ..components.candidates import RANKER_BITS
from ..errors import DataError
from ..modelio import LinearModel
from ..schema import TASK_COLUMN
from .classifier import TrainResult, library_versions
from .config import MIN_PER_CLASS, TrainingConfig
from .estimators import logistic_regression
from .examples import Example, data_hash
from .featurize import Featurizer, ranker_matrix, ranker_rows
from .metrics import slot_metrics


def best_per_doc(cands, groups, probs, n_docs):
    best: list[tuple[str | None, float]] = [(None, -1.0)] * n_docs
    for c, g, p in zip(cands, groups, probs):
        if p > best[g][1]:
            best[g] = (c.text, float(p))
    return best


def train_ranker(
    task: str,
    train: Sequence[Example],
    dev: Sequence[Example],
    test: Sequence[Example],
    config: TrainingConfig,
    *,
    featurizer: Featurizer,
    seed: int = 0,
) -> TrainResult:
    """Fit a candidate ranker for ``company`` or ``role``; tune its threshold on ``dev``."""
    col = TASK_COLUMN[task]
    tr_docs = featurizer.docs([e.text for e in train])
    cands, ys, _ = ranker_rows(featurizer, task, tr_docs, [e.labels.get(col) for e in train])
    if sum(ys) < MIN_PER_CLASS:
        raise DataError(f"fewer than {MIN_PER_CLASS} {col} spans found among the candidates; cannot train the {task} ranker")
    X = ranker_matrix(cands, RANKER_BITS)
    tc = config.task(task)
    clf = logistic_regression(tc, seed)
    clf.fit(X, np.asarray(ys))
    model = LinearModel(task=task, labels=("no", "yes"), coef=np.asarray(clf.coef_, dtype=np.float32), intercept=np.asarray(clf.intercept_, dtype=np.float32))

    def predict(examples):
        docs = featurizer.docs([e.text for e in examples])
        c, _, g = ranker_rows(featurizer, task, docs, [None] * len(examples))
        probs = clf.predict_proba(ranker_matrix(c, RANKER_BITS))[:, 1] if c else np.zeros(0)
        return best_per_doc(c, g, probs, len(examples))

    threshold = 0.5
    tune_on = dev if dev else train
    best_pred = predict(tune_on)
    gold_dev = [e.labels.get(col) for e in tune_on]
    best_f1 = -1.0
    for t in np.arange(0.05, 0.96, 0.05):
        f1 = slot_metrics(gold_dev, [p if s >= t else None for p, s in best_pred])["f1"]
        if f1 > best_f1 + 1e-9:
            best_f1, threshold = f1, round(float(t), 2)
    metrics: dict[str, Any] = {"dev": slot_metrics(gold_dev, [p if s >= threshold else None for p, s in best_pred])}
    if test:
        pt = predict(test)
        metrics["test"] = slot_metrics([e.labels.get(col) for e in test], [p if s >= threshold else None for p, s in pt])
    manifest = {
        "featurizer": {"n_bits": RANKER_BITS, "kind": "slot-candidates"},
        "threshold": threshold,
        "hyperparameters": asdict(tc),
        "training": {"n_train": len(train), "n_candidates": len(cands), "n_positive": int(sum(ys)), "data_sha256": data_hash(train), "seed": seed},
        "metrics": metrics,
        "versions": library_versions(),
    }
    return TrainResult(model, manifest, metrics)
