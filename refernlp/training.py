"""Training and evaluation: the code behind ``refernlp train``, ``refernlp evaluate`` and
``scripts/train_models.py``.

scikit-learn is imported here only (never on the critique path). The learned
weights are exported to :class:`~refernlp.modelio.LinearModel` arrays.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .schema import ALL_TASKS, CLASSIFIER_TASKS, RANKER_TASKS, TASK_BY_CLI, TASK_COLUMN, TASK_LABELS, TASKS
from .errors import ConfigError, DataError
from .features import FeatureConfig, named_features, text_features
from .modelio import LinearModel
from .pipeline import doc_cues, doc_words, make_nlp

MIN_PER_CLASS = 5
RANKER_BITS = 16
Progress = Callable[[str], None]


@dataclass(frozen=True)
class TaskConfig:
    """Hyper-parameters of one task's logistic regression."""

    C: float = 4.0
    max_iter: int = 2000
    class_weight: str | None = "balanced"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "TaskConfig":
        unknown = set(d) - set(cls.__dataclass_fields__)
        if unknown:
            raise ConfigError(f"unknown task setting(s) {sorted(unknown)}; expected {sorted(cls.__dataclass_fields__)}")
        return cls(**d)


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that decides a trained model. Load from TOML/JSON with :meth:`from_file`."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    request_type: TaskConfig = field(default_factory=lambda: TaskConfig(C=4.0))
    transparency: TaskConfig = field(default_factory=lambda: TaskConfig(C=4.0))
    politeness: TaskConfig = field(default_factory=lambda: TaskConfig(C=1.0))
    relationship: TaskConfig = field(default_factory=lambda: TaskConfig(C=4.0))
    company: TaskConfig = field(default_factory=lambda: TaskConfig(C=1.0, class_weight=None))
    role: TaskConfig = field(default_factory=lambda: TaskConfig(C=1.0, class_weight=None))
    #: weight of each Stanford Politeness Corpus row relative to a referral draft
    stanford_weight: float = 0.5
    #: neural backend: scale of the (unit-norm) sentence embedding beside the n-gram features
    embedding_weight: float = 1.0
    #: neural backend: folds of the out-of-fold predictions that choose the linear/neural blend weight
    blend_folds: int = 5
    #: neural backend with fine-tuning (``refernlp train --fine-tune``): epochs, learning rate and batch size
    fine_tune_epochs: int = 3
    fine_tune_lr: float = 3e-5
    fine_tune_batch_size: int = 16

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["features"] = self.features.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "TrainingConfig":
        known = set(cls.__dataclass_fields__)
        unknown = set(d) - known
        if unknown:
            raise ConfigError(f"unknown config key(s) {sorted(unknown)}; expected some of {sorted(known)}")
        kw: dict[str, Any] = {}
        for key, value in d.items():
            if key == "features":
                if not isinstance(value, Mapping):
                    raise ConfigError("[features] must be a table")
                unknown_f = set(value) - set(FeatureConfig.__dataclass_fields__)
                if unknown_f:
                    raise ConfigError(f"unknown [features] setting(s) {sorted(unknown_f)}")
                kw[key] = FeatureConfig.from_dict(value)
            elif key in ALL_TASKS:
                if not isinstance(value, Mapping):
                    raise ConfigError(f"[{key}] must be a table")
                kw[key] = TaskConfig.from_dict(value)
            else:
                kw[key] = value
        try:
            return cls(**kw)
        except TypeError as exc:
            raise ConfigError(str(exc)) from None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> "TrainingConfig":
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise ConfigError(f"{p}: cannot read config ({exc.strerror or exc})") from None
        try:
            if p.suffix.lower() == ".json":
                data = json.loads(raw.decode("utf-8"))
            else:
                import tomllib

                data = tomllib.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{p}: invalid config ({exc})") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{p}: config must be a table/object")
        return cls.from_dict(data)

    def task(self, name: str) -> TaskConfig:
        return getattr(self, name)


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


