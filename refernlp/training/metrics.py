"""Metrics: accuracy, macro-F1 (one F1), per-class scores and confusion matrices; slot exact-match scores."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np


# --- metrics --------------------------------------------------------------------
def f1_score(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0 when both are 0): the one F1 of refernlp."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def classification_metrics(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix (rows = gold)."""
    labels = list(labels)
    index = {l: i for i, l in enumerate(labels)}
    cm = np.zeros((len(labels), len(labels)), dtype=int)
    for g, p in zip(gold, pred):
        if g in index and p in index:
            cm[index[g], index[p]] += 1
    per = {}
    f1s = []
    for i, l in enumerate(labels):
        tp = cm[i, i]
        prec = tp / cm[:, i].sum() if cm[:, i].sum() else 0.0
        rec = tp / cm[i, :].sum() if cm[i, :].sum() else 0.0
        f1 = f1_score(prec, rec)
        per[l] = {"precision": round(float(prec), 4), "recall": round(float(rec), 4), "f1": round(float(f1), 4), "support": int(cm[i, :].sum())}
        if cm[i, :].sum():
            f1s.append(f1)
    total = cm.sum()
    return {
        "n": int(total),
        "accuracy": round(float(np.trace(cm) / total), 4) if total else 0.0,
        "macro_f1": round(float(np.mean(f1s)), 4) if f1s else 0.0,
        "per_class": per,
        "labels": labels,
        "confusion_matrix": cm.tolist(),
    }


def slot_metrics(gold: Sequence[str | None], pred: Sequence[str | None]) -> dict[str, Any]:
    """Exact-match precision/recall/F1 of a single-valued slot (None = absent)."""
    tp = sum(1 for g, p in zip(gold, pred) if g is not None and p is not None and g == p)
    n_pred = sum(1 for p in pred if p is not None)
    n_gold = sum(1 for g in gold if g is not None)
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    f1 = f1_score(prec, rec)
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "n_gold": n_gold, "n_pred": n_pred, "n_correct": tp}


def weighted_scores(gold_idx: np.ndarray, probs: np.ndarray, weights: np.ndarray, n_classes: int) -> dict[str, float]:
    """Weighted accuracy, macro-F1 and log-loss of ``probs`` against class indices ``gold_idx``."""
    pred = probs.argmax(axis=1)
    total = weights.sum()
    f1s = []
    for c in range(n_classes):
        tp = weights[(pred == c) & (gold_idx == c)].sum()
        n_pred, n_gold = weights[pred == c].sum(), weights[gold_idx == c].sum()
        if n_gold:
            prec = tp / n_pred if n_pred else 0.0
            rec = tp / n_gold
            f1s.append(f1_score(prec, rec))
    ll = -np.log(np.clip(probs[np.arange(len(gold_idx)), gold_idx], 1e-15, 1.0))
    return {
        "accuracy": float(weights[pred == gold_idx].sum() / total),
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "log_loss": float((weights * ll).sum() / total),
    }
