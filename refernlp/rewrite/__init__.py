"""Suggested rewrites of a referral request, tuned to the strength of the relationship.

The steps, all driven by the critique of the draft
(:meth:`Critic.analyse <refernlp.critic.Critic.analyse>` reads it once;
:func:`rewrite_analysis` works from that :class:`~refernlp.analysis.Analysis`):

1. **Facts** (:mod:`.facts`). The request type (targeted, general or none), the
   relationship (given, or inferred), the slots (company, role, job IDs, links,
   names, mutual contact), the cues (shared history, compliments, an
   introduction ask) and the missing transparency elements decide which parts
   the message needs. Facts come only from the draft, verbatim.

2. **Plan** (:mod:`.plans`). Each relationship has its structure, a
   :class:`~.plans.Plan`: ``strong`` asks up front (``DIRECT``); ``weak``
   reconnects and gives first, then asks softly (``SOFT``), or splits into a
   bond-building message now and the ask later (``TWO_STEP``, returned as one
   :class:`Rewrite` holding both messages; when ``n >= 2`` the two-step plan is
   always among the weak-tie suggestions); ``second_degree`` asks the mutual
   contact for an introduction with a blurb to forward (``INTRO``). A draft that
   itself asks its recipient for an introduction keeps that shape for every
   relationship. Relationship not given and inferred with confidence below 0.6
   (or inferred as ``unknown``): one suggestion per relationship, the inferred
   one first.

3. **Realise** (:mod:`.realise`). Every part has several alternatives in the
   phrase bank; variant *k* takes alternative ``(offset + k) mod len`` of each
   part (offsets 0 by default, drawn from ``seed`` otherwise). Whatever the
   draft lacks is a ``[placeholder]``; articles and plurals agree with the
   inserted values; optional parts give way until the message fits its length
   budget (under 600 characters).

4. **Rank** (:mod:`.rank`). A few candidates per plan are critiqued in one batch
   with the same :class:`~refernlp.critic.Critic` and the best ``n`` distinct
   ones are returned (pairwise token Jaccard below 0.8 where possible).

5. **Reword (optional)** (:mod:`.generator`). With a :class:`Generator`
   (``--generator PATH``, a local seq2seq or causal language model; needs the
   ``neural`` extra), the model paraphrases each sentence of the best
   candidates; a paraphrase survives only if it passes every fact check and
   the reworded message keeps every judged quality of its source, so a weak
   model can leave the suggestions as they are but never make them worse.

Invalid input is refused exactly as by :meth:`Critic.critique
<refernlp.critic.Critic.critique>`: :class:`~refernlp.errors.InputError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..analysis import Analysis, build_critique
from ..errors import InputError
from ..resources import lexicon
from ..schema import normalise_relationship
from .facts import BAD_STRATEGIES, build_facts
from .generator import Generator, reworded
from .plans import PLANS, Plan, describe_changes, realise_plan
from .rank import Candidate, cheap, choose, critiques, diverse, jaccard, judge, relationships
from .realise import Realiser, indefinite_article, phrase_bank_words, template_fields
from .words import placeholders

if TYPE_CHECKING:
    from ..critic import Critic

__all__ = [
    "BAD_STRATEGIES",
    "Generator",
    "Rewrite",
    "Scores",
    "indefinite_article",
    "jaccard",
    "phrase_bank_words",
    "rewrite",
    "rewrite_analysis",
    "rewrite_with",
]

#: variants realised per plan; the most promising few are critiqued
N_REALISED = 4


# --- results ------------------------------------------------------------------
class Scores(Mapping[str, float]):
    """Read-only, hashable scores of a rewrite: ``scores["politeness"]``, ``scores["transparency"]``."""

    __slots__ = ("_items",)

    def __init__(self, politeness: float, transparency: float) -> None:
        object.__setattr__(self, "_items", (("politeness", float(politeness)), ("transparency", float(transparency))))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Scores is read-only")

    def __getitem__(self, key: str) -> float:
        for k, v in self._items:
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Scores(politeness={self['politeness']:.4f}, transparency={self['transparency']:.4f})"

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in self._items}


@dataclass(frozen=True)
class Rewrite:
    """One suggested rewrite: its relationship, text, scores, what changed and what to fill in.

    ``messages`` are the message bodies the text shows: one, or for the
    two-step plan the message to send now and the one to send later (``text``
    shows both under their headers, between ``---`` lines). Not part of
    :meth:`to_dict`; left empty, it is ``(text,)``.
    """

    relationship: str
    text: str
    scores: Scores
    changes: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    messages: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if not self.messages:
            object.__setattr__(self, "messages", (self.text,))

    def to_dict(self) -> dict[str, Any]:
        return {
            "relationship": self.relationship,
            "text": self.text,
            "scores": self.scores.to_dict(),
            "changes": list(self.changes),
            "placeholders": list(self.placeholders),
        }


# --- entry points ---------------------------------------------------------------
def _check_args(n: object, seed: object) -> tuple[int, int | None]:
    if isinstance(n, bool) or not isinstance(n, int):
        raise InputError(f"n must be an int, got {type(n).__name__}")
    if n < 1:
        raise InputError(f"n must be at least 1, got {n}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise InputError(f"seed must be an int or None, got {type(seed).__name__}")
    return n, seed


def rewrite_with(
    critic: Critic,
    text: str,
    *,
    relationship: str | None = None,
    n: int = 3,
    seed: int | None = None,
    generator: Generator | None = None,
) -> list[Rewrite]:
    """Up to ``n`` suggested rewrites of ``text`` using a loaded :class:`~refernlp.critic.Critic`.

    Shorthand for :func:`rewrite_analysis` on ``critic.analyse(text)``.
    """
    n, seed = _check_args(n, seed)
    normalise_relationship(relationship)
    return rewrite_analysis(critic, critic.analyse(text), relationship=relationship, n=n, seed=seed, generator=generator)


def rewrite_analysis(
    critic: Critic,
    analysis: Analysis,
    *,
    relationship: str | None = None,
    n: int = 3,
    seed: int | None = None,
    generator: Generator | None = None,
) -> list[Rewrite]:
    """Up to ``n`` suggested rewrites of an analysed draft (:meth:`~refernlp.critic.Critic.analyse`).

    ``relationship`` (strong, weak, second_degree; None or "unknown" to infer)
    shapes the message as described in the package docstring. Deterministic for
    a given input; ``seed`` varies the phrasing. ``generator`` (a loaded
    :class:`Generator`) adds the local model's paraphrases of the best
    candidates, checked and ranked like the others. Judging and ranking always
    use every finding rule, whatever the critic hides from its reports.
    """
    n, seed = _check_args(n, seed)
    if generator is not None and not isinstance(generator, Generator):
        raise InputError(f"generator must be a refernlp.rewrite.Generator or None, got {type(generator).__name__}")
    crit = build_critique(analysis, normalise_relationship(relationship))
    facts = build_facts(analysis, crit)
    rels, multi = relationships(crit)
    bank = lexicon("phrases")
    fields = template_fields(facts)

    # realise every variant of every plan, keep the most promising few for the critic
    shortlist: list[Candidate] = []
    for rel in rels:
        for plan in PLANS[rel][:1] if multi else PLANS[rel]:
            realised = []
            for k in range(N_REALISED):
                messages, headers = realise_plan(plan, Realiser(bank, k, seed, fields), facts)
                cand = Candidate(rel, plan, k, messages, (), headers)
                cand.changes = describe_changes(facts, rel, plan, cand.text, bank, multi)
                cand.cheap = cheap(cand, facts)
                realised.append(cand)
            realised.sort(key=lambda c: (-c.cheap, c.variant))
            keep = 3 if multi else (1 if plan is Plan.TWO_STEP else max(n, N_REALISED))
            shortlist.extend(diverse(realised, keep))

    # rank: one critic batch per relationship (the relationship changes some findings)
    for rel in rels:
        group = [c for c in shortlist if c.relationship == rel]
        for c, (a, cr) in zip(group, critiques(critic, [c.text for c in group], rel)):
            c.analysis, c.critique = a, cr
            c.score = judge(c, facts)
    for i, c in enumerate(shortlist):
        c.order = i
    ranked = sorted(shortlist, key=lambda c: (-c.score, c.order))
    if generator is not None:
        # reword the best one-message candidates; what survives the checks competes on the same score
        # (a tie goes to the phrase-bank candidate)
        best = [c for c in ranked if c.plan is not Plan.TWO_STEP][: max(n, 2)]
        extra = reworded(generator, critic, facts, analysis.text, best, bank, seed)
        ranked = sorted(ranked + extra, key=lambda c: (-c.score, c.order, any(c is e for e in extra)))

    return [
        Rewrite(
            relationship=c.relationship,
            text=c.text,
            scores=Scores(c.critique.politeness.score, c.critique.transparency.score),
            changes=c.changes,
            placeholders=placeholders(c.text),
            messages=c.messages,
        )
        for c in choose(ranked, rels, n, multi)
    ]


def rewrite(
    text: str, *, relationship: str | None = None, n: int = 3, seed: int | None = None, generator: Generator | None = None
) -> list[Rewrite]:
    """Suggested rewrites of ``text`` with the shipped models: ``rewrite(draft, relationship="weak")``."""
    from ..critic import default_critic

    return rewrite_with(default_critic(), text, relationship=relationship, n=n, seed=seed, generator=generator)
