"""Training one classifier task: the linear head, the neural head, their blend, test metrics and the manifest."""

from __future__ import annotations

import platform
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np

from ..modelio import LinearModel, probabilities
from ..schema import TASK_COLUMN, TASK_LABELS
from .blend import BLEND_RULE, choose_blend, fold_blend
from .config import Progress, TrainingConfig
from .estimators import decision_values, fit_lr, fit_many, to_linear
from .examples import Example, data_hash
from .featurize import Featurizer
from .metrics import classification_metrics


# --- training ---------------------------------------------------------------------
@dataclass
class TrainResult:
    model: LinearModel
    manifest: dict[str, Any]
    metrics: dict[str, Any]


def library_versions() -> dict[str, str]:
    from importlib.metadata import version

    from .._version import __version__

    return {"refernlp": __version__, "numpy": np.__version__, "scikit-learn": version("scikit-learn"), "python": platform.python_version()}


def train_classifier(
    task: str,
    train: Sequence[Example],
    test: Sequence[Example],
    config: TrainingConfig,
    *,
    featurizer: Featurizer,
    seed: int = 0,
    encoder=None,
    progress: Progress | None = None,
    fixed_weight: float | None = None,
) -> TrainResult:
    """Fit one classifier on ``train``, evaluate on ``test`` (may be empty).

    With ``encoder`` (neural backend) two heads are fitted: the linear one (n-gram
    and strategy features) and a hybrid one (the same features plus the encoder's
    sentence embedding, weighted by ``config.embedding_weight``). Their decision
    values are blended, ``z = (1 - w) * z_linear + w * z_neural`` (log-linear
    pooling of the two probability estimates), with ``w`` chosen on out-of-fold
    predictions over the training data (:func:`choose_blend`), never on ``test``.
    Both heads are linear, so the blend folds into one set of weights: what is
    saved is a single :class:`LinearModel`, as cheap and as inspectable as either.
    ``fixed_weight`` skips the selection (used with a fine-tuned encoder, whose
    embeddings have seen every training label, so out-of-fold scores would be biased).
    """
    col = TASK_COLUMN[task]
    labels = TASK_LABELS[task]
    fc = config.features
    texts = [e.text for e in train]
    y = [e.labels[col] for e in train]
    w = np.asarray([e.weight for e in train], dtype=np.float64)
    metrics: dict[str, Any] = {}
    blend: dict[str, Any] | None = None
    if encoder is None:
        clf, classes = fit_lr(featurizer.hybrid(texts, fc), y, labels, config.task(task), w, seed)
        model = to_linear(task, clf, classes, fc.n_bits)
        if test:
            pred = [classes[i] for i in clf.predict_proba(featurizer.hybrid([e.text for e in test], fc)).argmax(axis=1)]
            metrics["test"] = classification_metrics([e.labels[col] for e in test], pred, classes)
    else:
        alpha = config.embedding_weight
        XL = featurizer.hybrid(texts, fc)
        XN = featurizer.with_embeddings(XL, texts, encoder, alpha)
        if fixed_weight is None:
            weight, blend = choose_blend(task, XL, XN, y, w, config, seed=seed, progress=progress)
        else:
            weight = float(fixed_weight)
            blend = {"neural_weight": weight, "rule": BLEND_RULE, "selection": {"fixed": "the encoder was fine-tuned on these training labels, so out-of-fold blend selection would be biased"}}
        (lin, classes), (neu, _) = fit_many([(XL, None), (XN, None)], y, labels, config.task(task), w, seed)
        linear_model = to_linear(task, lin, classes, fc.n_bits)
        neural_model = to_linear(task, neu, classes, fc.n_bits, alpha)
        model = fold_blend(linear_model, neural_model, weight)
        if test:
            gold = [e.labels[col] for e in test]
            tl = [e.text for e in test]
            XLt = featurizer.hybrid(tl, fc)
            zl, zn = decision_values(lin, XLt), decision_values(neu, featurizer.with_embeddings(XLt, tl, encoder, alpha))
            blend["components_test"] = {
                name: {k: classification_metrics(gold, [classes[i] for i in probabilities(z).argmax(axis=1)], classes)[k] for k in ("accuracy", "macro_f1")}
                for name, z in (("linear", zl), ("neural", zn))
            }
            # the metrics of what ships: the folded float32 weights
            embs = featurizer.embeddings(tl, encoder) if model.dense is not None else None
            metrics["test"] = classification_metrics(gold, [classes[i] for i in predict_rows(model, XLt, embs)], classes)
    feat = fc.to_dict()
    if model.dense is not None:
        feat["embedding"] = {"encoder": encoder.name, "dim": encoder.dim, "weight": config.embedding_weight, "encoder_sha256": encoder.fingerprint}
    manifest = {
        "featurizer": feat,
        "backend": "neural" if model.dense is not None else "linear",
        "hyperparameters": asdict(config.task(task)),
        "training": {"n_train": len(train), "n_test": len(test), "data_sha256": data_hash(train), "seed": seed, "label_counts": {l: sum(1 for v in y if v == l) for l in classes}},
        "metrics": metrics,
        "versions": library_versions(),
    }
    if blend is not None:
        manifest["blend"] = blend
    return TrainResult(model, manifest, metrics)


def predict_rows(model: LinearModel, X, embeddings) -> np.ndarray:
    z = np.asarray(X @ model.coef.astype(np.float64).T) + model.intercept
    if model.dense is not None:
        z = z + np.asarray(embeddings, dtype=np.float64) @ model.dense.astype(np.float64).T
    return probabilities(z).argmax(axis=1)
