"""Suggested rewrites that edit the sender's own draft.

A rewrite keeps the draft and changes only what a finding flags, or what a good
message needs and the draft lacks (:mod:`.plans`):

1. **Fix in place** (:mod:`.edits`). Every sentence no finding flags is kept
   verbatim. A flagged one is rewritten from its own words: a bare command
   becomes a hedged question, demands, deadlines, guilt, presumption, sarcasm
   and grovelling are cut (a clause holding a fact only loses the offending
   words), swear words go and shouting is lower-cased. Besides the critic's own
   spans, :mod:`.spot` marks commands inside a sentence (after a lead clause or
   a name) and guilt, demand, presumption and sarcasm phrasings listed in
   ``refernlp/lexicons/hostile.json`` (its ``context`` patterns only when the
   draft reads impolite or holds another such phrase).
2. **Add what is missing** where a person would put it: a plain ask when it was
   only implied, the resume offer after the ask, an easy out and thanks at the
   end of the body, ``[placeholders]`` for a missing company, role or kind of
   role, a reconnecting line before the ask of a weak tie.
3. **Relationship structure**: see :mod:`.plans` (direct; reconnect first or
   two messages; an introduction through the mutual contact with the note as the
   blurb, or a cold note that asks for a conversation).
4. **Purpose and register kept.** A draft whose purpose is not a referral ask is
   only polished; a draft with no warning or error finding comes back unchanged,
   "ready to send", with the light touches as optional ``suggestions``. Short
   channels (texts, chats, connection notes) get short insertions; a connection
   note stays under 300 characters when the draft was.

5. **A second pass**: when the top rewrite still warns, its own text is edited
   the same way and the edits are composed with the first's
   (:func:`~refernlp.rewrite.merge.compose_edits`); kept only when it leaves
   fewer warnings and reads at least as polite.

Each :class:`Rewrite` carries its :class:`~refernlp.results.Edit` list against
the draft as given: applying them (:func:`apply_edits`) gives ``Rewrite.text``.
Candidates are critiqued with the same critic for their scores. Nothing is
invented: inserted sentences come from the phrase bank
(``refernlp/lexicons/phrases.json``, key ``edit``) and the draft's own values.

With a :class:`Generator` (``--generator PATH``; needs the ``neural`` extra),
the local model may reword the *inserted* sentences only, one at a time, behind
the same checks (:mod:`.generator`).

Invalid input is refused exactly as by :meth:`Critic.critique
<refernlp.critic.Critic.critique>`: :class:`~refernlp.errors.InputError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..analysis import Analysis, build_critique
from ..errors import InputError
from ..results import Edit
from ..schema import normalise_relationship
from .compose import compose, resolve_channel_label
from .edits import apply_edits
from .facts import BAD_STRATEGIES
from .generator import Generator
from .realise import indefinite_article, phrase_bank_words
from .words import jaccard

if TYPE_CHECKING:
    from ..critic import Critic

__all__ = [
    "BAD_STRATEGIES",
    "Edit",
    "Generator",
    "Rewrite",
    "Scores",
    "apply_edits",
    "indefinite_article",
    "jaccard",
    "phrase_bank_words",
    "rewrite",
    "rewrite_analysis",
    "rewrite_with",
]


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
    """One suggested rewrite: the edited draft, its edits, scores, what changed and what to fill in.

    ``edits`` are :class:`~refernlp.results.Edit` objects against the draft as
    given; ``apply_edits(draft, rewrite.edits) == rewrite.text``. ``ready`` is
    true when the draft had no warning or error finding and comes back unchanged;
    ``suggestions`` then lists optional light touches (edits not applied).
    ``messages`` are the message bodies the text shows: one, or for the
    two-step plan the message to send now and the one to send later (not part
    of :meth:`to_dict`).
    """

    relationship: str
    text: str
    scores: Scores
    changes: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    messages: tuple[str, ...] = field(default=(), repr=False)
    edits: tuple[Edit, ...] = ()
    plan: str = "direct"
    purpose: str = "referral_ask"
    channel: str = "linkedin"
    ready: bool = False
    suggestions: tuple[Edit, ...] = ()

    def __post_init__(self) -> None:
        if not self.messages:
            object.__setattr__(self, "messages", (self.text,))

    def to_dict(self) -> dict[str, Any]:
        return {
            "relationship": self.relationship,
            "plan": self.plan,
            "purpose": self.purpose,
            "channel": self.channel,
            "ready": self.ready,
            "text": self.text,
            "scores": self.scores.to_dict(),
            "changes": list(self.changes),
            "placeholders": list(self.placeholders),
            "edits": [e.to_dict() for e in self.edits],
            "suggestions": [e.to_dict() for e in self.suggestions],
        }


# --- entry points ---------------------------------------------------------------
def _check_args(n: object, seed: object, mutual: object) -> tuple[int, int | None]:
    if isinstance(n, bool) or not isinstance(n, int):
        raise InputError(f"n must be an int, got {type(n).__name__}")
    if n < 1:
        raise InputError(f"n must be at least 1, got {n}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise InputError(f"seed must be an int or None, got {type(seed).__name__}")
    if mutual is not None and (not isinstance(mutual, str) or not mutual.strip() or len(mutual) > 80 or "\n" in mutual):
        raise InputError("mutual must be a person's name (a non-empty line of at most 80 characters)")
    return n, seed


def rewrite_with(
    critic: Critic,
    text: str,
    *,
    relationship: str | None = None,
    n: int = 3,
    seed: int | None = None,
    generator: Generator | None = None,
    mutual: str | None = None,
    channel: str | None = None,
) -> list[Rewrite]:
    """Up to ``n`` suggested rewrites of ``text`` using a loaded :class:`~refernlp.critic.Critic`.

    Shorthand for :func:`rewrite_analysis` on ``critic.analyse(text)``.
    """
    _check_args(n, seed, mutual)
    normalise_relationship(relationship)
    resolve_channel_label(None, channel)
    return rewrite_analysis(critic, critic.analyse(text), relationship=relationship, n=n, seed=seed, generator=generator, mutual=mutual, channel=channel)


def rewrite_analysis(
    critic: Critic,
    analysis: Analysis,
    *,
    relationship: str | None = None,
    n: int = 3,
    seed: int | None = None,
    generator: Generator | None = None,
    mutual: str | None = None,
    channel: str | None = None,
) -> list[Rewrite]:
    """Up to ``n`` suggested rewrites of an analysed draft (:meth:`~refernlp.critic.Critic.analyse`).

    ``relationship`` (strong, weak, second_degree; None or "unknown" to infer;
    inferred with confidence below 0.6: one suggestion per relationship).
    ``mutual`` names the mutual contact of a second-degree draft that names
    none; ``channel`` (``schema.CHANNEL_CLI`` or ``schema.CHANNELS`` spellings;
    None to infer). Deterministic for a given input; ``seed`` varies the
    inserted phrasing. Judging uses every finding rule, whatever the critic
    hides from its reports.
    """
    n, seed = _check_args(n, seed, mutual)
    if generator is not None and not isinstance(generator, Generator):
        raise InputError(f"generator must be a refernlp.rewrite.Generator or None, got {type(generator).__name__}")
    crit = build_critique(analysis, normalise_relationship(relationship))
    chosen = compose(critic, analysis, crit, n=n, seed=seed, mutual=mutual, channel=channel, generator=generator)
    return [
        Rewrite(
            relationship=c.relationship,
            text=c.text,
            scores=Scores(c.critique.politeness.score, c.critique.transparency.score),
            changes=c.changes,
            placeholders=c.placeholders,
            messages=c.messages,
            edits=c.edits,
            plan=c.plan.value,
            purpose=c.purpose,
            channel=c.channel,
            ready=c.ready,
            suggestions=c.suggestions,
        )
        for c in chosen
    ]


def rewrite(
    text: str,
    *,
    relationship: str | None = None,
    n: int = 3,
    seed: int | None = None,
    generator: Generator | None = None,
    mutual: str | None = None,
    channel: str | None = None,
) -> list[Rewrite]:
    """Suggested rewrites of ``text`` with the shipped models: ``rewrite(draft, relationship="weak")``."""
    from ..critic import default_critic

    return rewrite_with(default_critic(), text, relationship=relationship, n=n, seed=seed, generator=generator, mutual=mutual, channel=channel)