# --- featurisation --------------------------------------------------------------
class Featurizer:
    """Runs the pipeline once per text and caches everything training needs."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.nlp = make_nlp()
        self.slots = self.nlp.get_pipe("refernlp_slots")
        self.progress = progress

    def docs(self, texts: Sequence[str]) -> list:
        """Processed Docs of ``texts``; each distinct text runs through the pipeline once per Featurizer."""
        from .textio import prepare

        cache = self.__dict__.setdefault("_doc_cache", {})
        prepared = [prepare(t).text for t in texts]
        todo = list(dict.fromkeys(p for p in prepared if p not in cache))
        step = max(1, len(todo) // 10)
        for i, doc in enumerate(self.nlp.pipe(todo, batch_size=128)):
            cache[todo[i]] = doc
            if self.progress and (i + 1) % step == 0:
                self.progress(f"featurised {i + 1}/{len(todo)} texts")
        return [cache[p] for p in prepared]

    def embeddings(self, texts: Sequence[str], encoder) -> np.ndarray:
        """Sentence embeddings of the prepared texts (cached: each text is encoded once)."""
        from .textio import prepare

        # one cache per encoder: a fine-tuned encoder gives other embeddings for the same text
        cache = self.__dict__.setdefault("_emb_cache", {}).setdefault(getattr(encoder, "fingerprint", "") or id(encoder), {})
        todo = sorted({prepare(t).text for t in texts} - set(cache))
        if todo:
            if self.progress:
                self.progress(f"encoding {len(todo)} texts with {encoder.name}")
            for start in range(0, len(todo), 256):
                chunk = todo[start : start + 256]
                for t, e in zip(chunk, encoder.encode(chunk)):
                    cache[t] = e
                if self.progress:
                    self.progress(f"featurised {min(start + 256, len(todo))}/{len(todo)} texts")
        return np.stack([cache[prepare(t).text] for t in texts]) if texts else np.zeros((0, encoder.dim), dtype=np.float32)

    def hybrid(self, texts: Sequence[str], config: FeatureConfig, encoder=None, weight: float = 1.0):
        """The sparse feature matrix, with the encoder's embeddings appended when ``encoder`` is given."""
        X = self.matrix(self.docs(list(texts)), config)
        return X if encoder is None else self.with_embeddings(X, texts, encoder, weight)

    def with_embeddings(self, X, texts: Sequence[str], encoder, weight: float = 1.0):
        """``X`` (rows for ``texts``) with the encoder's embeddings × ``weight`` appended as columns."""
        from scipy.sparse import csr_matrix, hstack

        return hstack([X, csr_matrix(self.embeddings(texts, encoder).astype(np.float64) * weight)]).tocsr()

    def matrix(self, docs: Sequence, config: FeatureConfig):
        """CSR feature matrix of ``docs`` (rows cached per text and configuration)."""
        from scipy.sparse import csr_matrix

        cache = self.__dict__.setdefault("_row_cache", {})
        indptr, indices, values = [0], [], []
        for doc in docs:
            key = (config, doc.text)
            if key not in cache:
                row = text_features(doc_words(doc), doc.text, doc_cues(doc), config)
                cache[key] = sorted(row.items())
            for k, v in cache[key]:
                indices.append(k)
                values.append(v)
            indptr.append(len(indices))
        return csr_matrix((np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)), shape=(len(docs), 1 << config.n_bits))


def _fit_lr(X, y: Sequence[str], labels: Sequence[str], cfg: TaskConfig, weights=None, seed: int = 0):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter, class_weight=cfg.class_weight, solver="lbfgs", random_state=seed)
    clf.fit(X, np.asarray(y), sample_weight=weights)
    classes = tuple(str(c) for c in clf.classes_)
    if classes != tuple(sorted(labels)):
        raise DataError(f"training data covers labels {list(classes)}, expected {sorted(labels)}")
    return clf, classes


def _to_linear(task: str, clf, classes: tuple[str, ...], n_bits: int, embedding_scale: float = 1.0) -> LinearModel:
    """Export a fitted classifier; with appended embedding columns (trained on ``embedding * scale``)
    the scale is folded into the ``dense`` weights, so inference takes the raw embedding."""
    coef = np.asarray(clf.coef_, dtype=np.float64)
    intercept = np.asarray(clf.intercept_, dtype=np.float32)
    width = 1 << n_bits
    if coef.shape[1] < width:
        raise DataError("unexpected feature width")
    dense = (coef[:, width:] * embedding_scale).astype(np.float32) if coef.shape[1] > width else None
    return LinearModel(task=task, labels=classes, coef=np.ascontiguousarray(coef[:, :width], dtype=np.float32), intercept=intercept, dense=dense)


# --- metrics --------------------------------------------------------------------
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
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
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
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "n_gold": n_gold, "n_pred": n_pred, "n_correct": tp}


# --- validation -----------------------------------------------------------------
def validate_examples(task: str, examples: Sequence[Example], *, where: str = "data", min_per_class: int = MIN_PER_CLASS) -> list[Example]:
    """Keep the examples labelled for ``task``; raise :class:`DataError` on bad labels or rows."""
    col = TASK_COLUMN[task]
    if not any(col in ex.labels for ex in examples):
        raise DataError(f"{where}: no '{col}' labels for task {task}")
    bad_text = [i for i, ex in enumerate(examples) if not isinstance(ex.text, str) or not ex.text.strip()]
    if bad_text:
        raise DataError(f"{where}: empty or non-text rows at {_rows(bad_text)}")
    if task in RANKER_TASKS:
        bad = [i for i, ex in enumerate(examples) if ex.labels.get(col) is not None and (not isinstance(ex.labels[col], str) or ex.labels[col] not in ex.text)]
        if bad:
            raise DataError(f"{where}: '{col}' is not a verbatim substring of the text at {_rows(bad)}")
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
        raise DataError(f"{where}: unknown {col} label(s) {', '.join(values)} at {_rows([i for i, _ in unknown])}; allowed: {sorted(allowed)}")
    counts = {l: sum(1 for ex in kept if ex.labels[col] == l) for l in sorted(allowed)}
    small = {l: c for l, c in counts.items() if c < min_per_class}
    if small:
        raise DataError(f"{where}: class(es) with fewer than {min_per_class} examples for {task}: " + ", ".join(f"{l} ({c})" for l, c in small.items()))
    return kept


