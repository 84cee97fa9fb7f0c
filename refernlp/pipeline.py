"""The spaCy pipeline: ``spacy.blank("en")`` plus refernlp's own registered components."""

from __future__ import annotations

import math

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import components  # noqa: F401  (registers the factories)
from .components.base import ensure_extensions

PIPE_NAMES = ("refernlp_sentences", "refernlp_strategies", "refernlp_cues", "refernlp_slots")

_ENGLISH = frozenset(
    "the a an and or but to of in on at for with from by is are was were be been am i you he she it we they me my your "
    "our their this that these those have has had do does did not no can could would will should may might just so if "
    "as about what when where who how why there here hi hello thanks thank please all any some more very also know "
    "want need looking work job role team company would like hope well".split()
)


def make_nlp(rankers: tuple | None = None) -> Language:
    """A blank English pipeline with refernlp's components (no downloaded model needed).

    ``rankers``: the ``(company, role)`` candidate-ranking models handed to the
    slot extractor's ``initialize``; ``None`` keeps its rule-based order.
    """
    ensure_extensions()
    nlp = spacy.blank("en")
    for name in PIPE_NAMES:
        nlp.add_pipe(name)
    if rankers is not None:
        company, role = rankers
        nlp.get_pipe("refernlp_slots").initialize(nlp=nlp, company=company, role=role)
    return nlp


@Language.factory("refernlp")
def make_refernlp(nlp: Language, name: str):
    """Add every refernlp component to someone else's pipeline in one call: ``nlp.add_pipe("refernlp")``."""
    components_ = [nlp.create_pipe(n) for n in PIPE_NAMES]

    def run_all(doc: Doc) -> Doc:
        for comp in components_:
            doc = comp(doc)
        return doc

    return run_all


def looks_english(doc: Doc) -> bool | None:
    """``None`` when there are too few words to tell; else whether the draft reads as English."""
    words = [t for t in doc if t.is_alpha]
    if len(words) < 4:
        return None
    letters = "".join(t.text for t in words)
    latin = sum(1 for c in letters if c.isascii()) / max(1, len(letters))
    func = sum(1 for t in words if t.lower_ in _ENGLISH) / len(words)
    return latin >= 0.6 and func >= 0.12


def doc_cues(doc: Doc) -> dict[str, float]:
    """Named, dense features of a processed Doc, fed to the classifiers beside the n-grams."""
    counts: dict[str, float] = {}
    for mark in doc._.strategies or ():
        counts["strat:" + mark.name] = counts.get("strat:" + mark.name, 0.0) + 1.0
    n_chars = max(1, len(doc.text))
    first_ask = None
    for mark in doc._.cues or ():
        counts["cue:" + mark.name] = counts.get("cue:" + mark.name, 0.0) + 1.0
        if mark.category == "ask" and mark.name != "advice" and first_ask is None:
            first_ask = mark.start
    feats = {k: math.log1p(v) for k, v in counts.items()}
    slots = doc._.slots or {}
    # company/role come from the learned rankers: left out so that classifiers and
    # rankers can be retrained independently
    for key in ("recipient_name", "sender_name", "mutual_contact"):
        if slots.get(key):
            feats["slot:" + key] = 1.0
    if slots.get("job_ids"):
        feats["slot:job_id"] = 1.0
    if slots.get("urls"):
        feats["slot:url"] = 1.0
    length = len(doc.text.strip())
    feats["len:" + ("<100" if length < 100 else "<400" if length < 400 else "<800" if length < 800 else "<1200" if length < 1200 else "1200+")] = 1.0
    if first_ask is not None:
        feats["ask_pos"] = first_ask / n_chars
    else:
        feats["no_ask"] = 1.0
    n_q = sum(1 for s in doc.sents if s.text.rstrip().endswith("?"))
    feats["questions"] = math.log1p(n_q)
    return feats


def doc_words(doc: Doc) -> list[str]:
    return [t.lower_ for t in doc if not t.is_space]
