"""Shared pieces of the pipeline components: the Mark span type, Doc extensions, phrase matching."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from spacy.attrs import (
    IDX,
    IS_ALPHA,
    IS_PUNCT,
    IS_SPACE,
    IS_STOP,
    IS_UPPER,
    LENGTH,
    LIKE_EMAIL,
    LOWER,
    ORTH,
    SENT_START,
    SPACY,
)
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import hash_string
from spacy.tokens import Doc


@dataclass(frozen=True, order=True)
class Mark:
    """One detection: a named strategy or cue at a character span of the draft."""

    start: int
    end: int
    name: str
    category: str  #: "strategy", "ask", "relationship", "resume", "bond", "goal", "location", "level"
    polarity: str = "neutral"
    text: str = ""

    def __init__(self, start: int, end: int, name: str, category: str, polarity: str = "neutral", text: str = "") -> None:
        # what the generated frozen __init__ does, without one object.__setattr__ call per field (~13 Marks a draft)
        self.__dict__.update(start=start, end=end, name=name, category=category, polarity=polarity, text=text)

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "polarity": self.polarity, "text": self.text, "start": self.start, "end": self.end}


def mark_order(mark: Mark) -> tuple[int, int, str, str, str, str]:
    """A sort key giving the dataclass order of :class:`Mark` (its fields in turn), compared in C."""
    return (mark.start, mark.end, mark.name, mark.category, mark.polarity, mark.text)


def ensure_extensions() -> None:
    """Register the Doc extensions refernlp uses (idempotent)."""
    for name, default in (
        ("strategies", None),
        ("cues", None),
        ("slots", None),
        ("slot_spans", None),
    ):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


#: one character for which ``str.isalnum()`` is true (re's ``\w`` is those characters and "_"):
#: ``ALNUM_CHAR.search(t)`` is ``any(c.isalnum() for c in t)``, in one C scan
ALNUM_CHAR = re.compile(r"[^\W_]")

#: where :func:`doc_text` keeps a Doc's text (a plain string, so ``Doc.to_bytes`` still works)
TEXT_KEY = "refernlp.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc and cached in ``doc.user_data``.

    ``Doc.text`` joins every token's text in Python on each access (a ``Token``
    object per token); the components and features read it many times per draft.
    A Doc's text never changes (retokenising keeps it), so the cache is exact.
    refernlp's pipeline fills the cache as it tokenises (:class:`TextKeepingTokenizer`).
    """
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        strings = doc.vocab.strings
        arr = doc.to_array([ORTH, SPACY]).tolist() if len(doc) else []
        text = "".join([strings[o] + " " if sp else strings[o] for o, sp in arr])
        doc.user_data[TEXT_KEY] = text
    return text


class TextKeepingTokenizer:
    """A spaCy tokenizer that stores each Doc's text, its input, where :func:`doc_text` looks first.

    spaCy's tokenization is non-destructive (``doc.text`` is the input string),
    so :func:`doc_text` need not rebuild it from the tokens. Every other
    attribute is the wrapped tokenizer's.
    """

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    def __getattr__(self, name: str):
        if name == "tokenizer":  # not set yet (unpickling, copying): no recursion
            raise AttributeError(name)
        return getattr(self.tokenizer, name)


def token_texts(doc: Doc) -> list[str]:
    """``[t.text for t in doc]``, sliced from :func:`doc_text` (no ``Token`` object per token)."""
    return list(TokenTable.of(doc).texts) if len(doc) else []


def word_hashes(words: Iterable[str]) -> frozenset[int]:
    """The StringStore hashes of ``words``: compare with ``Doc.to_array(LOWER)`` / ``ORTH`` values."""
    return frozenset(hash_string(w) for w in words)