def _rows(idx: Sequence[int]) -> str:
    shown = ", ".join(str(i + 1) for i in idx[:10])
    more = f" and {len(idx) - 10} more" if len(idx) > 10 else ""
    return f"row(s) {shown}{more}"


def leakage(train: Sequence[Example], test: Sequence[Example]) -> int:
    """How many test texts also occur (whitespace- and case-normalised) in train."""
    norm = lambda t: " ".join(t.lower().split())  # noqa: E731
    seen = {norm(e.text) for e in train}
    return sum(1 for e in test if norm(e.text) in seen)


# --- training ---------------------------------------------------------------------
@dataclass
class TrainResult:
    model: LinearModel
    manifest: dict[str, Any]
    metrics: dict[str, Any]
    card: str


def _versions() -> dict[str, str]:
    import sklearn

    from . import __version__

    return {"refernlp": __version__, "numpy": np.__version__, "scikit-learn": sklearn.__version__, "python": platform.python_version()}


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
        clf, classes = _fit_lr(featurizer.hybrid(texts, fc), y, labels, config.task(task), w, seed)
        model = _to_linear(task, clf, classes, fc.n_bits)
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
        (lin, classes), (neu, _) = _fit_many([(XL, None), (XN, None)], y, labels, config.task(task), w, seed)
        linear_model = _to_linear(task, lin, classes, fc.n_bits)
        neural_model = _to_linear(task, neu, classes, fc.n_bits, alpha)
        model = fold_blend(linear_model, neural_model, weight)
        if test:
            gold = [e.labels[col] for e in test]
            tl = [e.text for e in test]
            XLt = featurizer.hybrid(tl, fc)
            zl, zn = _decision(lin, XLt), _decision(neu, featurizer.with_embeddings(XLt, tl, encoder, alpha))
            blend["components_test"] = {
                name: {k: classification_metrics(gold, [classes[i] for i in _proba(z).argmax(axis=1)], classes)[k] for k in ("accuracy", "macro_f1")}
                for name, z in (("linear", zl), ("neural", zn))
            }
            # the metrics of what ships: the folded float32 weights
            embs = featurizer.embeddings(tl, encoder) if model.dense is not None else None
            metrics["test"] = classification_metrics(gold, [classes[i] for i in _predict_rows(model, XLt, embs)], classes)
    feat = fc.to_dict()
    if model.dense is not None:
        feat["embedding"] = {"encoder": encoder.name, "dim": encoder.dim, "weight": config.embedding_weight, "encoder_sha256": encoder.fingerprint}
    manifest = {
        "featurizer": feat,
        "backend": "neural" if model.dense is not None else "linear",
        "hyperparameters": asdict(config.task(task)),
        "training": {"n_train": len(train), "n_test": len(test), "data_sha256": data_hash(train), "seed": seed, "label_counts": {l: sum(1 for v in y if v == l) for l in classes}},
        "metrics": metrics,
        "versions": _versions(),
    }
    if blend is not None:
        manifest["blend"] = blend
    return TrainResult(model, manifest, metrics, "")


# --- neural backend: blending the linear and the hybrid head -------------------------
BLEND_GRID = tuple(round(0.1 * i, 1) for i in range(11))
BLEND_RULE = "z = (1 - neural_weight) * z_linear + neural_weight * z_neural, folded into one set of weights"
#: the metric each task's blend weight maximises (the headline metric of its model card)
SELECTION_METRIC = {t: TASKS[t].metric for t in CLASSIFIER_TASKS}


def _fit_many(jobs, y, labels, cfg: TaskConfig, weights, seed: int):
    """Fit one logistic regression per ``(X, rows)`` job (``rows=None``: all), in parallel."""
    from joblib import Parallel, delayed

    y = np.asarray(y)

    def fit(X, rows):
        if rows is None:
            return _fit_lr(X, y, labels, cfg, weights, seed)
        return _fit_lr(X[rows], y[rows], labels, cfg, None if weights is None else weights[rows], seed)

    n_jobs = min(len(jobs), os.cpu_count() or 1)
    return Parallel(n_jobs=n_jobs)(delayed(fit)(X, rows) for X, rows in jobs)


def _decision(clf, X) -> np.ndarray:
    """Decision values as an ``(n, n_rows)`` array (one column for a binary model)."""
    z = clf.decision_function(X)
    return z.reshape(len(z), -1)


