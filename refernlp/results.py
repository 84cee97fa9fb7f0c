"""Typed, frozen result objects. ``Critique.to_dict()`` is the documented JSON schema (``schema.json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .schema import SCHEMA_VERSION


def _r(x: float) -> float:
    return round(float(x), 4)


@dataclass(frozen=True)
class Label:
    label: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "confidence": _r(self.confidence)}


@dataclass(frozen=True)
class Relationship:
    label: str
    confidence: float
    source: str  #: "given" or "inferred"

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "confidence": _r(self.confidence), "source": self.source}


@dataclass(frozen=True)
class Channel:
    """Where the draft will be sent (``schema.CHANNELS``), which decides the length advice."""

    label: str
    source: str  #: "given" or "inferred"

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "source": self.source}


@dataclass(frozen=True)
class Transparency:
    label: str | None  #: None when the draft holds no referral ask
    score: float
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": _r(self.score), "missing": list(self.missing)}


@dataclass(frozen=True)
class Strategy:
    name: str
    polarity: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "polarity": self.polarity, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Politeness:
    label: str
    score: float
    strategies: tuple[Strategy, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": _r(self.score), "strategies": [s.to_dict() for s in self.strategies]}


@dataclass(frozen=True)
class Slots:
    company: str | None = None
    role: str | None = None
    recipient_name: str | None = None
    sender_name: str | None = None
    mutual_contact: str | None = None
    job_ids: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "role": self.role,
            "recipient_name": self.recipient_name,
            "sender_name": self.sender_name,
            "mutual_contact": self.mutual_contact,
            "job_ids": list(self.job_ids),
            "urls": list(self.urls),
        }


@dataclass(frozen=True)
class Finding:
    id: str
    severity: str
    message: str
    start: int | None = None
    end: int | None = None
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class Edit:
    """One change a rewrite makes to the draft: ``draft[start:end]`` (``before``) becomes ``after``.

    Offsets are character offsets into the draft exactly as given; ``start == end``
    is an insertion. ``reason`` is the id of the finding the edit answers
    (``politeness.command``, ``courtesy.no_thanks``...) or ``rewrite.<what>`` for a
    structural change (``rewrite.blurb``, ``rewrite.two_step``).
    """

    start: int
    end: int
    before: str
    after: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "before": self.before, "after": self.after, "reason": self.reason}


@dataclass(frozen=True)
class Verdict:
    """The one-line answer to "can I send this?": ready when the report shows no error or warning."""

    ready: bool
    summary: str  #: "ready to send", or "fix 1 thing first" / "fix N things first"

    def to_dict(self) -> dict[str, Any]:
        return {"ready": self.ready, "summary": self.summary}


@dataclass(frozen=True)
class Stats:
    words: int
    characters: int
    sentences: int
    questions: int

    def to_dict(self) -> dict[str, Any]:
        return {"words": self.words, "characters": self.characters, "sentences": self.sentences, "questions": self.questions}


@dataclass(frozen=True)
class Critique:
    """Everything refernlp says about one draft. ``to_dict()`` gives the JSON schema version 1."""

    request_type: Label
    relationship: Relationship
    transparency: Transparency
    politeness: Politeness
    asks_introduction: bool
    slots: Slots
    findings: tuple[Finding, ...]
    stats: Stats
    #: what the message is for (referral_ask, intro_request, thanks, catch_up...); see schema.PURPOSES
    purpose: Label | None = None
    #: the channel whose length advice was applied (given, or inferred from the text)
    channel: Channel | None = None
    #: ready to send, or how many things to fix first (see analysis.verdict)
    verdict: Verdict | None = None
    text: str = field(default="", repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "request_type": self.request_type.to_dict(),
            "purpose": self.purpose.to_dict() if self.purpose is not None else None,
            "relationship": self.relationship.to_dict(),
            "channel": self.channel.to_dict() if self.channel is not None else None,
            "transparency": self.transparency.to_dict(),
            "politeness": self.politeness.to_dict(),
            "asks_introduction": self.asks_introduction,
            "slots": self.slots.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "stats": self.stats.to_dict(),
            "verdict": self.verdict.to_dict() if self.verdict is not None else None,
        }
