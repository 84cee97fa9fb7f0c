"""The critique: run the pipeline, apply the classifiers, derive findings.

``Critic.load()`` loads the pipeline and models once; a Critic is thread-safe
(the spaCy pipeline runs under a lock, everything else is immutable) and can be
shared by an application's workers.
"""

from __future__ import annotations

import os
import re
import threading
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
from spacy.tokens import Doc

from .errors import InputError, ModelError
from .features import FeatureConfig, text_features
from .findings import Context, run_rules
from .modelio import MANIFEST, LinearModel
from .pipeline import doc_cues, doc_words, looks_english, make_nlp
from .results import (
    Critique,
    Finding,
    Label,
    Politeness,
    Relationship,
    Slots,
    Stats,
    Strategy,
    Transparency,
)
from .textio import DEFAULT_MAX_CHARS, Prepared, check_text, prepare

CLASSIFIER_TASKS = ("request_type", "transparency", "politeness", "relationship")
RANKER_TASKS = ("company", "role")
ALL_TASKS = CLASSIFIER_TASKS + RANKER_TASKS
_RELATIONSHIP_ALIASES = {"strong": "strong", "weak": "weak", "second_degree": "second_degree", "second-degree": "second_degree", "unknown": None}
_EMAIL = re.compile(r"^\s*(?:subject\s*:|dear\b)", re.I)
#: strategies shown in text reports; token-level ones (pronouns, lexicon words) stay in JSON only
NOTABLE = frozenset({
    "please", "please_start", "hedges", "indirect_btw", "factuality", "deference", "gratitude", "apologizing",
    "greeting", "direct_question", "direct_start", "subjunctive", "indicative", "bare_imperative", "demand",
    "guilt", "presumption", "sarcasm", "swearing", "shouting", "grovelling", "easy_out", "offer_help", "compliment",
})


def shipped_models_dir() -> Path:
    """Where the models that ship with refernlp live (inside the installed package)."""
    return Path(str(resources.files("refernlp.models")))


def normalise_relationship(value: str | None) -> str | None:
    """Map a user-given relationship to a label; ``None``/"unknown" mean "infer it"."""
    if value is None:
        return None
    key = str(value).strip().lower()
    if key not in _RELATIONSHIP_ALIASES:
        raise InputError(f"unknown relationship {value!r}: use strong, weak or second-degree")
    return _RELATIONSHIP_ALIASES[key]


BACKENDS = ("linear", "neural")
#: sub-directory of a model directory holding a fine-tuned encoder
ENCODER_DIR = "encoder"


def load_models(models_dir: str | os.PathLike[str] | None = None, *, backend: str = "linear") -> dict[str, LinearModel]:
    """Load the shipped models, replaced task by task by those found in ``models_dir``.

    ``models_dir`` may hold any subset of the task directories (``request_type/``,
    ``politeness/``...) or be a single task directory itself. With
    ``backend="neural"`` the shipped neural classifiers (``models/neural/``) are
    preferred where they exist.
    """
    if backend not in BACKENDS:
        raise ModelError(f"unknown backend {backend!r} (available: {', '.join(BACKENDS)})")
    shipped = shipped_models_dir()
    neural_dir = shipped / "neural"
    models: dict[str, LinearModel] = {}
    override: dict[str, LinearModel] = {}
    if models_dir is not None:
        root = Path(models_dir)
        if not root.exists():
            raise ModelError(f"model directory {root} does not exist")
        if not root.is_dir():
            raise ModelError(f"{root} is a file, not a model directory")
        if (root / MANIFEST).is_file():
            m = LinearModel.load(root)
            if m.task not in ALL_TASKS:
                raise ModelError(f"{root}: unknown task {m.task!r}")
            override[m.task] = m
        else:
            for task in ALL_TASKS:
                if (root / task).is_dir():
                    override[task] = LinearModel.load(root / task)
        if not override:
            raise ModelError(f"{root}: no refernlp models found (expected sub-directories like request_type/ with a {MANIFEST})")
    for task in ALL_TASKS:
        if task in override:
            models[task] = override[task]
        elif backend == "neural" and (neural_dir / task / MANIFEST).is_file():
            models[task] = LinearModel.load(neural_dir / task)
        elif (shipped / task / MANIFEST).is_file():
            models[task] = LinearModel.load(shipped / task)
        else:
            raise ModelError(f"the shipped {task} model is missing from {shipped}; rebuild with `python scripts/train_models.py`")
    return models


