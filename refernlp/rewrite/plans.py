"""Plans: the structure of a message for each relationship, as a typed :class:`Plan`.

* ``strong`` (:attr:`Plan.DIRECT`): the ask up front (company, role, job ID or
  link), one line on fit taken from the draft, an offer of a resume or a
  ready-to-forward blurb, an easy out, thanks. General requests give an
  overview of the roles wanted (role or field, level, location or remote) and
  ask to be kept in mind.
* ``weak`` (:attr:`Plan.SOFT`): reconnect (reusing any shared history in the
  draft; never claiming history with someone the draft says the sender has not
  met), give first (a compliment, an offer to help), then the goal stated
  plainly (the company, role and job ID, and that a referral is hoped for once
  they have talked) with a soft ask for a short chat, and an offer of the
  resume. A second plan, the **two-step plan** (:attr:`Plan.TWO_STEP`), is
  realised as two message bodies, a bond-building note to send now and the ask
  to send once they have replied; it is returned as *one* rewrite whose text
  shows both, headed ``First message, to send now:`` and ``Second message, to
  send later, once they've replied:`` and separated by a ``---`` line
  (:func:`join_messages`). One rewrite per plan keeps ``n`` counting
  suggestions and keeps the two halves together in the CLI and in JSON.
* ``second_degree`` (:attr:`Plan.INTRO`): a message to the mutual contact
  (``[mutual contact]`` when the draft names none) that states the goal
  plainly (the company, the role and job ID, that the sender is applying and
  hopes for a referral once introduced; for general requests, the roles wanted
  and a request to keep them in mind), asks whether they know the target
  person well and would introduce them, offers the resume, plus a short
  forwardable blurb in the sender's voice that holds the job link (the link
  appears once). It never asks the stranger for a referral.
* A draft that itself asks its recipient for an introduction keeps that shape
  for every relationship: the recipient is the one who can introduce.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

from .facts import Facts
from .realise import Message, Part, Realiser, first_name, fit_budget
from .words import TITLE, WORD, placeholders


class Plan(Enum):
    """How a rewrite is structured."""

    DIRECT = "direct"  #: strong tie: the ask up front
    SOFT = "soft"  #: weak tie: reconnect and give first, then a soft ask
    TWO_STEP = "two_step"  #: weak tie: a bond-building message now, the ask in a second message later
    INTRO = "intro"  #: second degree: ask the mutual contact for an introduction, with a blurb to forward


#: the plans of each relationship, the default first
PLANS: Mapping[str, tuple[Plan, ...]] = {
    "strong": (Plan.DIRECT,),
    "weak": (Plan.SOFT, Plan.TWO_STEP),
    "second_degree": (Plan.INTRO,),
}
_EASY_OUTS = {"targeted": "easy_out", "general": "easy_out_general", "none": "easy_out_none"}


def join_messages(messages: tuple[str, ...], headers: tuple[str, ...] = ()) -> str:
    """The text shown for a plan: one message as it is; several, each under its header, between ``---`` lines."""
    if not headers:
        return "\n\n---\n\n".join(messages)
    return "\n\n---\n\n".join(f"{h}\n\n{m}" for h, m in zip(headers, messages, strict=True))


def realise_plan(plan: Plan, r: Realiser, facts: Facts) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The message bodies of ``plan`` in variant ``r``, and their headers (none for a one-message plan)."""
    if plan is Plan.TWO_STEP:
        first, second = _weak_two_step(r, facts)
        headers = (r.pick("weak.two_step.header_now"), r.pick("weak.two_step.header_later"))
        return (fit_budget(first, facts), fit_budget(second, facts)), headers
    if plan is Plan.DIRECT:
        msg = _second_degree(r, facts, direct=True) if facts.intro else _strong(r, facts)
    elif plan is Plan.SOFT:
        msg = _weak(r, facts)
    else:
        msg = _second_degree(r, facts)
    return (fit_budget(msg, facts),), ()


