"""What the draft says: the :class:`Facts` a rewrite is built from.

Facts come only from the draft, verbatim: slot values (read at the spans the
slot extractor found, never searched for again), and whole sentences reused for
the line on fit and for shared history (see :mod:`.reuse`). Slot values that
are no person's name (a pronoun, an ID, the sender's own "it's Tom") are not
used to address anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..components.patterns import THIRD_PARTY_ASK
from .reuse import cue_sentence, fit_line
from .words import TITLE

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..results import Critique

#: strategies that a rewrite must never contain (and a reused sentence never carries)
BAD_STRATEGIES = frozenset({
    "bare_imperative", "demand", "guilt", "presumption", "sarcasm", "swearing", "shouting", "grovelling",
    "negative_lexicon",
})
_ASK_CUES = frozenset({"referral", "keep_in_mind", "introduction", "advice"})
_HISTORY_CUES = frozenset({"reconnect", "met_once", "mutual"})
_CLOSE_HISTORY = re.compile(r"together|old|since|when|childhood|roommate|roomie|flatmate|housemate", re.IGNORECASE)
_COMPLIMENT_CUES = frozenset({
    "congrats", "congratulations", "well done", "loved your", "love your", "enjoyed your", "proud of you",
    "your promotion", "your new role", "your recent", "i saw your", "i read your",
})
_INTRO_BEFORE = re.compile(
    r"(?:introduce me to|introduction to|intro to|connect me with|connect me to|put me in touch with|in touch with|"
    r"link me up with|link me with|speak to|speak with|talk to|talk with|reach out to|introduce me and)\s+"
    r"(?:(?:your|my|our)\s+[\w-]+(?:\s+[\w-]+)?\s*,?\s+)?$",
    re.IGNORECASE,
)
#: the recipient asked to pass the request on: "could you ask her to refer me", "pass my CV to him"
_BROKER = re.compile(
    r"\b(?:ask|get|tell)\s+(?:(?:your|ur)\s+[\w-]+\s+)?(?P<who>her|him|them|[A-Z][\w'’-]+)\s+(?:to|if|whether)\s+(?:(?:she|he|they)(?:['’]d|['’]ll)?\s+)?"
    r"(?:could\s+|would\s+|can\s+|might\s+)?(?:refer|recommend|put\s+(?:me|my\s+name)|pass|forward|vouch)"
    r"|\b(?:pass|forward|send)\s+my\s+(?:cv|resume|résumé|details|profile)\s+(?:on\s+)?to\s+(?P<who2>her|him|them|[A-Z][\w'’-]+)",
    re.IGNORECASE,
)
_EMAIL_HINT = re.compile(r"^\s*(?:subject\s*:|dear\b)", re.IGNORECASE)
_LEVELS = {
    "junior", "senior", "sr", "sr.", "jr", "jr.", "principal", "entry-level", "entry level", "mid-level", "mid level",
    "midlevel", "new grad", "early career", "early-career", "mid-career", "trainee", "part-time", "part time",
    "full-time", "full time",
}
_LOCATION_GENERIC = {
    "based in", "anywhere in", "in the area", "commutable", "near", "around", "within", "city", "area", "region",
    "relocate", "relocating", "relocation", "visa", "sponsorship", "local", "locally", "nearby", "overseas",
    "abroad", "the north", "the south",
}
_PLACE_TAIL = re.compile(r"(?:-[A-Z][\w]*)+(?: [A-Z][\w]*)?")  # "Dallas" -> "Dallas-Fort Worth"
_MODES = {"remote", "hybrid", "onsite", "on-site", "in-office", "wfh", "work from home"}
#: right after a name, these make it the mutual contact's ("Rosa gave me your name")
_MUTUAL_AFTER = re.compile(
    r"\s+(?:gave me your|passed (?:me|on) your|shared your|suggested (?:i|that i|we)|recommended (?:i|you|that i)|"
    r"told me (?:to|about you)|said (?:i should|you might)|mentioned (?:you|your)|pointed me|sent me your way|referred me to you)",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset({
    "i", "i'm", "i’m", "i've", "i’ve", "i'd", "i’d", "i'll", "i’ll", "it", "it's", "it’s", "its", "me", "my", "we",
    "you", "your", "this", "that", "here",
})


@dataclass
class Facts:
    """What the draft says and lacks, as the plans and the ranking need it."""

    rtype: str
    layout: str  #: "paragraphs" or "compact"
    email: bool  #: the draft opens like an email ("Subject:", "Dear"): sign off even without a name
    formal: bool
    recipient: str | None
    sender: str | None
    mutual: str | None  #: who would introduce (second-degree plans)
    target: str | None  #: who the sender wants to meet (second-degree plans)
    intro: bool  #: the draft itself asks its recipient for an introduction
    company: str | None
    role: str | None
    job_ids: tuple[str, ...]
    urls: tuple[str, ...]
    slot_values: tuple[str, ...]
    fit: str | None
    history: str | None
    cold: bool
    cold_line: str | None
    compliment: str | None
    level: str | None
    location: str | None
    draft_words: int
    draft_findings: tuple[str, ...]
    impolite_examples: tuple[str, ...]
    missing: tuple[str, ...]


def _level(doc: Any, role: str | None, missing: tuple[str, ...]) -> str | None:
    role_low = (role or "").lower()
    if role_low and any(w in _LEVELS for w in role_low.split()):
        return None
    for mark in doc._.cues or ():
        if mark.name == "level" and mark.text.lower() in _LEVELS:
            return mark.text
    return "[seniority]" if "level" in missing else None


def _location(doc: Any, missing: tuple[str, ...]) -> str | None:
    places: list[str] = []
    modes: list[str] = []
    seen: set[str] = set()
    for mark in doc._.cues or ():
        if mark.name != "location":
            continue
        m = _PLACE_TAIL.match(doc.text, mark.end)
        place = mark.text + (m.group(0) if m else "")
        low = place.lower()
        if low in _LOCATION_GENERIC or low in seen:
            continue
        if len(low) <= 3 and not mark.text.isupper():
            continue  # "us", "la": pronouns and articles more often than places
        seen.add(low)
        (modes if low in _MODES else places).append(place)
    places, modes = places[:2], modes[:1]
    if places:
        return "in " + " or ".join(places + modes)
    if modes:
        return "(" + modes[0] + ")"
    return "([location or remote])" if "location" in missing else None


def _person(name: str | None, sender: str | None, text: str) -> str | None:
    """A slot value fit to address or name as a person, else None.

    Not a pronoun ("it's Tom", "I've"), an ID or the sender's own name; a
    value in lower case only right after a greeting ("hey kev", "Hi chị
    Thảo"), not a word the slot reader took for one ("Hi, got your name
    from...", "Hello, fellow LSE alum here").
    """
    if not name or any(ch.isdigit() for ch in name):
        return None
    if name.split()[0].lower() in _NOT_NAMES:
        return None
    if sender and name != sender and (sender in name or name in sender):
        return None
    if name[0].islower() and not re.search(r"(?i:\b(?:hi+|hey+|hello|hiya|heya|dear|yo))\s+" + re.escape(name) + r"\b", text):
        return None
    return name


def _impolite_examples(critique: Critique) -> tuple[str, ...]:
    """Up to two short quotes of the draft's impolite strategies, for the list of changes."""
    impolite: list[str] = []
    for s in critique.politeness.strategies:
        if s.name in BAD_STRATEGIES and s.name != "negative_lexicon" and len(s.text.strip()) > 2:
            snippet = s.text.strip()
            snippet = snippet if len(snippet) <= 40 else snippet[:37].rstrip() + "…"
            if snippet not in impolite:
                impolite.append(snippet)
    return tuple(impolite[:2])


def build_facts(analysis: Analysis, critique: Critique) -> Facts:
    """The facts of an analysed draft; ``critique`` is its critique with every rule (:func:`build_critique`)."""
    doc = analysis.doc
    text = doc.text
    spans = analysis.slot_spans
    cues = doc._.cues or ()
    strategies = doc._.strategies or ()
    cue_names = {m.name for m in cues}
    # the classifier's type, not the cues: "thanks for the referral" holds a referral cue but no ask
    rtype = critique.request_type.label
    bad = [(m.start, m.end) for m in strategies if m.name in BAD_STRATEGIES]
    asks = [(m.start, m.end) for m in cues if m.name in _ASK_CUES]
    company, role = analysis.slot("company"), analysis.slot("role")
    # values are sliced from the draft as given (the pipeline saw a copy with markup blanked)
    job_ids = tuple(analysis.text[a:b] for a, b in spans["job_ids"])
    urls = tuple(analysis.text[a:b] for a, b in spans["urls"])
    if company and urls and company not in re.sub("|".join(re.escape(u) for u in urls), " ", analysis.text):
        company = None  # "sprout-solutions" from a link's path is no name the sender wrote: never repeated as one
    # a "name" that is a pronoun, holds a digit or names the sender ("it's Tom") is not someone to address;
    # each person is kept with the span the slot extractor found it at
    sender = analysis.slot("sender_name")
    recipient = _person(analysis.slot("recipient_name"), sender, text)
    recipient_at = spans["recipient_name"] if recipient else None
    named = _person(analysis.slot("mutual_contact"), sender, text)
    named_at = spans["mutual_contact"] if named else None
    if recipient and (recipient == named or _MUTUAL_AFTER.match(text, recipient_at[1])):
        # "Hey, Rosa gave me your name": Rosa is the mutual contact, not the recipient
        if not named:
            named, named_at = recipient, recipient_at
        recipient = None
    mutual, target, intro = named, recipient, False
    if named_at is not None and _INTRO_BEFORE.search(text[max(0, named_at[0] - 80) : named_at[0]]):
        # "could you introduce me to Sam": the recipient is the one who can introduce
        target, mutual, intro = mutual, recipient, True
    elif named:
        broker = _BROKER.search(text) or THIRD_PARTY_ASK.search(text)  # (or "asking him if he'd have 15 min with me")
        who = broker and (broker.groupdict().get("who") or broker.groupdict().get("who2"))
        if who and (who.lower() in {"her", "him", "them"} or who == named.split()[0]):
            # "Mei-Ling is on that team. Could you ask her to refer me?": the recipient brokers, the named one refers
            target, mutual, intro = named, recipient, True
    # the line on fit is about the sender: not about the target, nor about the people named
    # (nor a goal statement: "I've applied to requisition 88213-BR" names the job, not the fit)
    targets = (company, role, *job_ids, *urls) if rtype == "targeted" else ()
    avoid = tuple(v for v in targets + (named, recipient) if v)
    # "I've attached my CV", "summary below": about the attachment, not about fit
    resume = asks + [(m.start, m.end) for m in cues if m.name == "resume"]
    fit = fit_line(doc, bad, resume, avoid)
    used = {fit} if fit else set()
    history_at = [m.start for m in cues if m.name in _HISTORY_CUES or (m.name == "close" and _CLOSE_HISTORY.search(m.text))]
    if named_at is not None:
        history_at.append(named_at[0])
    history = cue_sentence(doc, history_at, bad, asks, used)
    if history:
        used.add(history)
    cold_at = [m.start for m in cues if m.name == "cold" and m.text.lower() not in {"my name is", "your profile"}]
    cold_line = cue_sentence(doc, cold_at, bad, asks, used, max_words=25)
    compliment_at = sorted(
        [m.start for m in strategies if m.name == "compliment"]
        + [m.start for m in cues if m.name == "bond" and m.text.lower() in _COMPLIMENT_CUES]
    )
    compliment = cue_sentence(doc, compliment_at, bad, asks, used | ({cold_line} if cold_line else set()))
    values = [company, role, recipient, sender, mutual, *job_ids, *urls]
    n_paragraphs = len([p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()])
    email = bool(_EMAIL_HINT.search(text))
    missing = critique.transparency.missing
    return Facts(
        rtype=rtype,
        layout="paragraphs" if (email or n_paragraphs >= 2) else "compact",
        email=email,
        formal=bool(re.match(r"\s*dear\b", text, re.IGNORECASE)) or bool(recipient and TITLE.match(recipient)),
        recipient=recipient,
        sender=sender,
        mutual=mutual,
        target=target,
        intro=intro,
        company=company,
        role=role,
        job_ids=tuple(dict.fromkeys(job_ids)),
        urls=tuple(dict.fromkeys(urls)),
        slot_values=tuple(dict.fromkeys(v for v in values if v)),
        fit=fit,
        history=history,
        cold="cold" in cue_names and not (cue_names & {"reconnect", "met_once"}) and history is None,
        cold_line=cold_line,
        compliment=compliment,
        level=_level(doc, role, missing),
        location=_location(doc, missing),
        draft_words=critique.stats.words,
        draft_findings=tuple(f.id for f in critique.findings),
        impolite_examples=_impolite_examples(critique),
        missing=missing,
    )
