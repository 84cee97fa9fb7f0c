"""The finding engine: rules as data (id, severity, description, examples) run over one draft's Context.

A rule is a generator function registered with :func:`rule`, which declares
its id, severity, a one-line description and its ``flags`` / ``passes``
example drafts (proselint's habit); one test runs every example. ``--disable``
and config files only hide findings (:func:`is_disabled`): judging and
rewriting always run every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping

from spacy.tokens import Doc

from ..channels import resolve_channel
from ..components.base import ALNUM_CHAR, Mark, TokenTable, placeholder_spans
from ..pipeline import looks_english
from ..results import Finding
from ..schema import SEVERITY_RANK
from ..textio import Prepared

_SUBJECT = re.compile(r"^\s*subject\s*:[^\n]*", re.I)

#: the elements a request cannot be transparent without; the others (goal, level, location) only make it better
ESSENTIAL = {"targeted": ("company", "role_or_job_link"), "general": ("role_or_field", "clear_ask")}
#: cue kinds that ask the recipient for something explicitly
ASK_CUES = ("referral", "keep_in_mind", "introduction", "advice", "request")
#: strategies that are an explicit request form, polite or not ("could you", "refer me")
ASK_STRATEGIES = ("subjunctive", "indicative", "bare_imperative")


def reconcile_missing(missing: tuple[str, ...], rtype: str, transparency: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(missing, unconfirmed)``: the label wins over the slot rules.

    On the dev split, when the model rates a request ``high`` but the slot
    rules cannot find its company or role, the model is right about 87% of the
    time (the slots are what failed). So a ``high`` label keeps no essential
    element in ``missing``; those the rules could not find are returned as
    ``unconfirmed`` (reported as an info finding) instead.
    """
    if transparency != "high":
        return missing, ()
    essential = ESSENTIAL.get(rtype, ())
    return tuple(m for m in missing if m not in essential), tuple(m for m in missing if m in essential)


def missing_elements(rtype: str, slots: Mapping[str, object], cues: Iterable[Mark]) -> tuple[str, ...]:
    """The transparency elements a request of type ``rtype`` lacks, as the slot rules see it (before :func:`reconcile_missing`)."""
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


@dataclass(frozen=True)
class Context:
    """What a rule can see about one draft."""

    text: str
    request_type: str
    relationship: str
    relationship_source: str
    politeness: str
    asks_introduction: bool
    strategies: tuple[Mark, ...]
    cues: tuple[Mark, ...]
    slot_spans: dict
    missing: tuple[str, ...]
    words: int
    is_email: bool
    english: bool | None
    html: bool
    quoted_from: int | None
    #: the channel the draft is for (``schema.CHANNELS``) and whether it was "given" or "inferred"
    channel: str = "linkedin"
    channel_source: str = "inferred"
    #: the transparency label (None when not judged, as in a rule's examples, or for no request)
    transparency: str | None = None
    #: essential elements the slot rules could not find although the label is ``high``
    unconfirmed: tuple[str, ...] = ()
    #: end of a leading ``Subject:`` line (0 when there is none)
    subject_end: int = 0
    #: character spans of unfilled template placeholders
    placeholders: tuple[tuple[int, int], ...] = ()

    @classmethod
    def build(
        cls, prepared: Prepared, doc: Doc, *, request_type: str, relationship: str, relationship_source: str, politeness: str, channel: str | None = None,
        transparency: str | None = None,
    ) -> "Context":
        """The context of a processed draft with the given judgements; ``channel`` ``None`` infers it.

        ``transparency`` is the model's label (``None``: not judged); see :func:`reconcile_missing`.
        """
        ext = doc._  # one Underscore object for the four reads (each ``doc._`` makes a new one)
        cues = tuple(ext.cues)
        subject = _SUBJECT.match(prepared.text)
        missing, unconfirmed = reconcile_missing(missing_elements(request_type, ext.slots, cues), request_type, transparency)
        channel, channel_source = resolve_channel(prepared, channel)
        return cls(
            text=prepared.original,
            request_type=request_type,
            relationship=relationship,
            relationship_source=relationship_source,
            politeness=politeness,
            asks_introduction=any(m.name == "introduction" for m in cues),
            strategies=tuple(ext.strategies),
            cues=cues,
            slot_spans=ext.slot_spans,
            missing=missing,
            words=count_words(doc),
            is_email=channel == "email",
            english=looks_english(doc),
            html=prepared.html_stripped,
            quoted_from=prepared.quoted_from,
            channel=channel,
            channel_source=channel_source,
            transparency=transparency,
            unconfirmed=unconfirmed,
            subject_end=subject.end() if subject else 0,
            placeholders=tuple(placeholder_spans(prepared.text)),
        )

    def cue(self, *names: str) -> list[Mark]:
        return [m for m in self.cues if m.name in names]

    def strat(self, *names: str) -> list[Mark]:
        return [m for m in self.strategies if m.name in names]

    @property
    def characters(self) -> int:
        """Characters of the draft without leading and trailing whitespace (``stats.characters``, the length rules)."""
        return len(self.text.strip())

    def body_cue(self, *names: str) -> list[Mark]:
        """Cues of these kinds in the body; those of a leading ``Subject:`` line only when the body has none."""
        found = self.cue(*names)
        body = [m for m in found if m.start >= self.subject_end]
        return body or found

    @property
    def first_ask(self) -> Mark | None:
        """The first referral, keep-in-mind or introduction ask (in the body when the body has one)."""
        asks = self.body_cue("referral", "keep_in_mind", "introduction")
        return asks[0] if asks else None

    @property
    def explicit_ask(self) -> bool:
        """Whether the draft asks for something in so many words: an ask cue, "could you …", "refer me", "I request …"."""
        return bool(self.cue(*ASK_CUES) or self.strat(*ASK_STRATEGIES))