def _proba(z: np.ndarray) -> np.ndarray:
    """Class probabilities from decision values (sigmoid for one column, softmax otherwise)."""
    if z.shape[1] == 1:
        p = 1.0 / (1.0 + np.exp(-z[:, 0]))
        return np.stack([1.0 - p, p], axis=1)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _predict_rows(model: LinearModel, X, embeddings) -> np.ndarray:
    z = np.asarray(X @ model.coef.astype(np.float64).T) + model.intercept
    if model.dense is not None:
        z = z + np.asarray(embeddings, dtype=np.float64) @ model.dense.astype(np.float64).T
    return _proba(z).argmax(axis=1)


def _weighted_scores(gold_idx: np.ndarray, probs: np.ndarray, weights: np.ndarray, n_classes: int) -> dict[str, float]:
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
            f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    ll = -np.log(np.clip(probs[np.arange(len(gold_idx)), gold_idx], 1e-15, 1.0))
    return {
        "accuracy": float(weights[pred == gold_idx].sum() / total),
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "log_loss": float((weights * ll).sum() / total),
    }


def blend_curve(zl: np.ndarray, zn: np.ndarray, gold_idx: np.ndarray, weights: np.ndarray, n_classes: int) -> list[dict[str, float]]:
    """Scores of ``(1 - w) * zl + w * zn`` for every ``w`` in :data:`BLEND_GRID`."""
    return [{"weight": g, **_weighted_scores(gold_idx, _proba((1 - g) * zl + g * zn), weights, n_classes)} for g in BLEND_GRID]


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
    from sklearn.model_selection import StratifiedKFold

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
    folds = list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y_arr)), y_arr))
    fits = _fit_many([(X, tr) for X in (XL, XN) for tr, _ in folds], y_arr, labels, config.task(task), weights, seed)
    zl = np.zeros((len(y_arr), 1 if len(labels) == 2 else len(labels)))
    zn = np.zeros_like(zl)
    for i, (_, te) in enumerate(folds):
        zl[te] = _decision(fits[i][0], XL[te])
        zn[te] = _decision(fits[k + i][0], XN[te])
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


def ranker_rows(featurizer: Featurizer, task: str, docs: Sequence, gold: Sequence[str | None]):
    """Candidates of every doc with binary labels (candidate text == gold)."""
    from .components.slots import _url_spans

    ext = featurizer.slots
    rows, ys, groups = [], [], []
    for gi, (doc, g) in enumerate(zip(docs, gold)):
        urls = _url_spans(doc.text)
        if task == "company":
            names = {doc.text[v[0] : v[1]] for k, v in (doc._.slot_spans or {}).items() if k in ("recipient_name", "sender_name", "mutual_contact") and v}
            cands = ext.company_candidates(doc, urls, names)
        else:
            cands = ext.role_candidates(doc, urls)
        for c in cands:
            rows.append(c)
            ys.append(int(g is not None and c.text == g))
            groups.append(gi)
    return rows, ys, groups


def _ranker_matrix(cands, n_bits: int):
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for c in cands:
        row = named_features(c.features, n_bits)
        for k in sorted(row):
            indices.append(k)
            values.append(row[k])
        indptr.append(len(indices))
    return csr_matrix((np.asarray(values), np.asarray(indices, dtype=np.int64), np.asarray(indptr)), shape=(len(cands), 1 << n_bits))


def _best_per_doc(cands, groups, probs, n_docs):
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
    X = _ranker_matrix(cands, RANKER_BITS)
    from sklearn.linear_model import LogisticRegression

    tc = config.task(task)
    clf = LogisticRegression(C=tc.C, max_iter=tc.max_iter, class_weight=tc.class_weight, solver="lbfgs", random_state=seed)
    clf.fit(X, np.asarray(ys))
    model = LinearModel(task=task, labels=("no", "yes"), coef=np.asarray(clf.coef_, dtype=np.float32), intercept=np.asarray(clf.intercept_, dtype=np.float32))

    def predict(examples):
        docs = featurizer.docs([e.text for e in examples])
        c, _, g = ranker_rows(featurizer, task, docs, [None] * len(examples))
        probs = clf.predict_proba(_ranker_matrix(c, RANKER_BITS))[:, 1] if c else np.zeros(0)
        return _best_per_doc(c, g, probs, len(examples))

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
        "versions": _versions(),
    }
    return TrainResult(model, manifest, metrics, "")