class Critic:
    """A loaded pipeline plus models, reusable and thread-safe."""

    def __init__(
        self,
        models: Mapping[str, LinearModel],
        *,
        disable: Sequence[str] = (),
        max_chars: int = DEFAULT_MAX_CHARS,
        encoder=None,
    ) -> None:
        self.models = dict(models)
        self.disable = tuple(disable)
        self.max_chars = int(max_chars)
        needs = [t for t, m in self.models.items() if m.dense is not None]
        if needs and encoder is None:
            raise ModelError(f"the {', '.join(needs)} model(s) were trained with the neural backend: load them with backend='neural' (--backend neural)")
        for t in needs:
            if self.models[t].dense.shape[1] != encoder.dim:
                raise ModelError(f"the {t} model expects {self.models[t].dense.shape[1]}-dimensional embeddings, the encoder gives {encoder.dim}")
            emb = (self.models[t].manifest.get("featurizer") or {}).get("embedding")
            trained_on = emb.get("encoder_sha256") if isinstance(emb, dict) else None
            if isinstance(trained_on, str) and trained_on and getattr(encoder, "fingerprint", None) and trained_on != encoder.fingerprint:
                raise ModelError(f"the {t} model was trained on another encoder (weights sha256 {trained_on[:12]}…, this one {encoder.fingerprint[:12]}…)")
        self.encoder = encoder if needs else None
        self.backend = "neural" if self.encoder is not None else "linear"
        self.nlp = make_nlp()
        self.nlp.get_pipe("refernlp_slots").use_models(self.models.get("company"), self.models.get("role"))
        self._lock = threading.Lock()
        self._configs = {t: FeatureConfig.from_dict(self.models[t].manifest.get("featurizer", {})) for t in CLASSIFIER_TASKS if t in self.models}
        # Classifiers sharing a feature configuration are stacked into one
        # (n_features, n_rows) array, so a draft costs one gather, not four.
        groups: dict[FeatureConfig, list[str]] = {}
        for task, config in self._configs.items():
            groups.setdefault(config, []).append(task)
        self._stacks: list[tuple[FeatureConfig, tuple[tuple[str, int, int], ...], np.ndarray]] = []
        for config, tasks in groups.items():
            spans, start = [], 0
            for task in tasks:
                rows = self.models[task].coef.shape[0]
                spans.append((task, start, start + rows))
                start += rows
            stacked = np.ascontiguousarray(np.concatenate([self.models[t].coef for t in tasks], axis=0).T)
            stacked.setflags(write=False)
            self._stacks.append((config, tuple(spans), stacked))

    @classmethod
    def load(
        cls,
        models_dir: str | os.PathLike[str] | None = None,
        *,
        backend: str = "linear",
        disable: Sequence[str] = (),
        max_chars: int = DEFAULT_MAX_CHARS,
        encoder=None,
    ) -> "Critic":
        """Load the pipeline and models once. ``models_dir`` overrides shipped models task by task.

        ``backend="neural"`` adds the transformer encoder's judgement (needs the
        ``neural`` extra); ``encoder`` may pass a :class:`refernlp.neural.Encoder`
        other than the packaged all-MiniLM-L6-v2. A fine-tuned encoder written by
        ``refernlp train --fine-tune`` (``models_dir/encoder/``) is found and
        checksum-verified automatically; models refuse an encoder they were not
        trained on.
        """
        if backend not in BACKENDS:
            raise ModelError(f"unknown backend {backend!r} (available: {', '.join(BACKENDS)})")
        # a fine-tuned encoder written by `refernlp train --fine-tune` lives in models_dir/encoder/
        tuned = None
        if models_dir is not None:
            root = Path(models_dir)
            # models_dir may be the whole output or one task directory inside it
            tuned = root / ENCODER_DIR if not (root / MANIFEST).is_file() else root.parent / ENCODER_DIR
        if backend == "neural" and encoder is None and tuned is not None and tuned.is_dir():
            from .neural import Encoder

            encoder = Encoder(tuned)
        # a custom encoder cannot drive the shipped neural heads (trained on the
        # packaged encoder): tasks not in models_dir then fall back to linear models
        models = load_models(models_dir, backend=backend if encoder is None else "linear")
        if backend == "neural" and encoder is None and any(m.dense is not None for m in models.values()):
            from .neural import Encoder

            encoder = Encoder()
        return cls(models, disable=disable, max_chars=max_chars, encoder=encoder)

    # --- public API -----------------------------------------------------------
    def critique(self, text: str, *, relationship: str | None = None) -> Critique:
        """Critique one draft. ``relationship`` (strong|weak|second_degree) overrides inference."""
        given = normalise_relationship(relationship)
        check_text(text, max_chars=self.max_chars)
        prepared = prepare(text)
        with self._lock:
            doc = self.nlp(prepared.text)
        emb = self.encoder.encode([prepared.text])[0] if self.encoder is not None else None
        return self._critique_doc(doc, prepared, given, emb)

    def critique_many(
        self, texts: Iterable[str], *, relationship: str | None = None, batch_size: int = 64
    ) -> list[Critique]:
        """Critique many drafts with ``nlp.pipe``; raises :class:`InputError` on the first bad one."""
        given = normalise_relationship(relationship)
        prepared = []
        for i, t in enumerate(texts):
            try:
                check_text(t, max_chars=self.max_chars)
            except InputError as exc:
                raise InputError(f"draft {i}: {exc}") from None
            prepared.append(prepare(t))
        with self._lock:
            docs = list(self.nlp.pipe((p.text for p in prepared), batch_size=batch_size))
        embs = self.encoder.encode([p.text for p in prepared]) if self.encoder is not None else [None] * len(docs)
        return [self._critique_doc(d, p, given, e) for d, p, e in zip(docs, prepared, embs)]

    def rewrite(
        self, text: str, *, relationship: str | None = None, n: int = 3, seed: int | None = None, generator=None
    ) -> list:
        """Suggested rewrites of ``text`` tuned to the relationship (see :func:`refernlp.rewrite.rewrite`).

        ``generator``: a loaded :class:`refernlp.rewrite.Generator` whose checked paraphrases join the candidates.
        """
        from .rewrite import rewrite_with

        return rewrite_with(self, text, relationship=relationship, n=n, seed=seed, generator=generator)

    # --- internals ------------------------------------------------------------
    def features(self, doc: Doc, config: FeatureConfig) -> tuple[np.ndarray, np.ndarray]:
        row = text_features(doc_words(doc), doc.text, doc_cues(doc), config)
        idx = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
        val = np.fromiter(row.values(), dtype=np.float64, count=len(row))
        return idx, val

    def predict(self, doc: Doc, embedding: np.ndarray | None = None) -> dict[str, dict[str, float]]:
        """Class probabilities of every classifier for a processed Doc (and its embedding, neural backend)."""
        out = {}
        for config, spans, stacked in self._stacks:
            idx, val = self.features(doc, config)
            z_all = val @ stacked[idx] if len(idx) else np.zeros(stacked.shape[1])
            for task, a, b in spans:
                model = self.models[task]
                probs = model.proba_from_decision(z_all[a:b] + model.intercept, embedding)
                out[task] = {label: float(p) for label, p in zip(model.labels, probs)}
        return out

    def _critique_doc(self, doc: Doc, prepared: Prepared, given: str | None, embedding: np.ndarray | None = None) -> Critique:
        text = prepared.original
        probs = self.predict(doc, embedding)
        rtype = max(probs["request_type"], key=probs["request_type"].get)
        if given is not None:
            rel = Relationship(given, 1.0, "given")
        else:
            rp = probs["relationship"]
            label = max(rp, key=rp.get)
            rel = Relationship(label, rp[label], "inferred")
        cues = tuple(doc._.cues)
        strategies = tuple(doc._.strategies)
        slots = doc._.slots
        spans = doc._.slot_spans
        missing = self._missing(rtype, slots, cues)
        tp = probs["transparency"]
        transparency = Transparency(None if rtype == "none" else max(tp, key=tp.get), tp.get("high", 0.0), missing)
        pp = probs["politeness"]
        pol = Politeness(
            max(pp, key=pp.get),
            pp.get("polite", 0.0) + 0.5 * pp.get("neutral", 0.0),
            # texts are sliced from the original: the pipeline saw a copy with markup blanked
            tuple(Strategy(m.name, m.polarity, text[m.start : m.end], m.start, m.end) for m in strategies),
        )
        asks_intro = any(m.name == "introduction" for m in cues)
        n_words = sum(1 for t in doc if any(c.isalnum() for c in t.text))
        sents = [s for s in doc.sents if s.text.strip()]
        stats = Stats(n_words, len(text), len(sents), sum(1 for s in sents if s.text.rstrip().endswith("?")))
        ctx = Context(
            text=text,
            request_type=rtype,
            relationship=rel.label,
            relationship_source=rel.source,
            politeness=pol.label,
            asks_introduction=asks_intro,
            strategies=strategies,
            cues=cues,
            slot_spans=spans,
            missing=missing,
            words=n_words,
            is_email=bool(_EMAIL.search(prepared.text)),
            english=looks_english(doc),
            html=prepared.html_stripped,
            quoted_from=prepared.quoted_from,
        )
        findings: tuple[Finding, ...] = run_rules(ctx, self.disable)
        return Critique(
            request_type=Label(rtype, probs["request_type"][rtype]),
            relationship=rel,
            transparency=transparency,
            politeness=pol,
            asks_introduction=asks_intro,
            slots=Slots(
                **{k: (text[spans[k][0] : spans[k][1]] if spans.get(k) else None) for k in ("company", "role", "recipient_name", "sender_name", "mutual_contact")},
                job_ids=tuple(text[a:b] for a, b in spans["job_ids"]),
                urls=tuple(text[a:b] for a, b in spans["urls"]),
            ),
            findings=findings,
            stats=stats,
            text=text,
        )

    @staticmethod
    def _missing(rtype: str, slots: Mapping[str, object], cues: tuple) -> tuple[str, ...]:
        names = {m.name for m in cues}
        missing = []
        if rtype == "targeted":
            if not slots.get("company"):
                missing.append("company")
            if not (slots.get("role") or slots.get("job_ids") or slots.get("urls")):
                missing.append("role_or_job_link")
            if "goal_statement" not in names:
                missing.append("goal_statement")
        elif rtype == "general":
            if not slots.get("role"):
                missing.append("role_or_field")
            if "level" not in names:
                missing.append("level")
            if "location" not in names:
                missing.append("location")
            if not (names & {"keep_in_mind", "referral"}):
                missing.append("clear_ask")
        return tuple(missing)


_DEFAULT: dict[str, Critic] = {}
_DEFAULT_LOCK = threading.Lock()


def default_critic() -> Critic:
    """The shared Critic with shipped models, loaded on first use."""
    with _DEFAULT_LOCK:
        if "critic" not in _DEFAULT:
            _DEFAULT["critic"] = Critic.load()
        return _DEFAULT["critic"]


def critique(text: str, *, relationship: str | None = None) -> Critique:
    """Critique one draft with the shipped models: ``critique(text, relationship="weak").to_dict()``."""
    return default_critic().critique(text, relationship=relationship)