def count_words(doc: Doc) -> int:
    """Words of a draft: tokens holding a letter or digit."""
    if not len(doc):
        return 0
    return sum(map(bool, map(ALNUM_CHAR.search, TokenTable.of(doc).texts)))


@dataclass(frozen=True)
class Example:
    """A draft a rule must flag (or must pass), judged as ``request_type`` with the ``relationship`` given."""

    text: str
    request_type: str = "targeted"
    relationship: str = "strong"
    #: the channel it is sent on (``schema.CHANNELS``); ``None``: inferred from the text
    channel: str | None = None
    #: the transparency and politeness labels to judge it with (transparency None: not judged)
    transparency: str | None = None
    politeness: str = "neutral"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    description: str
    check: Callable[[Context], Iterable[Finding]] = field(repr=False)
    flags: tuple[Example, ...] = ()
    passes: tuple[Example, ...] = ()


RULES: dict[str, Rule] = {}


def _examples(items: Iterable[Example | tuple | str]) -> tuple[Example, ...]:
    out = []
    for item in items:
        if isinstance(item, Example):
            out.append(item)
        elif isinstance(item, str):
            out.append(Example(item))
        else:
            out.append(Example(*item))
    return tuple(out)


def rule(id: str, severity: str, description: str, *, flags: Iterable = (), passes: Iterable = ()):
    """Register a rule: ``fn(ctx, id, severity)`` yields :class:`Finding` objects.

    ``flags`` and ``passes`` are example drafts (strings, ``(text, type, relationship)``
    tuples or :class:`Example`) the rule must flag and must pass.
    """
    if severity not in SEVERITY_RANK:
        raise ValueError(f"unknown severity {severity!r}")

    def deco(fn: Callable[[Context, str, str], Iterator[Finding]]):
        def check(ctx: Context) -> Iterator[Finding]:
            return fn(ctx, id, severity)

        RULES[id] = Rule(id, severity, description, check, _examples(flags), _examples(passes))
        return fn

    return deco


def finding(id: str, severity: str, message: str, mark: Mark | tuple[int, int] | None = None, suggestion: str | None = None) -> Finding:
    """A finding at a Mark's span, at a ``(start, end)`` pair, or for the whole draft (``None``)."""
    if isinstance(mark, Mark):
        return Finding(id, severity, message, mark.start, mark.end, suggestion)
    if isinstance(mark, tuple):
        return Finding(id, severity, message, mark[0], mark[1], suggestion)
    return Finding(id, severity, message, None, None, suggestion)


def trim_quote(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut at a word boundary within ``limit`` characters, with an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit + 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut[1:] else flat[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


def is_disabled(rule_id: str, disabled: Iterable[str]) -> bool:
    """True when ``rule_id`` equals or falls under any of the ``disabled`` id prefixes."""
    for prefix in disabled:
        p = prefix.strip().rstrip(".")
        if p and (rule_id == p or rule_id.startswith(p + ".")):
            return True
    return False


def run_rules(ctx: Context) -> tuple[Finding, ...]:
    """Every rule's findings, most severe first, then by position."""
    out: list[Finding] = []
    for r in RULES.values():
        out.extend(r.check(ctx))
    out.sort(key=lambda f: (SEVERITY_RANK[f.severity], f.start if f.start is not None else -1, f.id))
    return tuple(out)


def hide(findings: Iterable[Finding], disabled: Iterable[str]) -> tuple[Finding, ...]:
    """The findings not switched off by ``disabled`` (id prefixes): only what is shown changes."""
    disabled = tuple(disabled)
    return tuple(f for f in findings if not is_disabled(f.id, disabled))