# --- Stanford politeness cross-validation ------------------------------------------
def stanford_cv(texts: Sequence[str], labels: Sequence[str], config: TrainingConfig, *, featurizer: Featurizer, k: int = 10, seed: int = 0, progress: Progress | None = None, encoder=None, blend_weight: float | None = None) -> dict[str, Any]:
    """Stratified k-fold accuracy of the politeness learner on the binary quartile task.

    With ``encoder`` and ``blend_weight`` (neural backend) both heads are fitted on
    every fold and blended as the shipped model is (:func:`fold_blend`); the result
    also holds each head alone and a *nested* estimate in which the weight is
    re-chosen inside every fold from that fold's training part only, the way
    :func:`choose_blend` chooses it.
    """
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(labels)
    folds = list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))
    if encoder is not None and blend_weight is not None:
        return _stanford_cv_blend(list(texts), y, folds, config, featurizer, encoder, float(blend_weight), seed, progress)
    X = featurizer.hybrid(list(texts), config.features, encoder, config.embedding_weight)
    from joblib import Parallel, delayed

    # folds are independent and deterministic: fit them on all cores
    accs = Parallel(n_jobs=min(k, os.cpu_count() or 1))(delayed(_fold_accuracy)(X, y, tr, te, config.politeness, seed) for tr, te in folds)
    if progress:
        for fold, acc in enumerate(accs):
            progress(f"cross-validation fold {fold + 1}/{k}: accuracy {acc:.3f}")
    return _cv_summary(accs) | {"k": k, "n": len(y)}


def _cv_summary(accs: Sequence[float]) -> dict[str, Any]:
    return {"fold_accuracies": [round(float(a), 4) for a in accs], "mean_accuracy": round(float(np.mean(accs)), 4), "std": round(float(np.std(accs)), 4)}


def _stanford_cv_blend(texts, y, folds, config: TrainingConfig, featurizer: Featurizer, encoder, weight: float, seed: int, progress: Progress | None) -> dict[str, Any]:
    from sklearn.model_selection import StratifiedKFold

    XL = featurizer.hybrid(texts, config.features)
    XN = featurizer.with_embeddings(XL, texts, encoder, config.embedding_weight)
    labels = tuple(sorted(set(y)))
    gold_idx = np.asarray([labels.index(v) for v in y])
    inner_k = int(config.blend_folds)
    jobs, inner = [], []
    for tr, _ in folds:
        jobs += [(XL, tr), (XN, tr)]
        splits = list(StratifiedKFold(n_splits=inner_k, shuffle=True, random_state=seed).split(np.zeros(len(tr)), y[tr]))
        inner.append([(tr[a], tr[b]) for a, b in splits])
        jobs += [(X, itr) for itr, _ in inner[-1] for X in (XL, XN)]
    if progress:
        progress(f"cross-validation: {len(jobs)} fits ({len(folds)} folds, each with a {inner_k}-fold inner blend selection)")
    fits = iter(_fit_many(jobs, y, labels, config.politeness, None, seed))
    acc = {"blend": [], "linear": [], "neural": [], "nested": []}
    chosen = []
    ones = np.ones(len(y))
    for fold, (tr, te) in enumerate(folds):
        lin, neu = next(fits)[0], next(fits)[0]
        zl_in, zn_in = np.zeros((len(y), 1)), np.zeros((len(y), 1))
        for itr, ite in inner[fold]:
            il, inn = next(fits)[0], next(fits)[0]
            zl_in[ite], zn_in[ite] = _decision(il, XL[ite]), _decision(inn, XN[ite])
        w_k = pick_weight(blend_curve(zl_in[tr], zn_in[tr], gold_idx[tr], ones[tr], len(labels)), "accuracy")
        zl, zn = _decision(lin, XL[te]), _decision(neu, XN[te])
        score = lambda w: float(((_proba((1 - w) * zl + w * zn).argmax(axis=1)) == gold_idx[te]).mean())  # noqa: E731
        acc["blend"].append(score(weight))
        acc["linear"].append(score(0.0))
        acc["neural"].append(score(1.0))
        acc["nested"].append(score(w_k))
        chosen.append(w_k)
        if progress:
            progress(f"cross-validation fold {fold + 1}/{len(folds)}: blend {acc['blend'][-1]:.3f}, linear {acc['linear'][-1]:.3f}, neural {acc['neural'][-1]:.3f}, nested {acc['nested'][-1]:.3f} (inner weight {w_k})")
    return _cv_summary(acc["blend"]) | {
        "k": len(folds),
        "n": len(y),
        "neural_weight": weight,
        "components": {"linear": _cv_summary(acc["linear"]), "neural": _cv_summary(acc["neural"])},
        "nested": _cv_summary(acc["nested"]) | {"inner_folds": inner_k, "weights": chosen},
    }


# --- writing model directories -------------------------------------------------------
def _fold_accuracy(X, y, tr, te, cfg: TaskConfig, seed: int) -> float:
    clf, _ = _fit_lr(X[tr], y[tr], sorted(set(y)), cfg, None, seed)
    return float((clf.predict(X[te]) == y[te]).mean())


