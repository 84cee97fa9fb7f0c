"""Realisation: the phrase bank, agreement, and fitting a message to its length budget.

Every part of a plan has several alternatives in the phrase bank
(``refernlp/lexicons/phrases.json``). Variant *k* takes alternative
``(offset + k) mod len`` of each part, so variants differ everywhere; the
offsets are 0 by default (deterministic) and drawn from ``seed`` otherwise.
Whatever a good message needs and the draft lacks is a ``[placeholder]``.
Articles (*a*/*an*) and plurals (*roles*) agree with the inserted values; a
small rule set does this without a second spaCy pass, to keep rewriting fast.

Optional parts carry a drop priority (and some a shorter wording) and give way
one at a time, least important first, until the message fits its length
budget: under 600 characters, which suits a LinkedIn message and an email of
50 to 125 words alike; parts given up on the way are put back wherever they
still fit.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..resources import lexicon
from ..schema import LENGTH
from .facts import Facts
from .words import TITLE, WORD

EMAIL_WORDS = LENGTH.email_words  #: one range for the findings and the length budget
MESSAGE_CHARS = 600
_URL_END = re.compile(r"(?:https?://|www\.)\S+$|\S+\.\w{2,}/\S*$")
_ROLE_NOUNS = {"role", "position", "opening", "job", "vacancy", "post", "spot", "opportunity", "internship", "placement"}


# --- the phrase bank's vocabulary -----------------------------------------------------------
def phrase_bank_words(bank: Mapping[str, Any] | None = None) -> set[str]:
    """Every lower-cased word of the phrase bank: what a rewrite may add beyond the draft's own words."""
    return set(_bank_words(lexicon("phrases") if bank is None else bank))