# --- the parts -------------------------------------------------------------------------------
def _greeting(r: Realiser, facts: Facts, name: str | None = None) -> str:
    who = name or r.fields["name"]
    formal = facts.formal or bool(TITLE.match(who))
    return r.pick("greeting.formal" if formal else "greeting.default", name=who)


def _fit(r: Realiser, facts: Facts, drop: int) -> Part:
    return Part(facts.fit, drop) if facts.fit else Part(r.pick("fit_missing"), drop)


def _give(r: Realiser, facts: Facts) -> list[Part]:
    """Give before asking: a compliment and an offer to help; one of them is never dropped."""
    compliment = facts.compliment or r.pick("weak.compliment")
    offer = r.pick("weak.offer_help")
    if facts.compliment or r.k % 2 == 0:
        return [Part(compliment), Part(offer, 2)]
    return [Part(offer), Part(compliment, 2)]


def _reconnect(r: Realiser, facts: Facts) -> list[Part]:
    """Reconnect with the shared history of the draft; never invent history with a stranger."""
    hoped = any(s and "hope" in s.lower() for s in (facts.history, facts.compliment, facts.cold_line))
    tail = [] if hoped else [Part(r.pick("weak.hope_tail"), 3)]
    if facts.history:
        return [Part(facts.history)] + tail
    if facts.cold:
        return ([Part(facts.cold_line, 1)] if facts.cold_line else []) + [Part(r.pick("weak.hope_tail"))]
    return [Part(r.pick("weak.reconnect_short" if hoped else "weak.reconnect"))]


def _mutual_note(r: Realiser, facts: Facts) -> list[Part]:
    """Keep the mutual contact named in the draft (their own sentence when it is clean)."""
    if not facts.mutual or facts.intro or (facts.history and facts.mutual in facts.history):
        return []
    return [Part(r.pick("mutual_note", mutual=facts.mutual), 1)]


def _sign(r: Realiser, facts: Facts) -> tuple[str, str | None]:
    return r.pick("signoff"), facts.sender


# --- the messages ------------------------------------------------------------------------------
def _strong(r: Realiser, facts: Facts) -> Message:
    opener = Part(r.pick("opener"), 3)
    if facts.history and facts.mutual and facts.mutual in facts.history:
        # the draft's own sentence naming the mutual contact; a short note keeps the name when trimmed
        context = [Part(facts.history, 2, r.pick("mutual_note", mutual=facts.mutual))]
    else:
        context = _mutual_note(r, facts)
    if facts.rtype == "targeted":
        link = [Part(r.pick("link"), 0 if facts.urls else 2)] if (facts.urls or not facts.job_ids) else []
        paras = [
            [opener, Part(r.pick("strong.targeted.ask")), *link],
            [*context, _fit(r, facts, 1), Part(r.pick("strong.targeted.offer"), 1)],
            [Part(r.pick("easy_out")), Part(r.pick("thanks"))],
        ]
    elif facts.rtype == "general":
        paras = [
            [opener, Part(r.pick("strong.general.ask"))],
            [*context, _fit(r, facts, 1), Part(r.pick("strong.general.offer"), 2)],
            [Part(r.pick("easy_out_general"), 1, r.pick("easy_out_short")), Part(r.pick("thanks"))],
        ]
    else:
        first = [Part(facts.history)] if facts.history else [Part(r.pick("weak.hope_tail"))]
        paras = [
            first + [p for p in context if p.text != facts.history],
            [Part(facts.fit or "", 2), Part(r.pick("none.topic_ask")), Part(r.pick("easy_out_none"), 1), Part(r.pick("thanks"))],
        ]
    return Message(_greeting(r, facts), paras, *_sign(r, facts))


def _weak_ask(r: Realiser, facts: Facts) -> list[Part]:
    if facts.rtype == "targeted":
        link = [Part(r.pick("link"))] if facts.urls else []
        # the goal stated plainly (role, company, job ID, a referral once they have talked), then the soft ask
        return [Part(r.pick("weak.targeted.soft_ask")), Part(facts.fit or "", 2), Part(r.pick("weak.targeted.offer"), 1, r.pick("resume_short")), *link]
    if facts.rtype == "general":
        return [Part(r.pick("weak.general.soft_ask")), Part(facts.fit or "", 2), Part(r.pick("weak.general.soft_keep"))]
    return [Part(r.pick("none.topic_ask"))]