def write_model_dir(out: Path, result: TrainResult, card: str, plot: bool = True) -> None:
    out.mkdir(parents=True, exist_ok=False)
    result.model.save(out, result.manifest)
    if plot and "test" in result.metrics and "confusion_matrix" in result.metrics["test"]:
        try:
            save_confusion_png(out / "confusion.png", result.metrics["test"], result.model.task)
        except ImportError:
            pass
    (out / "README.md").write_text(card, encoding="utf-8")


def save_confusion_png(path: Path, metrics: Mapping[str, Any], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "refernlp"
    cm = np.asarray(metrics["confusion_matrix"])
    labels = metrics["labels"]
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * len(labels), 1.0 + 1.0 * len(labels)), dpi=100)
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"{title} (test split)")
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", color="white" if cm[i, j] > cm.max() / 2 else "black")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def atomic_output(out: Path, force: bool) -> "AtomicDir":
    return AtomicDir(out, force)


class AtomicDir:
    """Build a directory in a temporary sibling and rename it into place only on success."""

    def __init__(self, out: Path, force: bool) -> None:
        self.out = Path(out)
        self.force = force
        self.tmp: Path | None = None

    def __enter__(self) -> Path:
        if self.out.exists() and not self.force:
            raise DataError(f"{self.out} already exists; pass --force to replace it")
        if self.out.exists() and not self.out.is_dir():
            raise DataError(f"{self.out} exists and is not a directory")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.tmp-", dir=self.out.parent))
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.tmp is not None
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        try:
            if self.out.exists():
                backup = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
                os.replace(self.out, backup)
                try:
                    os.replace(self.tmp, self.out)
                except BaseException:
                    os.replace(backup, self.out)  # put the user's directory back
                    raise
                shutil.rmtree(backup, ignore_errors=True)
            else:
                os.replace(self.tmp, self.out)
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise


def eprint(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- orchestration (``refernlp train`` and scripts/train_models.py) -------------------
PUBLISHED = {"unigram SVM (2013)": 0.798, "strategies + unigrams SVM (2013)": 0.838, "human agreement (2013)": 0.867}
TASK_CLI = TASK_BY_CLI


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


def model_card(task: str, result: TrainResult, data_desc: str) -> str:
    m = result.manifest
    lines = [f"# refernlp model: {task}", "", f"Trained by `refernlp` {m['versions']['refernlp']} ({data_desc}).", ""]
    tr = m["training"]
    lines += ["## Training", "", f"- examples: {tr['n_train']}" + (f" (candidates {tr['n_candidates']}, positive {tr['n_positive']})" if "n_candidates" in tr else ""), f"- data sha256: `{tr['data_sha256']}`", f"- seed: {tr['seed']}", f"- hyper-parameters: `{json.dumps(m['hyperparameters'])}`", f"- features: `{json.dumps(m['featurizer'])}`"]
    emb = m["featurizer"].get("embedding") if isinstance(m.get("featurizer"), dict) else None
    if emb:
        lines.append(f"- backend: neural — frozen encoder `{emb['encoder']}` (dim {emb['dim']}, sha256 of weights `{emb['encoder_sha256'][:16]}…`), mean-pooled unit-norm embedding × {emb['weight']} appended to the n-gram and strategy features; a linear head on top")
    blend = m.get("blend")
    enc = m.get("fine_tuned_encoder")
    if enc:
        lines.append(f"- encoder fine-tuned by `refernlp train --fine-tune` (in `../encoder/`, weights sha256 `{enc['sha256'][:16]}…`): {enc['epochs']} epochs, learning rate {enc['lr']}, batch {enc['batch_size']}, on these training examples")
    if blend and "fixed" in blend["selection"]:
        lines.append(f"- blend weight fixed at w = {blend['neural_weight']}: {blend['selection']['fixed']}")
    elif blend:
        sel = blend["selection"]
        lines.append(
            f"- blend: the linear head (n-gram and strategy features only) and the neural head are combined as "
            f"`z = (1 - w) * z_linear + w * z_neural` with **w = {blend['neural_weight']}**, folded into the saved weights; "
            f"w maximises {sel['metric']} on {sel['folds']}-fold out-of-fold predictions over the {sel['n']} training examples (never the test split)"
        )
        lines.append("- out-of-fold " + sel["metric"] + " by w: " + ", ".join(f"{r['weight']}: {r[sel['metric']]:.3f}" for r in sel["curve"]))
    if "label_counts" in tr:
        lines.append("- label counts: " + ", ".join(f"{k} {v}" for k, v in tr["label_counts"].items()))
    if "threshold" in m:
        lines.append(f"- decision threshold (tuned on dev): {m['threshold']}")
    lines.append("")
    metrics = result.metrics
    test = metrics.get("test")
    if test and "confusion_matrix" in test:
        lines += ["## Test-split metrics", "", f"- examples: {test['n']}", f"- accuracy: {test['accuracy']:.3f}", f"- macro-F1: {test['macro_f1']:.3f}", "", "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for label, s in test["per_class"].items():
            lines.append(f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
        labels = test["labels"]
        lines += ["", "Confusion matrix (rows gold, columns predicted):", "", "| gold \\ pred | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
        for label, row in zip(labels, test["confusion_matrix"]):
            lines.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
        comp = (blend or {}).get("components_test")
        if comp:
            lines += ["", "Each head alone on the same test split (the blend above is what ships):", "", "| head | accuracy | macro-F1 |", "|---|---|---|"]
            lines += [f"| {name} | {c['accuracy']:.3f} | {c['macro_f1']:.3f} |" for name, c in comp.items()]
        lines += ["", "![confusion matrix](confusion.png)", ""]
    elif test:
        lines += ["## Test-split metrics (exact match)", "", f"- precision {test['precision']:.3f}, recall {test['recall']:.3f}, F1 {test['f1']:.3f} (gold {test['n_gold']}, predicted {test['n_pred']}, correct {test['n_correct']})", ""]
    cv = metrics.get("stanford_cv")
    if cv:
        lines += ["## Stanford Politeness Corpus (Wikipedia), top vs bottom quartile", "", f"{cv['k']}-fold stratified cross-validation, same features and hyper-parameters, n = {cv['n']}:", "", "| system | accuracy |", "|---|---|"]
        if "components" in cv:
            nested = cv["nested"]
            lines += [
                f"| **this model: blend with the shipped weight w = {cv['neural_weight']}** | **{cv['mean_accuracy']:.3f}** (sd {cv['std']:.3f}) |",
                f"| **blend, w re-chosen inside each fold from its training part (nested, {nested['inner_folds']}-fold inner selection)** | **{nested['mean_accuracy']:.3f}** (sd {nested['std']:.3f}) |",
                f"| linear head alone | {cv['components']['linear']['mean_accuracy']:.3f} (sd {cv['components']['linear']['std']:.3f}) |",
                f"| neural head alone | {cv['components']['neural']['mean_accuracy']:.3f} (sd {cv['components']['neural']['std']:.3f}) |",
            ]
        else:
            lines.append(f"| **this model (mean of {cv['k']} folds)** | **{cv['mean_accuracy']:.3f}** (sd {cv['std']:.3f}) |")
        for name, acc in PUBLISHED.items():
            lines.append(f"| {name} | {acc:.3f} |")
        lines += ["", "Per-fold accuracies: " + ", ".join(f"{a:.3f}" for a in cv["fold_accuracies"]), ""]
        if "components" in cv:
            lines += [
                "The shipped weight was chosen for what this model does, the 3-way politeness of the training data "
                "(drafts and Stanford requests together); the nested row applies the same selection rule to the "
                "binary Wikipedia task inside each fold, so no fold's test part influences its weight. The embedding "
                "weight and C were chosen on this same cross-validation (a grid of 8 settings), so all rows are slightly optimistic.",
                "",

                "Nested per-fold accuracies: " + ", ".join(f"{a:.3f}" for a in cv["nested"]["fold_accuracies"]) + " (inner weights " + ", ".join(str(w) for w in cv["nested"]["weights"]) + ")",
                "",
                "Linear head per fold: " + ", ".join(f"{a:.3f}" for a in cv["components"]["linear"]["fold_accuracies"]),
                "",
                "Neural head per fold: " + ", ".join(f"{a:.3f}" for a in cv["components"]["neural"]["fold_accuracies"]),
                "",
            ]
    if task == "politeness":
        lines += ["## Attribution", "", "Trained in part on the Stanford Politeness Corpus (Wikipedia requests), Danescu-Niculescu-Mizil, Sudhof, Jurafsky, Leskovec and Potts, \"A computational approach to politeness with application to social factors\", ACL 2013; corpus distributed under CC BY 4.0 by ConvoKit.", ""]
    lines += ["## Files", "", "- `manifest.json`: format version, labels, features, versions, data hash, metrics, sha256 of `weights.npz`", "- `weights.npz`: float32 arrays `coef` and `intercept`" + (" and `dense` (weights on the sentence embedding)" if emb else "") + ", loaded with `allow_pickle=False`", ""]
    return "\n".join(lines)


def train_tasks(
    tasks: Sequence[str],
    train: Sequence[Example],
    test: Sequence[Example],
    out: Path,
    *,
    config: TrainingConfig | None = None,
    dev: Sequence[Example] = (),
    seed: int = 0,
    stanford: Sequence[Example] = (),
    stanford_binary: tuple[Sequence[str], Sequence[str]] | None = None,
    cv: int = 10,
    force: bool = False,
    progress: Progress | None = None,
    data_desc: str = "user data",
    plot: bool = True,
    encoder=None,
    fine_tune: bool = False,
) -> dict[str, dict[str, Any]]:
    """Validate, train, evaluate and write one model directory per task into ``out`` (atomically).

    ``encoder`` (a :class:`refernlp.neural.Encoder`) trains the neural backend's
    classifiers; the slot rankers are the same for both backends. ``fine_tune``
    (one classifier task, with ``encoder``) first fine-tunes a copy of the encoder
    on the task's training data and writes it to ``out/encoder/`` (safetensors and
    a checksum manifest; :meth:`refernlp.Critic.load` picks it up); the Stanford
    cross-validation is then skipped, because that encoder has seen every
    Stanford label (``scripts/finetune_probe.py`` measures fine-tuning fold by fold).
    """
    config = config or TrainingConfig()
    say = progress or (lambda m: None)
    if fine_tune:
        if encoder is None:
            raise ConfigError("fine-tuning needs the neural backend (--backend neural)")
        if len(tasks) != 1 or tasks[0] in RANKER_TASKS:
            raise ConfigError("fine-tuning trains one encoder for one classifier task: name a single task (request-type, transparency, politeness or relationship)")
        for key in ("fine_tune_epochs", "fine_tune_batch_size"):
            if type(getattr(config, key)) is not int or getattr(config, key) < 1:
                raise ConfigError(f"{key} must be a positive integer, got {getattr(config, key)!r}")
        if not isinstance(config.fine_tune_lr, (int, float)) or not 0 < config.fine_tune_lr < 1:
            raise ConfigError(f"fine_tune_lr must be a number between 0 and 1, got {config.fine_tune_lr!r}")
    plan = {}
    for task in tasks:
        plan[task] = (
            validate_examples(task, train, where="training data"),
            validate_examples(task, test, where="test data", min_per_class=0) if test and any(TASK_COLUMN[task] in e.labels for e in test) else [],
        )
    leaks = leakage(train, test)
    if leaks:
        say(f"warning: {leaks} test text(s) also occur in the training data (leakage)")
    featurizer = Featurizer(progress=say)
    results: dict[str, dict[str, Any]] = {}
    with atomic_output(out, force) as tmp:
        for task in tasks:
            tr, te = plan[task]
            say(f"training {task} on {len(tr)} examples")
            if task in RANKER_TASKS:
                dv = [e for e in dev if TASK_COLUMN[task] in e.labels]
                res = train_ranker(task, tr, dv, te, config, featurizer=featurizer, seed=seed)
            else:
                tr_all = list(tr) + (list(stanford) if task == "politeness" else [])
                task_encoder, fixed = encoder, None
                if fine_tune:
                    from .neural import fine_tune as run_fine_tune
                    from .textio import prepare

                    say(f"fine-tuning {encoder.name} on {len(tr_all)} {task} examples ({config.fine_tune_epochs} epochs)")
                    task_encoder = run_fine_tune(
                        encoder, [prepare(e.text).text for e in tr_all], [e.labels[TASK_COLUMN[task]] for e in tr_all], tmp / "encoder",
                        weights=[e.weight for e in tr_all], epochs=config.fine_tune_epochs, lr=config.fine_tune_lr,
                        batch_size=config.fine_tune_batch_size, seed=seed, progress=say,
                    )
                    fixed = 1.0
                res = train_classifier(task, tr_all, te, config, featurizer=featurizer, seed=seed, encoder=task_encoder, progress=say, fixed_weight=fixed)
                if fine_tune:
                    res.manifest["fine_tuned_encoder"] = {"sha256": task_encoder.fingerprint, "epochs": config.fine_tune_epochs, "lr": config.fine_tune_lr, "batch_size": config.fine_tune_batch_size}
                    if task == "politeness" and stanford_binary is not None and cv >= 2:
                        say("politeness: Stanford cross-validation skipped (the fine-tuned encoder has seen every Stanford label); see scripts/finetune_probe.py")
                elif task == "politeness" and stanford_binary is not None and cv >= 2:
                    say(f"politeness: {cv}-fold cross-validation on the Stanford Politeness Corpus quartile task")
                    weight = res.manifest["blend"]["neural_weight"] if "blend" in res.manifest else None
                    res.metrics["stanford_cv"] = stanford_cv(stanford_binary[0], stanford_binary[1], config, featurizer=featurizer, k=cv, seed=seed, progress=say, encoder=encoder, blend_weight=weight)
            write_model_dir(tmp / task, res, model_card(task, res, data_desc), plot=plot)
            results[task] = res.metrics
            say(f"wrote {task}: " + _summary(res.metrics))
        (tmp / "training-config.json").write_text(json.dumps(config.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return results


def _summary(metrics: Mapping[str, Any]) -> str:
    test = metrics.get("test")
    parts = []
    if test and "accuracy" in test:
        parts.append(f"test accuracy {test['accuracy']:.3f}, macro-F1 {test['macro_f1']:.3f}")
    elif test:
        parts.append(f"test F1 {test['f1']:.3f}")
    if "stanford_cv" in metrics:
        parts.append(f"Stanford CV accuracy {metrics['stanford_cv']['mean_accuracy']:.3f}")
    return "; ".join(parts) or "no test data"