class TokenTable:
    """A Doc's token attributes as plain Python lists, read in one ``Doc.to_array`` call.

    Reading ``Token`` attributes creates a Python object per token per access;
    these lists hold the same values (``lower``/``orth`` are StringStore hashes,
    the flags are ``Token.is_*`` / ``Token.like_email``, ``spacy`` is whether
    the token has trailing whitespace, which spaCy keeps as at most one space:
    ``Token.whitespace_`` is ``" "`` or ``""``). Read lazily, on first use:
    ``texts`` (``Token.text``), ``lowers`` (``Token.lower_``), ``sent_start``
    (``Token.is_sent_start`` is True) and ``sents``, the ``(start, end)`` token
    bounds of ``doc.sents``; read them after the sentence splitter has run.

    :meth:`of` gives every reader of one Doc the same table (the components,
    the features and the findings), so the attributes are read once per draft.
    """

    __slots__ = (
        "_doc", "n", "text", "lower", "orth", "idx", "length", "is_alpha", "is_space", "is_punct", "is_upper", "is_stop",
        "like_email", "spacy", "_sents", "_texts", "_lowers", "_sent_start", "_sent_texts", "__weakref__",
    )

    _ATTRS = [LOWER, ORTH, IDX, LENGTH, IS_ALPHA, IS_SPACE, IS_PUNCT, IS_UPPER, IS_STOP, LIKE_EMAIL, SPACY]

    def __init__(self, doc: Doc, *, weak: bool = False) -> None:
        # a shared table (``of``) holds its Doc weakly: the cache must not keep Docs alive
        self._doc = weakref.ref(doc) if weak else doc
        self.n = n = len(doc)
        self.text = doc_text(doc)
        if n:
            cols = doc.to_array(self._ATTRS).T.tolist()
        else:
            cols = [[] for _ in self._ATTRS]
        (
            self.lower, self.orth, self.idx, self.length, self.is_alpha, self.is_space, self.is_punct, self.is_upper,
            self.is_stop, self.like_email, self.spacy,
        ) = cols
        self._sents: list[tuple[int, int]] | None = None
        self._texts: list[str] | None = None
        self._lowers: list[str] | None = None
        self._sent_start: list[bool] | None = None
        self._sent_texts: list[str] | None = None

    @classmethod
    def of(cls, doc: Doc) -> "TokenTable":
        """The shared table of ``doc``, built on first use (a new one if the Doc's length has changed, e.g. retokenised)."""
        tab = _TABLES.get(doc)
        if tab is None or tab.n != len(doc):
            tab = cls(doc, weak=True)
            _TABLES[doc] = tab
        return tab

    @property
    def doc(self) -> Doc:
        d = self._doc
        return d() if isinstance(d, weakref.ref) else d

    def sentences_changed(self) -> None:
        """Forget what was read of the sentence boundaries (the sentence splitter has just set them)."""
        self._sents = self._sent_start = self._sent_texts = None

    def set_sentence_starts(self, starts: list[bool]) -> None:
        """The sentence boundaries the splitter has just written (``starts``: ``Token.is_sent_start`` is True, per token).

        ``sent_start`` and ``sents`` are taken from them instead of being read back
        from the Doc (the same values: :func:`sentence_bounds` of the array just written).
        """
        self.sentences_changed()
        self._sent_start = [bool(x) for x in starts]
        doc = self.doc
        if self.n and "sents" not in doc.user_hooks:
            bounds = [i for i in range(1, self.n) if starts[i]]
            self._sents = list(zip([0] + bounds, bounds + [self.n]))

    def tok_text(self, i: int) -> str:
        a = self.idx[i]
        return self.text[a : a + self.length[i]]

    def lower_(self, i: int) -> str:
        return self.doc.vocab.strings[self.lower[i]]

    def start_char(self, i: int) -> int:
        return self.idx[i]

    def end_char(self, end: int) -> int:
        """The end character of a span whose last token is ``end - 1``."""
        return self.idx[end - 1] + self.length[end - 1]

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text`` (``start < end``): the characters from the first token to the end of the last."""
        return self.text[self.idx[start] : self.idx[end - 1] + self.length[end - 1]]

    @property
    def texts(self) -> list[str]:
        """``Token.text`` of every token."""
        if self._texts is None:
            text = self.text
            self._texts = [text[a : a + k] for a, k in zip(self.idx, self.length)]
        return self._texts

    @property
    def lowers(self) -> list[str]:
        """``Token.lower_`` of every token."""
        if self._lowers is None:
            strings = self.doc.vocab.strings
            self._lowers = [strings[h] for h in self.lower]
        return self._lowers

    @property
    def sent_start(self) -> list[bool]:
        """Whether ``Token.is_sent_start`` is True, token by token."""
        if self._sent_start is None:
            self._sent_start = (self.doc.to_array(SENT_START) == 1).tolist() if self.n else []
        return self._sent_start

    @property
    def sents(self) -> list[tuple[int, int]]:
        if self._sents is None:
            self._sents = sentence_bounds(self.doc)
        return self._sents

    @property
    def sent_texts(self) -> list[str]:
        """The text of each sentence (``s.text for s in doc.sents``), sliced from the Doc text."""
        if self._sent_texts is None:
            text, idx, length = self.text, self.idx, self.length
            self._sent_texts = [text[idx[s] : idx[e - 1] + length[e - 1]] for s, e in self.sents]
        return self._sent_texts


#: the shared table of each live Doc (:meth:`TokenTable.of`)
_TABLES: "weakref.WeakKeyDictionary[Doc, TokenTable]" = weakref.WeakKeyDictionary()


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """The ``(start, end)`` token bounds of ``doc.sents``, read from the SENT_START array.

    Falls back to ``doc.sents`` itself where that could differ (a ``sents`` user
    hook, or no sentence annotation: ``doc.sents`` raises spaCy's own error).
    """
    n = len(doc)
    if n == 0:
        return []
    if "sents" in doc.user_hooks or not doc.has_annotation("SENT_START"):
        return [(s.start, s.end) for s in doc.sents]
    flags = doc.to_array(SENT_START).tolist()  # 1, or -1 read as an unsigned 64-bit integer
    starts = [i for i in range(1, n) if flags[i] == 1]
    bounds = [0] + starts
    return list(zip(bounds, starts + [n]))


def sentence_texts(doc: Doc) -> list[str]:
    """``[s.text for s in doc.sents]``, each sliced from the Doc text at its :func:`sentence_bounds`."""
    if not len(doc):
        return [s.text for s in doc.sents]
    return list(TokenTable.of(doc).sent_texts)


def build_phrase_matcher(nlp: Language, groups: dict[str, Iterable[str]]) -> PhraseMatcher:
    """A case-insensitive PhraseMatcher with one match id per group."""
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for key, phrases in groups.items():
        docs = [nlp.make_doc(p) for p in sorted(set(phrases)) if p.strip()]
        if docs:
            matcher.add(key, docs)
    return matcher


def inside_word(doc: Doc, start: int, end: int, tab: TokenTable | None = None) -> bool:
    """True when tokens ``start:end`` begin or end inside a written word.

    The tokenizer splits some contractions into word pieces ("gotta" -> "got" +
    "ta", "gonna" -> "gon" + "na"); a phrase that matches only a piece ("ta",
    thanks) is not what the writer wrote. ``tab``: the Doc's :class:`TokenTable`
    (read from it: ``spacy`` is ``Token.whitespace_`` being " ", ``is_alpha`` is ``Token.is_alpha``).
    """
    tab = TokenTable.of(doc) if tab is None else tab
    spacy, is_alpha = tab.spacy, tab.is_alpha
    if start > 0 and not spacy[start - 1] and is_alpha[start - 1] and is_alpha[start]:
        return True
    return bool(end < tab.n and not spacy[end - 1] and is_alpha[end - 1] and is_alpha[end])


def filter_bounds(bounds: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spacy.util.filter_spans`` over ``(start, end)`` token bounds: the (first) longest of overlapping spans, by start.

    The same algorithm on the same keys, without a ``Span`` object per match.
    """
    ordered = sorted(bounds, key=lambda b: (b[1] - b[0], -b[0]), reverse=True)
    result = []
    seen: set[int] = set()
    for start, end in ordered:
        # end - 1: the boundaries are inclusive
        if start not in seen and end - 1 not in seen:
            result.append((start, end))
            seen.update(range(start, end))
    return sorted(result, key=lambda b: b[0])


#: an unfilled template placeholder: ``[Name]``, ``{company}``, ``<Job Title>``, ``____``, a run of capital Xs
PLACEHOLDER = re.compile(
    r"\[(?!(?:at|dot|sic)\])[^\[\]\n]*[A-Za-z][^\[\]\n]{0,40}\](?!\()"
    r"|\{\{?\s*[A-Za-z][\w .-]{0,40}\}\}?"
    r"|<(?!(?:a|b|i|p|q|s|u|br|hr|em|li|ol|ul|tr|td|th|h[1-6]|div|span|html|body|head|strong|table|tbody|thead|img|font|pre|code|sup|sub|small|center|meta|link|style|script|title|blockquote|section|article|footer|header|nav|main)\b)[A-Za-z][\w .'-]{0,40}>"
    r"|_{3,}|\b[Xx]{3,}\b"
)


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the unfilled template placeholders in ``text`` (never HTML tags or markdown links)."""
    return list(_placeholder_spans(text))


@lru_cache(maxsize=16)
def _placeholder_spans(text: str) -> tuple[tuple[int, int], ...]:
    # the components and the findings each ask for the same draft's placeholders: searched once
    return tuple(m.span() for m in PLACEHOLDER.finditer(text))


def first_word_index(sent_tokens, skip: frozenset[str] = frozenset()) -> int | None:
    """Index (within the sentence) of the first word-like token, skipping bullets, emoji and ``skip`` words."""
    for i, tok in enumerate(sent_tokens):
        if tok.is_space or tok.is_punct or not any(ch.isalnum() for ch in tok.text):
            continue
        if tok.lower_ in skip:
            continue
        return i
    return None
