"""Ranking: candidates critiqued with the same critic, scored, and the best distinct ones chosen.

A few candidates per plan are critiqued in one batch with the same
:class:`~refernlp.critic.Critic` (politeness, transparency, request type,
findings, slots kept, length) and the best ``n`` distinct ones are returned
(pairwise token Jaccard below 0.8 where possible). Judging and ranking always
use every finding rule, whatever the critic hides from its reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..analysis import Analysis, build_critique
from .facts import BAD_STRATEGIES, Facts
from .plans import Plan, join_messages
from .realise import EMAIL_WORDS, MESSAGE_CHARS
from .words import WORD, placeholders

if TYPE_CHECKING:
    from ..critic import Critic
    from ..results import Critique

RELATIONSHIPS = ("strong", "weak", "second_degree")
#: when the relationship is inferred with less confidence than this, one variant per relationship
MIN_CONFIDENCE = 0.6
JACCARD_MAX = 0.8


@dataclass
class Candidate:
    """A realised plan: its message bodies (two for the two-step plan), scored once critiqued.

    ``text`` is what the user sees (:func:`~.plans.join_messages`); the critic
    judges it, and lengths are measured message by message.
    """

    relationship: str
    plan: Plan
    variant: int
    messages: tuple[str, ...]
    changes: tuple[str, ...]
    headers: tuple[str, ...] = ()
    cheap: float = 0.0
    score: float = 0.0
    critique: Any = field(default=None, repr=False)
    order: int = 0
    #: the critic's analysis of ``text`` (kept so that a check never parses the same text again)
    analysis: Analysis | None = field(default=None, repr=False, compare=False)
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = join_messages(self.messages, self.headers)


def critiques(critic: Critic, texts: list[str], relationship: str) -> list[tuple[Analysis, Critique]]:
    """Analyses and critiques of candidate texts with every rule (``--disable`` never changes the ranking)."""
    return [(a, build_critique(a, relationship)) for a in critic.analyse_many(texts)]


def relationships(crit: Critique) -> tuple[tuple[str, ...], bool]:
    """The relationships to plan for, and whether there are several (the relationship is uncertain).

    Relationship not given and inferred with confidence below 0.6 (or inferred
    as ``unknown``): one suggestion per relationship, the inferred one first.
    """
    rel = crit.relationship
    if rel.source == "given" and rel.label in RELATIONSHIPS:
        return (rel.label,), False
    if rel.label in RELATIONSHIPS and rel.confidence >= MIN_CONFIDENCE:
        return (rel.label,), False
    first = (rel.label,) if rel.label in RELATIONSHIPS else ()
    return first + tuple(r for r in ("weak", "strong", "second_degree") if r not in first), True


def _tokens(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in WORD.findall(text))


def jaccard(a: str, b: str) -> float:
    """Token Jaccard similarity of two texts (lower-cased word sets)."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta and not tb:
        return 1.0
    return len(ta & tb) / len(ta | tb)


def _length_penalty(c: Candidate) -> float:
    pen = 0.0
    for m in c.messages:
        words = len(WORD.findall(m))
        lo, hi = EMAIL_WORDS
        if words < lo:
            pen += 0.02 * (lo - words)
        elif words > hi:
            pen += 0.02 * (words - hi)
        if len(m) >= MESSAGE_CHARS:
            pen += 0.5 + 0.004 * (len(m) - MESSAGE_CHARS)
    return pen


def cheap(c: Candidate, facts: Facts) -> float:
    """The score before critiquing: length, slots kept, placeholders left."""
    missing = sum(1 for v in facts.slot_values if v not in c.text)
    return -_length_penalty(c) - 3.0 * missing - 0.05 * len(placeholders(c.text))


def judge(c: Candidate, facts: Facts) -> float:
    """The full score of a critiqued candidate (``c.critique`` and ``c.cheap`` set)."""
    cr = c.critique
    s = 2.0 * cr.politeness.score + (1.0 if cr.politeness.label == "polite" else 0.0)
    if facts.rtype != "none":
        s += 1.5 * cr.transparency.score + (0.5 if cr.transparency.label == "high" else 0.0)
    s += 3.0 if cr.request_type.label == facts.rtype else 0.0  # the rewrite must keep the request type
    for f in cr.findings:
        s -= {"error": 1.5, "warning": 0.5}.get(f.severity, 0.1)
    s -= 2.0 * sum(1 for st in cr.politeness.strategies if st.name in BAD_STRATEGIES)
    if c.relationship == "second_degree" or facts.intro:
        s += 0.5 if cr.asks_introduction else -1.0
    if c.plan is Plan.TWO_STEP:
        s -= 0.75  # the one-message version is the default suggestion; the plan is an alternative
    return s + c.cheap


def diverse(cands: list[Candidate], k: int, chosen: list[Candidate] | None = None) -> list[Candidate]:
    """Up to ``k`` candidates in order, skipping near-duplicates of those already chosen."""
    picked: list[Candidate] = []
    base = list(chosen or [])
    for c in cands:
        if len(picked) >= k:
            break
        if all(jaccard(c.text, p.text) < JACCARD_MAX for p in base + picked):
            picked.append(c)
    for c in cands:  # too few distinct enough: fall back to any different text
        if len(picked) >= k:
            break
        if c not in picked and all(c.text != p.text for p in base + picked):
            picked.append(c)
    return picked


def choose(ranked: list[Candidate], rels: tuple[str, ...], n: int, multi: bool) -> list[Candidate]:
    """The ``n`` suggestions: one per relationship first when unsure of it; with a known weak tie and
    ``n >= 2``, the two-step plan always among them."""
    if multi:
        chosen: list[Candidate] = []
        for rel in rels[:n]:
            mine = [c for c in ranked if c.relationship == rel]
            chosen += diverse(mine, 1, chosen) or mine[:1]
        if len(chosen) < n:
            chosen += diverse([c for c in ranked if c not in chosen], n - len(chosen), chosen)
        return chosen
    chosen = diverse(ranked, n)
    two = next((c for c in ranked if c.plan is Plan.TWO_STEP), None)
    if two is not None and n >= 2 and two not in chosen:
        chosen = chosen[: n - 1] + [two] if len(chosen) >= n else chosen + [two]
    return chosen
