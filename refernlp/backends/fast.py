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
        for config, tasks in groups.items():
            spans, start = [], 0
            for task in tasks:
                rows = self.models[task].coef.shape[0]
                spans.append((task, start, start + rows))
                start += rows
            stacked = np.ascontiguousarray(np.concatenate([self.models[t].coef for t in tasks], axis=0).T)
            stacked.setflags(write=False)
            self.stacks.append((config, tuple(spans), stacked))

    @staticmethod
    def features(doc: Doc, config: FeatureConfig) -> tuple[np.ndarray, np.ndarray]:
        """The sparse feature row of a processed Doc as (column indices, values): :func:`text_features`, as arrays."""
        return text_feature_arrays(doc_words(doc), doc_text(doc), doc_cues(doc), config)

    def predict(self, doc: Doc, embedding: np.ndarray | None = None) -> dict[str, dict[str, float]]:
        """Class probabilities of every classifier for a processed Doc (and its embedding, neural backend)."""
        out = {}
        for config, spans, stacked in self.stacks:
            idx, val = self.features(doc, config)
            z_all = val @ stacked[idx] if len(idx) else np.zeros(stacked.shape[1])
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
