"""The spaCy pipeline: ``spacy.blank("en")`` plus refernlp's own registered components."""

from __future__ import annotations

import math
import threading

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import components  # noqa: F401  (registers the factories)
from .components.base import TextKeepingTokenizer, TokenTable, doc_text, ensure_extensions, sentence_texts, word_hashes

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
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    for name in PIPE_NAMES:
        nlp.add_pipe(name)
    if rankers is not None:
        company, role = rankers
        nlp.get_pipe("refernlp_slots").initialize(nlp=nlp, company=company, role=role)
    return nlp


class RefernlpPipe:
    """refernlp in someone else's pipeline: the components' results and the whole critique on the Doc.

    ``doc._.critique`` is the :class:`~refernlp.results.Critique` that
    :func:`refernlp.critique` returns for ``doc.text`` (the same shared Critic
    and models, loaded on the first Doc; ``models`` loads another model
    directory instead), and ``doc._.strategies``, ``doc._.cues``,
    ``doc._.slots`` and ``doc._.slot_spans`` are those the critique was built
    from, company and role included. A text the critic refuses (empty, binary,
    over its length limit) gets ``doc._.critique = None`` and the components'
    own results.
    """

    def __init__(self, nlp: Language, name: str, models: str | None = None, relationship: str | None = None, channel: str | None = None) -> None:
        ensure_extensions()
        if not Doc.has_extension("critique"):
            Doc.set_extension("critique", default=None)
        self.name = name
        self.models, self.relationship, self.channel = models, relationship, channel
        self.components = [nlp.create_pipe(n) for n in PIPE_NAMES]
        self._critic = None
        self._lock = threading.Lock()

    @property
    def critic(self):
        with self._lock:
            if self._critic is None:
                from .critic import Critic, default_critic  # lazily: the critic module imports this one

                self._critic = default_critic() if self.models is None else Critic.load(self.models)
            return self._critic

    def __call__(self, doc: Doc) -> Doc:
        from .errors import InputError

        doc = self.components[0](doc)  # sentence boundaries on the caller's Doc, as before
        critic = self.critic
        try:
            analysis = critic.analyse(doc.text)
        except InputError:
            for comp in self.components[1:]:
                doc = comp(doc)
            doc._.critique = None
            return doc
        for ext in ("strategies", "cues", "slots", "slot_spans"):
            setattr(doc._, ext, getattr(analysis.doc._, ext))
        doc._.critique = critic.critique(analysis, relationship=self.relationship, channel=self.channel)
        return doc


@Language.factory(
    "refernlp",
    default_config={"models": None, "relationship": None, "channel": None},
    assigns=["token.is_sent_start", "doc._.strategies", "doc._.cues", "doc._.slots", "doc._.slot_spans", "doc._.critique"],
)
def make_refernlp(nlp: Language, name: str, models: str | None, relationship: str | None, channel: str | None) -> RefernlpPipe:
    """Add refernlp to someone else's pipeline in one call: ``nlp.add_pipe("refernlp")`` sets ``doc._.critique``.

    Config: ``models`` (a model directory; ``None``: the shipped models),
    ``relationship`` and ``channel`` (as in :func:`refernlp.critique`).
    """
    return RefernlpPipe(nlp, name, models=models, relationship=relationship, channel=channel)


_ENGLISH_HASHES = word_hashes(_ENGLISH)


def looks_english(doc: Doc) -> bool | None:
    """``None`` when there are too few words to tell; else whether the draft reads as English."""
    if not len(doc):
        return None
    tab = TokenTable.of(doc)
    words = [(low, a, n) for alpha, low, a, n in zip(tab.is_alpha, tab.lower, tab.idx, tab.length) if alpha]
    if len(words) < 4:
        return None
    text = tab.text
    letters = "".join([text[a : a + n] for _, a, n in words])
    # ASCII characters among the letters, counted in C (str.isascii per character before)
    latin = len(letters.encode("ascii", "ignore")) / max(1, len(letters))
    func = sum(1 for low, _, _ in words if low in _ENGLISH_HASHES) / len(words)
    return latin >= 0.6 and func >= 0.12


def doc_cues(doc: Doc) -> dict[str, float]:
    """Named, dense features of a processed Doc, fed to the classifiers beside the n-grams."""
    counts: dict[str, float] = {}
    ext = doc._  # one Underscore object for the three reads (each ``doc._`` makes a new one)
    for mark in ext.strategies or ():
        counts["strat:" + mark.name] = counts.get("strat:" + mark.name, 0.0) + 1.0
    text = doc_text(doc)
    n_chars = max(1, len(text))
    first_ask = None
    for mark in ext.cues or ():
        counts["cue:" + mark.name] = counts.get("cue:" + mark.name, 0.0) + 1.0
        if mark.category == "ask" and mark.name != "advice" and first_ask is None:
            first_ask = mark.start
    feats = {k: math.log1p(v) for k, v in counts.items()}
    slots = ext.slots or {}
    # company/role come from the learned rankers: left out so that classifiers and
    # rankers can be retrained independently
    for key in ("recipient_name", "sender_name", "mutual_contact"):
        if slots.get(key):
            feats["slot:" + key] = 1.0
    if slots.get("job_ids"):
        feats["slot:job_id"] = 1.0
    if slots.get("urls"):
        feats["slot:url"] = 1.0
    length = len(text.strip())
    feats["len:" + ("<100" if length < 100 else "<400" if length < 400 else "<800" if length < 800 else "<1200" if length < 1200 else "1200+")] = 1.0
    if first_ask is not None:
        feats["ask_pos"] = first_ask / n_chars
    else:
        feats["no_ask"] = 1.0
    n_q = sum(1 for s in (TokenTable.of(doc).sent_texts if len(doc) else sentence_texts(doc)) if s.rstrip().endswith("?"))
    feats["questions"] = math.log1p(n_q)
    return feats


def doc_words(doc: Doc) -> list[str]:
    """The lower-cased tokens of a Doc, spaces left out (``Token.lower_``, read in one array call)."""
    if not len(doc):
        return []
    tab = TokenTable.of(doc)
    return [low for low, sp in zip(tab.lowers, tab.is_space) if not sp]