def _weak(r: Realiser, facts: Facts) -> Message:
    if facts.intro:
        return _second_degree(r, facts, bond=True)
    paras = [
        [*_reconnect(r, facts), *_mutual_note(r, facts), *_give(r, facts)],
        _weak_ask(r, facts),
        [Part(r.pick(_EASY_OUTS[facts.rtype]), 1, r.pick("easy_out_short")), Part(r.pick("thanks"))],
    ]
    return Message(_greeting(r, facts), paras, *_sign(r, facts))


def _weak_two_step(r: Realiser, facts: Facts) -> tuple[Message, Message]:
    first = Message(
        _greeting(r, facts),
        [[*_reconnect(r, facts), *_mutual_note(r, facts), *_give(r, facts), Part(r.pick("weak.two_step.bond_close"))]],
        *_sign(r, facts),
    )
    later = Realiser(r.bank, r.k + 1, r.seed, r.fields)  # another greeting and sign-off the second time
    if facts.intro:
        second = _second_degree(later, facts)
        second.paragraphs[0].insert(0, Part(later.pick("weak.two_step.followup_open"), 1))
        return first, second
    if facts.rtype == "targeted":
        link = [Part(later.pick("link"), 0 if facts.urls else 2)] if (facts.urls or not facts.job_ids) else []
        ask = [Part(later.pick("strong.targeted.ask")), *link]
        more = [_fit(later, facts, 1), Part(later.pick("strong.targeted.offer"), 1)]
        out = Part(later.pick("easy_out"))
    elif facts.rtype == "general":
        ask = [Part(later.pick("strong.general.ask"))]
        more = [_fit(later, facts, 2), Part(later.pick("strong.general.offer"), 2)]
        out = Part(later.pick("easy_out_general"), 1, later.pick("easy_out_short"))
    else:
        ask, more, out = [Part(later.pick("none.topic_ask"))], [], Part("")
    second = Message(
        _greeting(later, facts),
        [[Part(later.pick("weak.two_step.followup_open"), 1), *ask], more, [out, Part(later.pick("thanks"))]],
        *_sign(later, facts),
    )
    return first, second


def _second_degree(r: Realiser, facts: Facts, bond: bool = False, direct: bool = False) -> Message:
    """Ask the mutual contact for an introduction, with a blurb to forward.

    ``bond`` reconnects and gives first (a weak tie); ``direct`` asks at once (a strong tie).
    """
    kind = facts.rtype if facts.rtype in {"targeted", "general"} else "none"
    via = r.pick("second_degree.via", strip=False) if (facts.mutual and not facts.intro) else ""
    blurb_link = r.pick("second_degree.blurb_link", strip=False) if (kind == "targeted" and facts.urls) else ""
    fit = (facts.fit or r.pick("fit_missing")) if kind != "none" else (facts.fit or "")

    def blurb(full: bool) -> str:
        """The note to forward; the short one (no line on fit) stands in when over budget."""
        path = f"second_degree.{kind}.blurb" if (full or kind == "none") else f"second_degree.short.{kind}_blurb"
        text = r.pick(path, via=via, fit=fit if full else "", blurb_link=blurb_link)
        return "“" + re.sub(r"\s{2,}", " ", text).strip() + "”"

    # the hint keeps the request what it was (a referral goal, openings to keep in mind), said to the mutual contact
    # (shorter wordings of this and of the easy out, the offer and the lead stand in when over budget)
    hint = [Part(r.pick(f"second_degree.{kind}.hint"), 1, r.pick(f"second_degree.short.{kind}_hint"))] if kind != "none" else []
    if bond:
        give = _give(r, facts)
        first = [*_reconnect(r, facts), Part(give[0].text, 1), *give[1:]]
    else:
        first = [] if direct else [Part(r.pick("second_degree.open"), 3)]
    # an offer of the resume: the goal is a referral later, and the contact sees it is easy to help
    offer = [Part(r.pick("second_degree.offer"), 1, r.pick("resume_short"))] if kind != "none" else []
    paras = [
        [*first, Part(r.pick(f"second_degree.{kind}.intro_ask"), 1, r.pick(f"second_degree.short.{kind}_intro_ask")), *hint],
        [
            Part(r.pick("second_degree.easy_out"), 2, r.pick("easy_out_short")),
            *offer,
            # a "blurb" is a resume-like note: it would make a message without a referral ask read as one
            Part(r.pick("second_degree.none.blurb_lead"))
            if kind == "none"
            else Part(r.pick("second_degree.blurb_lead"), 2, r.pick("second_degree.short.blurb_lead")),
        ],
        [Part(blurb(True), 1, blurb(False))],
        [Part(r.pick("thanks"), 1, r.pick("thanks_short"))],
    ]
    if facts.intro:
        name = r.fields["name"]  # the recipient of the draft is the one who can introduce
    else:
        name = first_name(facts.mutual) if facts.mutual else "[mutual contact]"
    return Message(_greeting(r, facts, name), paras, *_sign(r, facts), blocks=frozenset({2}))