def _bank_words(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield from (w.lower() for w in WORD.findall(node))
    elif isinstance(node, list):
        for x in node:
            yield from _bank_words(x)
    elif isinstance(node, dict):
        for v in node.values():
            yield from _bank_words(v)


# --- agreement ------------------------------------------------------------------------
def indefinite_article(phrase: str) -> str:
    """``a`` or ``an`` for the phrase that follows (letters of acronyms are spelled out)."""
    m = re.search(r"[A-Za-z0-9]+", phrase)
    if not m:
        return "a"
    word = m.group(0)
    if word.isdigit():
        return "an" if word.startswith("8") or word in {"11", "18"} or (len(word) == 5 and word.startswith(("11", "18"))) else "a"
    if len(word) > 1 and word.isupper():
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    low = word.lower()
    if low.startswith(("hour", "honest", "honor", "honour", "heir")):
        return "an"
    if low.startswith(("uni", "use", "usu", "uti", "eu", "one", "once", "ubi", "ura")):
        return "a"
    return "an" if low[0] in "aeiou" else "a"


def _role_np(role: str | None) -> str:
    if not role:
        return "the [role title] role"
    last = role.split()[-1].lower().strip(".,")
    return f"the {role}" if last in _ROLE_NOUNS else f"the {role} role"


def _role_plural(role: str | None) -> str:
    if not role:
        return "[role or field] roles"
    last = role.split()[-1].lower().strip(".,")
    if last in _ROLE_NOUNS:
        return role + "s"
    if last.rstrip("s") in _ROLE_NOUNS or last in {"vacancies", "opportunities"}:
        return role
    return f"{role} roles"


def _role_singular(role: str | None) -> str:
    if not role:
        return "[role or field] role"
    last = role.split()[-1].lower().strip(".,")
    if last in _ROLE_NOUNS:
        return role
    if last.endswith("s") and last[:-1] in _ROLE_NOUNS:
        return role[:-1]
    return f"{role} role"


def _overviews(facts: Facts) -> tuple[str, str]:
    plural = _role_plural(facts.role)
    single = _role_singular(facts.role)
    if facts.level:
        plural, single = f"{facts.level} {plural}", f"{facts.level} {single}"
    if facts.location:
        plural, single = f"{plural} {facts.location}", f"{single} {facts.location}"
    return plural, f"{indefinite_article(single)} {single}"


def _job(ids: tuple[str, ...]) -> str:
    if not ids:
        return ""
    if len(ids) == 1:
        return f" (job {ids[0]})" if ids[0].startswith("#") else f" (job ID {ids[0]})"
    return " (job IDs " + ", ".join(ids[:-1]) + " and " + ids[-1] + ")"


def first_name(name: str) -> str:
    """How to greet someone named in the draft: "Jonah Whitfield" -> "Jonah", "Dr Achterberg" kept."""
    return name if TITLE.match(name) else name.split()[0]


# --- realisation ------------------------------------------------------------------------
class Realiser:
    """Picks alternatives from the phrase bank for variant ``k``, rotating with optional seeded offsets."""

    def __init__(self, bank: Mapping[str, Any], k: int, seed: int | None, fields: Mapping[str, str]) -> None:
        self.bank = bank
        self.k = k
        self.seed = seed
        self.fields = dict(fields)

    def pick(self, path: str, *, strip: bool = True, **extra: str) -> str:
        node: Any = self.bank
        for part in path.split("."):
            node = node[part]
        offset = 0 if self.seed is None else random.Random(f"{self.seed}:{path}").randrange(len(node))
        out = self.fill(node[(offset + self.k) % len(node)], **extra)
        return out.strip() if strip else out

    def fill(self, template: str, **extra: str) -> str:
        fields = {**self.fields, **extra}

        def article(m: re.Match[str]) -> str:
            a = indefinite_article(fields[m.group(2)])
            return (a.capitalize() if m.group(1) == "A" else a) + " {" + m.group(2) + "}"

        # "a {overview}" agrees with the value: "an ML engineer role", "a UX role"
        return re.sub(r"\b([Aa])n? \{(\w+)\}", article, template).format_map(fields)


def template_fields(facts: Facts) -> dict[str, str]:
    """The values of the phrase bank's ``{fields}``: slot values, or placeholders where the draft lacks them."""
    overview, overview_one = _overviews(facts)
    target = facts.target or "[their name]"
    if facts.role and facts.company:
        topic = f"{facts.role} work at {facts.company}"
    elif facts.company:
        topic = f"what it's like at {facts.company}"
    elif facts.role:
        topic = f"{facts.role} work"
    else:
        topic = "[what you'd like to talk about]"
    return {
        "name": facts.recipient or "[their name]",
        "company": facts.company or "[company]",
        "role_np": _role_np(facts.role),
        "job": _job(facts.job_ids),
        "url": " and ".join(facts.urls) if facts.urls else "[link to the job posting]",
        "overview": overview,
        "overview_one": overview_one,
        "target": target,
        "target_pos": target + "'s",
        "mutual": facts.mutual or "[mutual contact]",
        "sender": facts.sender or "[your name]",
        "topic": topic,
        "fit": facts.fit or "",
    }


@dataclass(frozen=True)
class Part:
    """A sentence of a plan. Parts with a higher ``drop`` are left out first when over budget."""

    text: str
    drop: int = 0
    fallback: str = ""


@dataclass
class Message:
    """One message of a plan: a greeting, paragraphs of parts, a sign-off."""

    greeting: str
    paragraphs: list[list[Part]]
    signoff: str
    sender: str | None
    blocks: frozenset[int] = frozenset()  #: paragraphs kept apart even in the compact layout


def _render(msg: Message, facts: Facts, dropped: frozenset[tuple[int, int]] = frozenset()) -> str:
    """The message with the parts at ``dropped`` positions (paragraph, part) replaced by their fallback."""
    paras = []
    for i, para in enumerate(msg.paragraphs):
        texts = [p.fallback if (i, j) in dropped else p.text for j, p in enumerate(para)]
        paras.append(" ".join(t for t in texts if t))
    keep = [(i, p) for i, p in enumerate(paras) if p]
    if facts.layout == "paragraphs":
        body = "\n\n".join(p for _, p in keep)
        out = f"{msg.greeting}\n\n{body}"
        if msg.sender or facts.email:
            out += f"\n\n{msg.signoff}\n{msg.sender or '[your name]'}"
        return out
    merged: list[str] = []
    prev = -2
    for i, p in keep:
        if merged and i not in msg.blocks and prev not in msg.blocks:
            merged[-1] += ("\n" if _URL_END.search(merged[-1]) else " ") + p
        else:
            merged.append(p)
        prev = i
    out = msg.greeting + "\n" + "\n\n".join(merged)
    return out + (f"\n{msg.sender}" if msg.sender else "")


def _fits(text: str) -> bool:
    """Under 600 characters (about 95 words) suits a LinkedIn message and an email of 50-125 words alike."""
    return len(text) < MESSAGE_CHARS - 20 and len(WORD.findall(text)) <= EMAIL_WORDS[1] - 10


def fit_budget(msg: Message, facts: Facts) -> str:
    """The fullest rendering of ``msg`` that fits the length budget (or the leanest one).

    Optional parts give way one at a time, highest ``drop`` first (later ones
    first among equals); then those given up on the way are put back, most
    important first, wherever they still fit.
    """
    order = sorted(
        ((p.drop, i, j) for i, para in enumerate(msg.paragraphs) for j, p in enumerate(para) if p.drop > 0),
        key=lambda t: (-t[0], -t[1], -t[2]),
    )
    dropped: frozenset[tuple[int, int]] = frozenset()
    text = _render(msg, facts, dropped)
    given_up = []
    for _, i, j in order:
        if _fits(text):
            break
        given_up.append((i, j))
        dropped = dropped | {(i, j)}
        text = _render(msg, facts, dropped)
    if _fits(text):
        for pos in reversed(given_up[:-1]):
            trial = _render(msg, facts, dropped - {pos})
            if _fits(trial):
                dropped, text = dropped - {pos}, trial
    return re.sub(r"[ \t]{2,}", " ", text)
