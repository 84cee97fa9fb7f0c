"""Cross-validation on the Stanford Politeness Corpus (Wikipedia quartile task), plain and nested for the blend."""

from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np

from ..modelio import probabilities
from .blend import blend_curve, pick_weight
from .config import Progress, TaskConfig, TrainingConfig
from .estimators import decision_values, fit_lr, fit_many, stratified_folds
from .featurize import Featurizer


# --- Stanford politeness cross-validation ------------------------------------------
def stanford_cv(texts: Sequence[str], labels: Sequence[str], config: TrainingConfig, *, featurizer: Featurizer, k: int = 10, seed: int = 0, progress: Progress | None = None, encoder=None, blend_weight: float | None = None) -> dict[str, Any]:
    """Stratified k-fold accuracy of the politeness learner on the binary quartile task.

    With ``encoder`` and ``blend_weight`` (neural backend) both heads are fitted on
    every fold and blended as the shipped model is (:func:`fold_blend`); the result
    also holds each head alone and a *nested* estimate in which the weight is
    re-chosen inside every fold from that fold's training part only, the way
    :func:`choose_blend` chooses it.
    """
    y = np.asarray(labels)
    folds = stratified_folds(y, k, seed)
    if encoder is not None and blend_weight is not None:
        return stanford_cv_blend(list(texts), y, folds, config, featurizer, encoder, float(blend_weight), seed, progress)
    X = featurizer.hybrid(list(texts), config.features, encoder, config.embedding_weight)
    from joblib import Parallel, delayed

    # folds are independent and deterministic: fit them on all cores
    accs = Parallel(n_jobs=min(k, os.cpu_count() or 1))(delayed(fold_accuracy)(X, y, tr, te, config.politeness, seed) for tr, te in folds)
    if progress:
        for fold, acc in enumerate(accs):
            progress(f"cross-validation fold {fold + 1}/{k}: accuracy {acc:.3f}")
    return cv_summary(accs) | {"k": k, "n": len(y)}


def cv_summary(accs: Sequence[float]) -> dict[str, Any]:
    return {"fold_accuracies": [round(float(a), 4) for a in accs], "mean_accuracy": round(float(np.mean(accs)), 4), "std": round(float(np.std(accs)), 4)}


def stanford_cv_blend(texts, y, folds, config: TrainingConfig, featurizer: Featurizer, encoder, weight: float, seed: int, progress: Progress | None) -> dict[str, Any]:

    XL = featurizer.hybrid(texts, config.features)
    XN = featurizer.with_embeddings(XL, texts, encoder, config.embedding_weight)
    labels = tuple(sorted(set(y)))
    gold_idx = np.asarray([labels.index(v) for v in y])
    inner_k = int(config.blend_folds)
    jobs, inner = [], []
    for tr, _ in folds:
        jobs += [(XL, tr), (XN, tr)]
        splits = stratified_folds(y[tr], inner_k, seed)
        inner.append([(tr[a], tr[b]) for a, b in splits])
        jobs += [(X, itr) for itr, _ in inner[-1] for X in (XL, XN)]
    if progress:
        progress(f"cross-validation: {len(jobs)} fits ({len(folds)} folds, each with a {inner_k}-fold inner blend selection)")
    fits = iter(fit_many(jobs, y, labels, config.politeness, None, seed))
    acc = {"blend": [], "linear": [], "neural": [], "nested": []}
    chosen = []
    ones = np.ones(len(y))
    for fold, (tr, te) in enumerate(folds):
        lin, neu = next(fits)[0], next(fits)[0]
        zl_in, zn_in = np.zeros((len(y), 1)), np.zeros((len(y), 1))
        for itr, ite in inner[fold]:
            il, inn = next(fits)[0], next(fits)[0]
            zl_in[ite], zn_in[ite] = decision_values(il, XL[ite]), decision_values(inn, XN[ite])
        w_k = pick_weight(blend_curve(zl_in[tr], zn_in[tr], gold_idx[tr], ones[tr], len(labels)), "accuracy")
        zl, zn = decision_values(lin, XL[te]), decision_values(neu, XN[te])
        score = lambda w: float(((probabilities((1 - w) * zl + w * zn).argmax(axis=1)) == gold_idx[te]).mean())  # noqa: E731
        acc["blend"].append(score(weight))
        acc["linear"].append(score(0.0))
        acc["neural"].append(score(1.0))
        acc["nested"].append(score(w_k))
        chosen.append(w_k)
        if progress:
            progress(f"cross-validation fold {fold + 1}/{len(folds)}: blend {acc['blend'][-1]:.3f}, linear {acc['linear'][-1]:.3f}, neural {acc['neural'][-1]:.3f}, nested {acc['nested'][-1]:.3f} (inner weight {w_k})")
    return cv_summary(acc["blend"]) | {
        "k": len(folds),
        "n": len(y),
        "neural_weight": weight,
        "components": {"linear": cv_summary(acc["linear"]), "neural": cv_summary(acc["neural"])},
        "nested": cv_summary(acc["nested"]) | {"inner_folds": inner_k, "weights": chosen},
    }


# --- writing model directories -------------------------------------------------------
def fold_accuracy(X, y, tr, te, cfg: TaskConfig, seed: int) -> float:
    clf, _ = fit_lr(X[tr], y[tr], sorted(set(y)), cfg, None, seed)
    return float((clf.predict(X[te]) == y[te]).mean())