# --- what changed ------------------------------------------------------------------------------
_OFFERS_RESUME = re.compile(r"\b(?:resume|CV|blurb|summary)\b", re.IGNORECASE)
_EASY_OUT = re.compile(r"no worries|no pressure|totally fine if not|I'll understand|understand if not|understand completely", re.IGNORECASE)


def describe_changes(
    facts: Facts, relationship: str, plan: Plan, text: str, bank: Mapping[str, Any], multi: bool
) -> tuple[str, ...]:
    """What the rewrite ``text`` changed, in the phrase bank's words; claims only what the text really does."""
    c = bank["changes"]
    out: list[str] = []
    rtype = facts.rtype
    if rtype == "none":
        out.append(c["none"])
    if facts.impolite_examples:
        out.append(c["politeness"].format(examples=", ".join(f"“{e}”" for e in facts.impolite_examples)))
    if facts.intro and relationship != "second_degree":
        out.append(c["intro_kept"])
    if relationship == "strong" and rtype != "none" and not facts.intro:
        out.append(c["strong_ask"] if rtype == "targeted" else c["strong_general"])
    elif relationship == "weak":
        out.append(c["weak_two_step"] if plan is Plan.TWO_STEP else c["weak_bond"])
        if plan is Plan.SOFT and rtype != "none" and not facts.intro:
            out.append(c["weak_soft"] if rtype == "targeted" else c["weak_soft_general"])
        if facts.history:
            out.append(c["history"])
    elif relationship == "second_degree":
        out.append(c["second_degree"])
    if facts.intro or relationship == "second_degree":
        out.append(c["blurb"])
    if rtype == "general" and ("role_or_field" in facts.missing or "level" in facts.missing or "location" in facts.missing):
        out.append(c["overview"])
    # claim only what the text (after trimming to length) really does
    if "targeted.no_resume" in facts.draft_findings and _OFFERS_RESUME.search(text) and not facts.intro:
        out.append(c["resume"])
    if "courtesy.no_easy_out" in facts.draft_findings and _EASY_OUT.search(text):
        out.append(c["easy_out"])
    if "courtesy.no_thanks" in facts.draft_findings and re.search(r"\bthank", text, re.IGNORECASE):
        out.append(c["thanks"])
    if rtype != "none" and facts.fit and facts.fit in text:
        out.append(c["fit_kept"])
    elif rtype != "none" and any(p in text for p in bank["fit_missing"]):
        out.append(c["fit_missing"])
    words = len(WORD.findall(text))
    if facts.draft_words > 150 and words < facts.draft_words and plan is not Plan.TWO_STEP:
        out.append(c["shorter"].format(before=facts.draft_words, after=words))
    holes = placeholders(text)
    if holes:
        out.append(c["placeholders"].format(items=", ".join(holes)))
    if multi:
        out.append(c["variant"])
    return tuple(dict.fromkeys(out))
