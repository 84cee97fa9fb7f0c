"""The linear classifiers, stacked: one sparse gather per draft and feature configuration, numpy only."""

from __future__ import annotations

from typing import Mapping

import numpy as np
from spacy.tokens import Doc

from ..components.base import doc_text
from ..errors import ModelError
from ..features import FeatureConfig, text_feature_arrays
from ..modelio import LinearModel
from ..pipeline import doc_cues, doc_words
from ..schema import CLASSIFIER_TASKS


def check_encoder(models: Mapping[str, LinearModel], encoder) -> bool:
    """Validate that ``encoder`` can drive the models that need embeddings; True when any does."""
    needs = [t for t, m in models.items() if m.dense is not None]
    if needs and encoder is None:
        raise ModelError(f"the {', '.join(needs)} model(s) were trained with the neural backend: load them with backend='neural' (--backend neural)")
    for t in needs:
        if models[t].manifest.get("backend") == "neural" and hasattr(encoder, "session"):  # an ONNX (accurate) encoder
            raise ModelError(f"the {t} model was trained with the neural backend: load it with backend='neural' (--backend neural)")
        if models[t].dense.shape[1] != encoder.dim:
            raise ModelError(f"the {t} model expects {models[t].dense.shape[1]}-dimensional embeddings, the encoder gives {encoder.dim}")
        emb = (models[t].manifest.get("featurizer") or {}).get("embedding")
        trained_on = emb.get("encoder_sha256") if isinstance(emb, dict) else None
        if isinstance(trained_on, str) and trained_on and getattr(encoder, "fingerprint", None) and trained_on != encoder.fingerprint:
            raise ModelError(f"the {t} model was trained on another encoder (weights sha256 {trained_on[:12]}…, this one {encoder.fingerprint[:12]}…)")
    return bool(needs)


class StackedClassifiers:
    """The classifier tasks' linear models, grouped by feature configuration.

    Classifiers sharing a feature configuration are stacked into one
    ``(n_features, n_rows)`` array, so a draft costs one gather, not four.
    Immutable after construction, hence safe to share between threads.
    """

    def __init__(self, models: Mapping[str, LinearModel]) -> None:
        self.models = {t: models[t] for t in CLASSIFIER_TASKS if t in models}
        #: the feature configuration of each task
        self.configs: dict[str, FeatureConfig]
        self.configs = configs = {t: FeatureConfig.from_dict(m.manifest.get("featurizer", {})) for t, m in self.models.items()}
        groups: dict[FeatureConfig, list[str]] = {}
        for task, config in configs.items():
            groups.setdefault(config, []).append(task)
        self.stacks: list[tuple[FeatureConfig, tuple[tuple[str, int, int], ...], np.ndarray]] = []
        #: per stack, its tasks' intercepts and output rows laid end to end (:class:`StackHeads`)
        self.heads: list[StackHeads] = []
        for config, tasks in groups.items():
            spans, start = [], 0
            for task in tasks:
                rows = self.models[task].coef.shape[0]
                spans.append((task, start, start + rows))
                start += rows
            stacked = np.ascontiguousarray(np.concatenate([self.models[t].coef for t in tasks], axis=0).T)
            stacked.setflags(write=False)
            self.stacks.append((config, tuple(spans), stacked))
            self.heads.append(StackHeads([self.models[t] for t in tasks], spans))

    @staticmethod
    def features(doc: Doc, config: FeatureConfig) -> tuple[np.ndarray, np.ndarray]:
        """The sparse feature row of a processed Doc as (column indices, values): :func:`text_features`, as arrays."""
        return text_feature_arrays(doc_words(doc), doc_text(doc), doc_cues(doc), config)

    def predict(self, doc: Doc, embedding: np.ndarray | None = None) -> dict[str, dict[str, float]]:
        """Class probabilities of every classifier for a processed Doc (and its embedding, neural backend)."""
        out = {}
        for (config, spans, stacked), heads in zip(self.stacks, self.heads):
            idx, val = self.features(doc, config)
            z_all = val @ stacked[idx] if len(idx) else np.zeros(stacked.shape[1])
            if embedding is None or not heads.dense:
                out.update(heads.probabilities(z_all))
                continue
            for task, a, b in spans:
                model = self.models[task]
                z = z_all[a:b] + model.intercept
                if model.dense is not None and embedding is not None:
                    probs = model.proba_from_decision(z, embedding).tolist()
                elif b - a == 1:
                    # modelio.probabilities of one row, without its reshaping: the same operations on the same floats
                    p = 1.0 / (1.0 + np.exp(-z))
                    probs = [float(1.0 - p[0]), float(p[0])]
                else:
                    e = np.exp(z - z.max())
                    probs = (e / e.sum()).tolist()
                out[task] = dict(zip(model.labels, probs))
        return out


def pairwise_sum(values: list[float]) -> float:
    """``np.sum`` of a contiguous float64 array, on Python floats: numpy's pairwise summation, in its order.

    Under 8 values, left to right; up to 128, eight running sums (every eighth
    value each) combined as ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``,
    then the rest left to right; above that, two halves (the first a multiple
    of 8 long) summed so and added.
    """
    n = len(values)
    if n < 8:
        total = 0.0
        for v in values:
            total += v
        return total
    if n > 128:
        half = n // 2
        half -= half % 8
        return pairwise_sum(values[:half]) + pairwise_sum(values[half:])
    r = values[:8]
    end = n - n % 8
    for i in range(8, end, 8):
        for j in range(8):
            r[j] += values[i + j]
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    for v in values[end:]:
        total += v
    return total


class StackHeads:
    """The class probabilities of a stack's tasks from its decision row, with one ``np.exp`` for all of them.

    The same floats as task by task (``modelio.probabilities``): the intercepts
    are added element by element, every exponential is the one numpy computes
    for that element (``np.exp`` is elementwise), and each softmax is divided by
    its :func:`pairwise_sum`, the sum ``np.sum`` makes of it.
    """

    def __init__(self, models: list[LinearModel], spans: list[tuple[str, int, int]]) -> None:
        self.spans = [(task, model.labels, a, b) for model, (task, a, b) in zip(models, spans)]
        self.intercepts = np.concatenate([m.intercept for m in models]) if models else np.zeros(0)
        #: whether any task also weighs an embedding (its probabilities are computed task by task)
        self.dense = any(m.dense is not None for m in models)
        self.binary = np.zeros(self.intercepts.shape[0], dtype=bool)
        for _, _, a, b in self.spans:
            self.binary[a] = b - a == 1
        #: where each task's rows start, and how many it has (the spans are laid end to end)
        self.starts = [a for _, _, a, _ in self.spans]
        self.sizes = [b - a for _, _, a, b in self.spans]
        self.any_softmax = not self.binary.all()

    def probabilities(self, z_all: np.ndarray) -> dict[str, dict[str, float]]:
        z = z_all + self.intercepts
        if self.any_softmax:
            # z - z.max() per softmax task, -z for a binary one (1 / (1 + exp(-z)))
            shift = np.repeat(np.maximum.reduceat(z, self.starts), self.sizes)
            arg = np.where(self.binary, -z, z - shift)
        else:
            arg = -z
        e = np.exp(arg).tolist()
        out = {}
        for task, labels, a, b in self.spans:
            if b - a == 1:
                p = 1.0 / (1.0 + e[a])
                out[task] = dict(zip(labels, [1.0 - p, p]))
            else:
                part = e[a:b]
                total = pairwise_sum(part)
                out[task] = dict(zip(labels, [x / total for x in part]))
        return out
