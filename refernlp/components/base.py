"""Shared pieces of the pipeline components: the Mark span type, Doc extensions, phrase matching."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
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

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "polarity": self.polarity, "text": self.text, "start": self.start, "end": self.end}


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


def build_phrase_matcher(nlp: Language, groups: dict[str, Iterable[str]]) -> PhraseMatcher:
    """A case-insensitive PhraseMatcher with one match id per group."""
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for key, phrases in groups.items():
        docs = [nlp.make_doc(p) for p in sorted(set(phrases)) if p.strip()]
        if docs:
            matcher.add(key, docs)
    return matcher


def first_word_index(sent_tokens, skip: frozenset[str] = frozenset()) -> int | None:
    """Index (within the sentence) of the first word-like token, skipping bullets, emoji and ``skip`` words."""
    for i, tok in enumerate(sent_tokens):
        if tok.is_space or tok.is_punct or not any(ch.isalnum() for ch in tok.text):
            continue
        if tok.lower_ in skip:
            continue
        return i
    return None
