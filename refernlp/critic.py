"""The critic: load the pipeline and models once, then analyse, critique and rewrite drafts.

``Critic.load()`` loads the pipeline and models once; a Critic is thread-safe
(the spaCy pipeline runs under a lock, everything else is immutable) and can be
shared by an application's workers. Each draft is prepared, parsed and judged
once (:meth:`Critic.analyse`); critiques and rewrites are built from that
:class:`~refernlp.analysis.Analysis`.
"""

from __future__ import annotations

import gc
import os
import threading
from contextlib import contextmanager
from typing import Iterable, Mapping, Sequence

from .analysis import Analysis, build_critique, freeze_probs
from .backends.fast import StackedClassifiers, check_encoder
from .errors import InputError
from .loading import DEFAULT_BACKEND, check_backend, load_models, shipped_encoder_dir, tuned_encoder_dir
from .modelio import LinearModel
from .pipeline import make_nlp
from .results import Critique
from .schema import normalise_channel, normalise_relationship
from .textio import DEFAULT_MAX_CHARS, Prepared, check_text, prepare

#: drafts parsed and judged at a time by :meth:`Critic.critique_many`
CRITIQUE_CHUNK = 256

#: how many threads are inside :func:`collector_paused`, and whether the collector was enabled when the first came in
_PAUSE = {"depth": 0, "was_enabled": False}
_PAUSE_LOCK = threading.Lock()


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector for the duration of the block (one chunk of :meth:`Critic.critique_many`).

    A chunk allocates hundreds of thousands of short-lived objects (Docs, spans,
    feature dicts), almost none of them in reference cycles, and the collector's
    passes over them (and over the ~90,000 objects importing spaCy leaves) cost
    about a tenth of the chunk's time. Reference counting still frees everything
    at once; any cyclic garbage waits for the collector's next pass after the block,
    so memory stays bounded by one chunk. The collector is process-wide: nested or
    concurrent blocks (threads sharing a Critic) are counted, the state found by the
    first is restored by the last to leave, and an exception restores it too.
    """
    with _PAUSE_LOCK:
        if _PAUSE["depth"] == 0:
            _PAUSE["was_enabled"] = gc.isenabled()
            gc.disable()
        _PAUSE["depth"] += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _PAUSE["depth"] -= 1
            if _PAUSE["depth"] == 0 and _PAUSE["was_enabled"]:
                gc.enable()


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
        #: finding id prefixes hidden from critiques; judging and rewriting always use every rule
        self.disable = tuple(disable)
        self.max_chars = int(max_chars)
        needs_encoder = check_encoder(self.models, encoder)
        self.encoder = encoder if needs_encoder else None
        #: the judgement backend in use: "accurate" (ONNX encoder), "neural" (torch encoder) or "fast"
        self.backend = "fast" if self.encoder is None else ("neural" if hasattr(encoder, "torch") else "accurate")
        self.nlp = make_nlp(rankers=(self.models.get("company"), self.models.get("role")))
        self.classifiers = StackedClassifiers(self.models)
        self._lock = threading.Lock()

    @classmethod
    def load(
        cls,
        models_dir: str | os.PathLike[str] | None = None,
        *,
        backend: str = DEFAULT_BACKEND,
        disable: Sequence[str] = (),
        max_chars: int = DEFAULT_MAX_CHARS,
        encoder=None,
    ) -> "Critic":
        """Load the pipeline and models once. ``models_dir`` overrides shipped models task by task.

        ``backend="accurate"`` (the default) runs the shipped fine-tuned encoder
        with onnxruntime (or an ONNX encoder in ``models_dir/encoder/``) and the
        blended task models; ``"fast"`` uses the linear models alone (numpy,
        about 2.5x the throughput); ``"neural"`` runs models trained by the user with
        ``refernlp train --neural/--fine-tune`` on a torch encoder (needs the
        ``neural`` extra). Every model and encoder file is checksum-verified
        before use; models refuse an encoder they were not trained on.
        """
        backend = check_backend(backend)
        if backend == "accurate":
            from .backends.accurate import OnnxEncoder, has_onnx_encoder

            models = load_models(models_dir, backend="accurate")
            if encoder is None and any(m.dense is not None for m in models.values()):
                local = tuned_encoder_dir(models_dir)
                encoder = OnnxEncoder(local if local is not None and has_onnx_encoder(local) else shipped_encoder_dir())
            return cls(models, disable=disable, max_chars=max_chars, encoder=encoder)
        if backend == "fast":
            return cls(load_models(models_dir, backend="fast"), disable=disable, max_chars=max_chars)
        tuned = tuned_encoder_dir(models_dir)
        if backend == "neural" and encoder is None and tuned is not None:
            from .neural import Encoder

            encoder = Encoder(tuned)
        # a custom encoder cannot drive the shipped neural heads (trained on the
        # packaged encoder): tasks not in models_dir then fall back to linear models
        models = load_models(models_dir, backend="neural")
        if backend == "neural" and encoder is None and any(m.dense is not None for m in models.values()):
            from .neural import Encoder

            encoder = Encoder()
        return cls(models, disable=disable, max_chars=max_chars, encoder=encoder)

    # --- analysis: each draft prepared, parsed and judged once ---------------------------
    def analyse(self, text: str) -> Analysis:
        """Read, parse and judge one draft; raises :class:`InputError` for a draft that cannot be critiqued."""
        check_text(text, max_chars=self.max_chars)
        prepared = prepare(text)
        with self._lock:
            doc = self.nlp(prepared.text)
        emb = self.encoder.encode([prepared.text])[0] if self.encoder is not None else None
        return Analysis(prepared, doc, freeze_probs(self.classifiers.predict(doc, emb)))

    def analyse_many(self, texts: Iterable[str], *, batch_size: int = 64, max_chars: int | None = None) -> list[Analysis]:
        """Analyse many drafts with ``nlp.pipe``; raises :class:`InputError` on the first bad one.

        ``max_chars`` overrides the critic's limit for this call (the rewriter scores its own
        candidates, which may be longer than the draft they were made from).
        """
        return self.analyse_prepared(self.prepare_many(texts, max_chars=max_chars), batch_size=batch_size)

    def prepare_many(self, texts: Iterable[str], *, max_chars: int | None = None) -> list[Prepared]:
        """Check and prepare every draft first; raises :class:`InputError` on the first bad one (``max_chars``: as in :meth:`analyse_many`)."""
        limit = self.max_chars if max_chars is None else int(max_chars)
        prepared = []
        for i, t in enumerate(texts):
            try:
                check_text(t, max_chars=limit)
            except InputError as exc:
                raise InputError(f"draft {i}: {exc}") from None
            prepared.append(prepare(t))
        return prepared

    def analyse_prepared(self, prepared: Sequence[Prepared], *, batch_size: int = 64) -> list[Analysis]:
        """Parse and judge drafts already checked and prepared by :meth:`prepare_many`."""
        texts = [p.text for p in prepared]
        encoded: dict = {}
        worker = None
        if self.encoder is not None:
            # the encoder (onnxruntime, outside the GIL) runs while spaCy parses; each draft is still
            # encoded on its own, so the results equal those of one-at-a-time analysis
            def encode() -> None:
                try:
                    encoded["embs"] = self.encoder.encode(texts)
                except BaseException as exc:  # re-raised below, in the caller's thread
                    encoded["error"] = exc

            worker = threading.Thread(target=encode, name="refernlp-encode", daemon=True)
            worker.start()
        with self._lock:
            docs = list(self.nlp.pipe(texts, batch_size=batch_size))
        if worker is not None:
            worker.join()
            if "error" in encoded:
                raise encoded["error"]
        embs = encoded["embs"] if worker is not None else [None] * len(docs)
        return [Analysis(p, d, freeze_probs(self.classifiers.predict(d, e))) for p, d, e in zip(prepared, docs, embs)]

    # --- critiques ------------------------------------------------------------------------
    def critique(self, text: str | Analysis, *, relationship: str | None = None, channel: str | None = None) -> Critique:
        """Critique one draft (or an :class:`Analysis` of it).

        ``relationship`` (strong|weak|second_degree) overrides inference; ``channel``
        (email|linkedin|linkedin_note|chat|sms, or the CLI's spellings) picks the
        length advice, inferred from the text when ``None``.
        """
        given = normalise_relationship(relationship)
        normalise_channel(channel)  # an unknown channel fails before any work
        analysis = text if isinstance(text, Analysis) else self.analyse(text)
        return build_critique(analysis, given, self.disable, channel)

    def critique_many(self, texts: Iterable[str], *, relationship: str | None = None, channel: str | None = None, batch_size: int = 64) -> list[Critique]:
        """Critique many drafts with ``nlp.pipe``; raises :class:`InputError` on the first bad one."""
        given = normalise_relationship(relationship)
        normalise_channel(channel)
        prepared = self.prepare_many(texts)  # every draft checked before any work, as analyse_many does
        out: list[Critique] = []
        # a chunk of drafts at a time: only a chunk's Docs are alive at once, not every draft's
        # (less memory, and the garbage collector's full passes have far fewer objects to scan)
        # the cyclic collector paused within a chunk, running between chunks (:func:`collector_paused`)
        for i in range(0, len(prepared), CRITIQUE_CHUNK):
            with collector_paused():
                out.extend(build_critique(a, given, self.disable, channel) for a in self.analyse_prepared(prepared[i : i + CRITIQUE_CHUNK], batch_size=batch_size))
        return out

    def rewrite(
        self, text: str | Analysis, *, relationship: str | None = None, n: int = 3, seed: int | None = None, generator=None,
        mutual: str | None = None, channel: str | None = None,
    ) -> list:
        """Suggested rewrites of a draft (or of its :class:`Analysis`): edits of the draft, tuned to the relationship.

        See :func:`refernlp.rewrite.rewrite`. ``generator``: a loaded
        :class:`refernlp.rewrite.Generator` that may reword the inserted sentences;
        ``mutual``: the mutual contact of a second-degree draft; ``channel``: None to infer.
        """
        from .rewrite import rewrite_analysis

        analysis = text if isinstance(text, Analysis) else self.analyse(text)
        return rewrite_analysis(self, analysis, relationship=relationship, n=n, seed=seed, generator=generator, mutual=mutual, channel=channel)


_DEFAULT: dict[str, Critic] = {}
_DEFAULT_LOCK = threading.Lock()


def default_critic() -> Critic:
    """The shared Critic with shipped models, loaded on first use."""
    with _DEFAULT_LOCK:
        if "critic" not in _DEFAULT:
            _DEFAULT["critic"] = Critic.load()
        return _DEFAULT["critic"]


def critique(text: str, *, relationship: str | None = None, channel: str | None = None) -> Critique:
    """Critique one draft with the shipped models: ``critique(text, relationship="weak", channel="email").to_dict()``."""
    return default_critic().critique(text, relationship=relationship, channel=channel)
