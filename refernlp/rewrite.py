"""Suggested rewrites of a referral request, tuned to the strength of the relationship.

Three steps, all driven by the critique of the draft:

1. **Plan.** The request type (targeted, general or none), the relationship
   (given, or inferred), the slots (company, role, job IDs, links, names,
   mutual contact), the cues (shared history, compliments, an introduction
   ask) and the missing transparency elements decide which parts the
   message needs:

   * ``strong``: the ask up front (company, role, job ID or link), one line on
     fit taken from the draft, an offer of a resume or a ready-to-forward
     blurb, an easy out, thanks. General requests give an overview of the roles
     wanted (role or field, level, location or remote) and ask to be kept in mind.
   * ``weak``: reconnect (reusing any shared history in the draft; never
     claiming history with someone the draft says the sender has not met),
     give first (a compliment, an offer to help), then the goal stated
     plainly (the company, role and job ID, and that a referral is hoped for
     once they have talked) with a soft ask for a short chat, and an offer of
     the resume. A second plan,
     the **two-step plan**, is returned as *one* :class:`Rewrite` whose text
     holds both messages, headed ``First message, to send now:`` and ``Second
     message, to send later, once they've replied:`` and separated by a
     ``---`` line.
     One Rewrite per plan keeps ``n`` counting suggestions and keeps the two
     halves together in the CLI and in JSON. When ``n >= 2`` the two-step plan
     is always among the weak-tie suggestions.
   * ``second_degree``: a message to the mutual contact (``[mutual contact]``
     when the draft names none) that states the goal plainly (the company,
     the role and job ID, that the sender is applying and hopes for a
     referral once introduced; for general requests, the roles wanted and a
     request to keep them in mind), asks whether they know the target person
     well and would introduce them, offers the resume, plus a short
     forwardable blurb in the sender's voice that holds the job link (the
     link appears once). It never asks the stranger for a referral.
   * A draft that itself asks its recipient for an introduction keeps that
     shape for every relationship: the recipient is the one who can introduce.
   * Relationship not given and inferred with confidence below 0.6 (or inferred
     as ``unknown``): one suggestion per relationship, the inferred one first.

2. **Realise.** Every part has several alternatives in the phrase bank
   (``refernlp/lexicons/phrases.json``). Variant *k* takes alternative
   ``(offset + k) mod len`` of each part, so variants differ everywhere; the
   offsets are 0 by default (deterministic) and drawn from ``seed`` otherwise.
   Facts come only from the draft, verbatim: slot values, and whole sentences
   reused for the line on fit and for shared history (cut at a clause boundary
   before anything impolite, any ask or any second-person clause). Whatever a
   good message needs and the draft lacks is a ``[placeholder]``. Articles
   (*a*/*an*) and plurals (*roles*) agree with the inserted values; a small
   rule set does this without a second spaCy pass, to keep rewriting fast.
   Optional parts carry a drop priority (and some a shorter wording) and give
   way one at a time, least important first, until the message fits its
   length budget: under 600 characters, which suits a LinkedIn message and an
   email of 50 to 125 words alike; parts given up on the way are put back
   wherever they still fit. Slot values that are no person's name (a pronoun,
   an ID, the sender's own "it's Tom") are not used to address anyone.

3. **Rank.** A few candidates per plan are critiqued in one batch with the
   same :class:`~refernlp.critic.Critic` (politeness, transparency, request
   type, findings, slots kept, length) and the best ``n`` distinct ones are
   returned (pairwise token Jaccard below 0.8 where possible).

4. **Reword (optional).** With a :class:`Generator` (``--generator PATH``, a
   local seq2seq or causal language model; needs the ``neural`` extra, and
   torch and transformers are imported only then), the model proposes
   paraphrases of each sentence of the best candidates (beam search, or
   sampling under ``seed``). A paraphrase is used only where it keeps every
   slot and placeholder of its sentence verbatim, invents no capitalised word
   or number, leaves no template field or doubled word and keeps a question a
   question; the reworded message must then keep, by the critic's judgement,
   the request type, politeness, high transparency, the introduction ask and
   the place of the ask and of the bond-building element, with no more
   findings. Survivors are scored and ranked with the rest, so a weak model
   can leave the suggestions as they are but never make them worse.

Invalid input is refused exactly as by :meth:`Critic.critique
<refernlp.critic.Critic.critique>`: :class:`~refernlp.errors.InputError`.
"""

from __future__ import annotations

import os
import random
import re
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .analysis import Analysis, build_critique
from .errors import InputError, MissingExtraError, ModelError
from .resources import lexicon
from .schema import LENGTH, normalise_relationship
from .textio import prepare

if TYPE_CHECKING:
    from .critic import Critic
    from .results import Critique

__all__ = ["Generator", "Rewrite", "Scores", "indefinite_article", "jaccard", "rewrite", "rewrite_with"]

RELATIONSHIPS = ("strong", "weak", "second_degree")
#: when the relationship is inferred with less confidence than this, one variant per relationship
MIN_CONFIDENCE = 0.6
#: variants realised per plan; the most promising few are critiqued
N_REALISED = 4
JACCARD_MAX = 0.8
EMAIL_WORDS = LENGTH.email_words  #: one range for the findings and the length budget
MESSAGE_CHARS = 600
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
_PIPES = ("refernlp_sentences", "refernlp_strategies", "refernlp_cues")

_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,60}\]")
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_FIT_STRONG = re.compile(r"\b(?:years?|yrs|experience|experienced)\b", re.IGNORECASE)
_FIT_WEAK = re.compile(
    r"\b(?:i've|i’ve|ive|i have|worked|working|background|spent|led|leading|built|managed|graduated|finished|"
    r"degree|diploma|certified|shipped|i'm an?|i’m an?|i am an?)\b",
    re.IGNORECASE,
)
_FIT_ANY = re.compile(_FIT_STRONG.pattern + "|" + _FIT_WEAK.pattern, re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i’m|i've|i’ve|i'd|my|me|we|our)\b", re.IGNORECASE)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you’re|you've|you'd|u|ur)\b", re.IGNORECASE)
_CLAUSE = re.compile(
    r"\s*(?:;|:|\s[-–—]\s|,\s*(?:and|but|so|which|because)\b|\s(?:and|but|so)\s(?=(?:i|i'm|i’m|i've|i’ve|i'd|if|my|we|you|it|no)\b)"
    r"|,\s*(?=no need\b))\s*",
    re.IGNORECASE,
)
_GREETING_PREFIX = re.compile(
    r"\s*(?i:hi+|hey+|hello|dear|hiya|heya|yo|good\s+(?:morning|afternoon|evening))"
    r"(?:\s+(?i:mr|mrs|ms|dr|miss|prof)\.?)?(?:\s+[A-Z][\w'’-]*){0,2}\s*[,!.:\-–—]+\s*"
)
#: "Hi Gav its Sean from...": a greeting and a name with no punctuation after them
_BARE_GREETING = re.compile(r"\s*(?i:hi+|hey+|hello|hiya|heya)\s+[A-Z][\w'’-]*\s+(?=[a-z])")
_MY_NAME = re.compile(r"(?i:my name is|my name's|my name’s|this is)\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?\s*[,;]\s*")
_LABEL_PREFIX = re.compile(r"\s*(?:subject|re|summary|background|about me|tl;dr|tldr|ps|p\.s\.)\s*[:\-–]\s*", re.IGNORECASE)
_FILLERS = re.compile(r"\s*\b(?:lol|lmao|haha+|hehe+|xd)\b", re.IGNORECASE)
_INTRO_BEFORE = re.compile(
    r"(?:introduce me to|introduction to|intro to|connect me with|connect me to|put me in touch with|in touch with|"
    r"link me up with|link me with|speak to|speak with|talk to|talk with|reach out to|introduce me and)\s+"
    r"(?:(?:your|my|our)\s+[\w-]+(?:\s+[\w-]+)?\s*,?\s+)?$",
    re.IGNORECASE,
)
_TITLE = re.compile(r"^(?:mr|mrs|ms|dr|miss|prof|sir|madam|mx)\b\.?", re.IGNORECASE)
_EMAIL_HINT = re.compile(r"^\s*(?:subject\s*:|dear\b)", re.IGNORECASE)
_URL_END = re.compile(r"(?:https?://|www\.)\S+$|\S+\.\w{2,}/\S*$")
_ROLE_NOUNS = {"role", "position", "opening", "job", "vacancy", "post", "spot", "opportunity", "internship", "placement"}
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
    """One suggested rewrite: its relationship, text, scores, what changed and what to fill in."""

    relationship: str
    text: str
    scores: Scores
    changes: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "relationship": self.relationship,
            "text": self.text,
            "scores": self.scores.to_dict(),
            "changes": list(self.changes),
            "placeholders": list(self.placeholders),
        }


# --- what the draft says ----------------------------------------------------------
@dataclass
class _Facts:
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


def _clean_piece(text: str) -> str:
    text = "".join(c for c in text if unicodedata.category(c) not in {"So", "Cs", "Co"} and c < "\U0001f000")
    text = _FILLERS.sub("", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(^|\s)i(?=$|\s|[’'](?:m|ve|d|ll)\b)", lambda m: m.group(1) + "I", text)


def _finish(text: str) -> str:
    """A reused piece as a sentence: capitalised, one closing mark."""
    text = text.strip().rstrip(",;:-–— ")
    if not text:
        return ""
    if text[0].islower():
        text = text[0].upper() + text[1:]
    if text[-1] not in ".!?":
        text += "."
    return text


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and e > start for s, e in spans)


_REUSE_WINDOW = 600  #: characters of a draft sentence searched for clauses to reuse


def _reuse(
    doc: Any,
    sent: Any,
    bad: list[tuple[int, int]],
    asks: list[tuple[int, int]],
    *,
    allow_you: bool,
    avoid: tuple[str, ...] = (),
    max_words: int = 40,
    need: re.Pattern[str] | None = None,
) -> str | None:
    """The longest clean prefix (in whole clauses) of a sentence of the draft, or None.

    With ``need``, every kept clause must match it (the line on fit keeps only
    clauses about experience, not "so I'm qualified, no need to check").
    """
    text = doc.text
    start, end = sent.start_char, sent.end_char
    while start < end and text[start].isspace():
        start += 1
    for prefix in (_LABEL_PREFIX, _GREETING_PREFIX, _BARE_GREETING):
        m = prefix.match(text, start, end)
        if m:
            start = m.end()
    if end - start < 8:
        return None
    # a piece has at most max_words words: look no further than a generous window (the clause
    # pattern is quadratic on a long run of spaces), and never keep the clause the window cuts
    cut = end - start > _REUSE_WINDOW
    if cut:
        end = start + _REUSE_WINDOW
    bounds = [start]
    for cm in _CLAUSE.finditer(text, start, end):
        if cm.start() > bounds[-1]:
            bounds += [cm.start(), cm.end()]
    bounds.append(end)
    clauses = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds) - 1, 2)]
    if cut:
        clauses = clauses[:-1]
        if not clauses:
            return None
    kept_end = None
    for cs, ce in clauses:
        piece = text[cs:ce]
        low = piece.lower()
        if (
            not piece.strip()
            or _overlaps(bad, cs, ce)
            or _overlaps(asks, cs, ce)
            or "?" in piece
            or "http" in low
            or "www." in low
            or "@" in piece
            or (not allow_you and _SECOND_PERSON.search(piece))
            or any(a in piece for a in avoid)
            or (need is not None and not need.search(piece))
        ):
            break
        kept_end = ce
    if kept_end is None:
        return None
    piece = _clean_piece(text[start:kept_end])
    if len(_WORD.findall(piece)) > max_words:
        if clauses[0][1] >= kept_end:
            return None
        piece = _clean_piece(text[start : clauses[0][1]])
        if len(_WORD.findall(piece)) > max_words:
            return None
    if _doubled(piece):  # "anything, anything at all": emphatic in a chat, a slip in a rewrite
        if clauses[0][1] >= kept_end:
            return None
        piece = _clean_piece(text[start : clauses[0][1]])
        if _doubled(piece):
            return None
    if len(_WORD.findall(piece)) < 4:
        return None
    return _finish(piece)


def _doubled(text: str) -> bool:
    """Whether a word or a phrase of up to four words is repeated back to back."""
    words = [w for w in (w.strip(".,;:!?()\"“”").lower() for w in _PLACEHOLDER.sub(" ", text).split()) if w]
    for n in (1, 2, 3, 4):
        for i in range(len(words) - 2 * n + 1):
            if words[i : i + n] == words[i + n : i + 2 * n]:
                return True
    return False


def _analyse(critic: Critic, text: str) -> Any:
    """Sentences, strategies and cues of the draft (the slot rankers are not rerun)."""
    nlp = critic.nlp
    lock = getattr(critic, "_lock", None) or nullcontext()
    with lock:
        doc = nlp.make_doc(prepare(text).text)
        for name in _PIPES:
            if name in nlp.pipe_names:
                doc = nlp.get_pipe(name)(doc)
    return doc


def _fit_line(doc: Any, bad, asks, avoid: tuple[str, ...]) -> str | None:
    """The draft's best sentence (cut to its experience clauses) on why the sender fits."""
    best, best_score = None, 0
    for sent in doc.sents:
        s = sent.text
        score = 2 * len(_FIT_STRONG.findall(s)) + len(_FIT_WEAK.findall(s))
        if score <= best_score:
            continue
        piece = _reuse(doc, sent, bad, asks, allow_you=False, avoid=avoid, max_words=30, need=_FIT_ANY)
        if piece:  # "My name is Lucas, I am a chemical engineer": the blurb introduces the sender already
            piece = _finish(_MY_NAME.sub("", piece, count=1)) if _MY_NAME.match(piece) else piece
        if piece and len(_WORD.findall(piece)) >= 4 and (_FIRST_PERSON.search(piece) or _FIT_STRONG.search(piece)):
            best, best_score = piece, score
    return best


def _cue_sentence(doc: Any, starts: list[int], bad, asks, used: set[str], max_words: int = 35) -> str | None:
    """The first clean sentence holding one of the character offsets ``starts``."""
    for at in starts:
        for sent in doc.sents:
            if sent.start_char <= at < sent.end_char:
                piece = _reuse(doc, sent, bad, asks, allow_you=True, max_words=max_words)
                if piece and piece not in used:
                    return piece
                break
    return None


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


def _facts(crit: Critique, doc: Any) -> _Facts:
    text = doc.text
    slots = crit.slots
    cue_names = {m.name for m in doc._.cues or ()}
    # the classifier's type, not the cues: "thanks for the referral" holds a referral cue but no ask
    rtype = crit.request_type.label
    bad = [(m.start, m.end) for m in doc._.strategies or () if m.name in BAD_STRATEGIES]
    asks = [(m.start, m.end) for m in doc._.cues or () if m.name in _ASK_CUES]
    # a "name" that is a pronoun, holds a digit or names the sender ("it's Tom") is not someone to address
    sender = slots.sender_name
    recipient, named = _person(slots.recipient_name, sender, text), _person(slots.mutual_contact, sender, text)
    if recipient and (recipient == named or _MUTUAL_AFTER.match(text, text.find(recipient) + len(recipient))):
        # "Hey, Rosa gave me your name": Rosa is the mutual contact, not the recipient
        named = named or recipient
        recipient = None
    mutual, target, intro = named, recipient, False
    if mutual:
        at = text.find(mutual)
        if at >= 0 and _INTRO_BEFORE.search(text[max(0, at - 80) : at]):
            # "could you introduce me to Sam": the recipient is the one who can introduce
            target, mutual, intro = mutual, recipient, True
    # the line on fit is about the sender: not about the target, nor about the people named
    # (nor a goal statement: "I've applied to requisition 88213-BR" names the job, not the fit)
    targets = (slots.company, slots.role, *slots.job_ids, *slots.urls) if rtype == "targeted" else ()
    avoid = tuple(v for v in targets + (named, recipient) if v)
    # "I've attached my CV", "summary below": about the attachment, not about fit
    resume = asks + [(m.start, m.end) for m in doc._.cues or () if m.name == "resume"]
    fit = _fit_line(doc, bad, resume, avoid)
    used = {fit} if fit else set()
    history_at = [
        m.start for m in doc._.cues or ()
        if m.name in _HISTORY_CUES or (m.name == "close" and _CLOSE_HISTORY.search(m.text))
    ]
    if named and text.find(named) >= 0:
        history_at.append(text.find(named))
    history = _cue_sentence(doc, history_at, bad, asks, used)
    if history:
        used.add(history)
    cold_at = [m.start for m in doc._.cues or () if m.name == "cold" and m.text.lower() not in {"my name is", "your profile"}]
    cold_line = _cue_sentence(doc, cold_at, bad, asks, used, max_words=25)
    compliment_at = sorted(
        [m.start for m in doc._.strategies or () if m.name == "compliment"]
        + [m.start for m in doc._.cues or () if m.name == "bond" and m.text.lower() in _COMPLIMENT_CUES]
    )
    compliment = _cue_sentence(doc, compliment_at, bad, asks, used | ({cold_line} if cold_line else set()))
    values = [slots.company, slots.role, recipient, sender, mutual, *slots.job_ids, *slots.urls]
    n_paragraphs = len([p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()])
    email = bool(_EMAIL_HINT.search(text))
    impolite = []
    for s in crit.politeness.strategies:
        if s.name in BAD_STRATEGIES and s.name != "negative_lexicon" and len(s.text.strip()) > 2:
            snippet = s.text.strip()
            snippet = snippet if len(snippet) <= 40 else snippet[:37].rstrip() + "…"
            if snippet not in impolite:
                impolite.append(snippet)
    return _Facts(
        rtype=rtype,
        layout="paragraphs" if (email or n_paragraphs >= 2) else "compact",
        email=email,
        formal=bool(re.match(r"\s*dear\b", text, re.IGNORECASE)) or bool(recipient and _TITLE.match(recipient)),
        recipient=recipient,
        sender=slots.sender_name,
        mutual=mutual,
        target=target,
        intro=intro,
        company=slots.company,
        role=slots.role,
        job_ids=tuple(dict.fromkeys(slots.job_ids)),
        urls=tuple(dict.fromkeys(slots.urls)),
        slot_values=tuple(dict.fromkeys(v for v in values if v)),
        fit=fit,
        history=history,
        cold="cold" in cue_names and not (cue_names & {"reconnect", "met_once"}) and history is None,
        cold_line=cold_line,
        compliment=compliment,
        level=_level(doc, slots.role, crit.transparency.missing),
        location=_location(doc, crit.transparency.missing),
        draft_words=crit.stats.words,
        draft_findings=tuple(f.id for f in crit.findings),
        impolite_examples=tuple(impolite[:2]),
        missing=crit.transparency.missing,
    )


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


def _overviews(facts: _Facts) -> tuple[str, str]:
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


def _first_name(name: str) -> str:
    return name if _TITLE.match(name) else name.split()[0]


# --- realisation ------------------------------------------------------------------------
class _Realiser:
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


def _fields(facts: _Facts) -> dict[str, str]:
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
class _Part:
    """A sentence of a plan. Parts with a higher ``drop`` are left out first when over budget."""

    text: str
    drop: int = 0
    fallback: str = ""


@dataclass
class _Message:
    greeting: str
    paragraphs: list[list[_Part]]
    signoff: str
    sender: str | None
    blocks: frozenset[int] = frozenset()  #: paragraphs kept apart even in the compact layout


def _render(msg: _Message, facts: _Facts, dropped: frozenset[tuple[int, int]] = frozenset()) -> str:
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


def _fits(text: str, facts: _Facts) -> bool:
    """Under 600 characters (about 95 words) suits a LinkedIn message and an email of 50-125 words alike."""
    return len(text) < MESSAGE_CHARS - 20 and len(_WORD.findall(text)) <= EMAIL_WORDS[1] - 10


def _fit_budget(msg: _Message, facts: _Facts) -> str:
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
        if _fits(text, facts):
            break
        given_up.append((i, j))
        dropped = dropped | {(i, j)}
        text = _render(msg, facts, dropped)
    if _fits(text, facts):
        for pos in reversed(given_up[:-1]):
            trial = _render(msg, facts, dropped - {pos})
            if _fits(trial, facts):
                dropped, text = dropped - {pos}, trial
    return re.sub(r"[ \t]{2,}", " ", text)


def _greeting(r: _Realiser, facts: _Facts, name: str | None = None) -> str:
    who = name or r.fields["name"]
    formal = facts.formal or bool(_TITLE.match(who))
    return r.pick("greeting.formal" if formal else "greeting.default", name=who)


def _fit(r: _Realiser, facts: _Facts, drop: int) -> _Part:
    return _Part(facts.fit, drop) if facts.fit else _Part(r.pick("fit_missing"), drop)


def _give(r: _Realiser, facts: _Facts) -> list[_Part]:
    """Give before asking: a compliment and an offer to help; one of them is never dropped."""
    compliment = facts.compliment or r.pick("weak.compliment")
    offer = r.pick("weak.offer_help")
    if facts.compliment or r.k % 2 == 0:
        return [_Part(compliment), _Part(offer, 2)]
    return [_Part(offer), _Part(compliment, 2)]


def _reconnect(r: _Realiser, facts: _Facts) -> list[_Part]:
    """Reconnect with the shared history of the draft; never invent history with a stranger."""
    hoped = any(s and "hope" in s.lower() for s in (facts.history, facts.compliment, facts.cold_line))
    tail = [] if hoped else [_Part(r.pick("weak.hope_tail"), 3)]
    if facts.history:
        return [_Part(facts.history)] + tail
    if facts.cold:
        return ([_Part(facts.cold_line, 1)] if facts.cold_line else []) + [_Part(r.pick("weak.hope_tail"))]
    return [_Part(r.pick("weak.reconnect_short" if hoped else "weak.reconnect"))]


def _mutual_note(r: _Realiser, facts: _Facts) -> list[_Part]:
    """Keep the mutual contact named in the draft (their own sentence when it is clean)."""
    if not facts.mutual or facts.intro or (facts.history and facts.mutual in facts.history):
        return []
    return [_Part(r.pick("mutual_note", mutual=facts.mutual), 1)]


def _sign(r: _Realiser, facts: _Facts) -> tuple[str, str | None]:
    return r.pick("signoff"), facts.sender


def _strong(r: _Realiser, facts: _Facts) -> _Message:
    opener = _Part(r.pick("opener"), 3)
    if facts.history and facts.mutual and facts.mutual in facts.history:
        # the draft's own sentence naming the mutual contact; a short note keeps the name when trimmed
        context = [_Part(facts.history, 2, r.pick("mutual_note", mutual=facts.mutual))]
    else:
        context = _mutual_note(r, facts)
    if facts.rtype == "targeted":
        link = [_Part(r.pick("link"), 0 if facts.urls else 2)] if (facts.urls or not facts.job_ids) else []
        paras = [
            [opener, _Part(r.pick("strong.targeted.ask")), *link],
            [*context, _fit(r, facts, 1), _Part(r.pick("strong.targeted.offer"), 1)],
            [_Part(r.pick("easy_out")), _Part(r.pick("thanks"))],
        ]
    elif facts.rtype == "general":
        paras = [
            [opener, _Part(r.pick("strong.general.ask"))],
            [*context, _fit(r, facts, 1), _Part(r.pick("strong.general.offer"), 2)],
            [_Part(r.pick("easy_out_general"), 1, r.pick("easy_out_short")), _Part(r.pick("thanks"))],
        ]
    else:
        first = [_Part(facts.history)] if facts.history else [_Part(r.pick("weak.hope_tail"))]
        paras = [
            first + [p for p in context if p.text != facts.history],
            [_Part(facts.fit or "", 2), _Part(r.pick("none.topic_ask")), _Part(r.pick("easy_out_none"), 1), _Part(r.pick("thanks"))],
        ]
    return _Message(_greeting(r, facts), paras, *_sign(r, facts))


_EASY_OUTS = {"targeted": "easy_out", "general": "easy_out_general", "none": "easy_out_none"}


def _weak_ask(r: _Realiser, facts: _Facts) -> list[_Part]:
    if facts.rtype == "targeted":
        link = [_Part(r.pick("link"))] if facts.urls else []
        # the goal stated plainly (role, company, job ID, a referral once they have talked), then the soft ask
        return [_Part(r.pick("weak.targeted.soft_ask")), _Part(facts.fit or "", 2), _Part(r.pick("weak.targeted.offer"), 1, r.pick("resume_short")), *link]
    if facts.rtype == "general":
        return [_Part(r.pick("weak.general.soft_ask")), _Part(facts.fit or "", 2), _Part(r.pick("weak.general.soft_keep"))]
    return [_Part(r.pick("none.topic_ask"))]


def _weak(r: _Realiser, facts: _Facts) -> _Message:
    if facts.intro:
        return _second_degree(r, facts, bond=True)
    paras = [
        [*_reconnect(r, facts), *_mutual_note(r, facts), *_give(r, facts)],
        _weak_ask(r, facts),
        [_Part(r.pick(_EASY_OUTS[facts.rtype]), 1, r.pick("easy_out_short")), _Part(r.pick("thanks"))],
    ]
    return _Message(_greeting(r, facts), paras, *_sign(r, facts))


def _weak_two_step(r: _Realiser, facts: _Facts) -> tuple[_Message, _Message]:
    first = _Message(
        _greeting(r, facts),
        [[*_reconnect(r, facts), *_mutual_note(r, facts), *_give(r, facts), _Part(r.pick("weak.two_step.bond_close"))]],
        *_sign(r, facts),
    )
    later = _Realiser(r.bank, r.k + 1, r.seed, r.fields)  # another greeting and sign-off the second time
    if facts.intro:
        second = _second_degree(later, facts)
        second.paragraphs[0].insert(0, _Part(later.pick("weak.two_step.followup_open"), 1))
        return first, second
    if facts.rtype == "targeted":
        link = [_Part(later.pick("link"), 0 if facts.urls else 2)] if (facts.urls or not facts.job_ids) else []
        ask = [_Part(later.pick("strong.targeted.ask")), *link]
        more = [_fit(later, facts, 1), _Part(later.pick("strong.targeted.offer"), 1)]
        out = _Part(later.pick("easy_out"))
    elif facts.rtype == "general":
        ask = [_Part(later.pick("strong.general.ask"))]
        more = [_fit(later, facts, 2), _Part(later.pick("strong.general.offer"), 2)]
        out = _Part(later.pick("easy_out_general"), 1, later.pick("easy_out_short"))
    else:
        ask, more, out = [_Part(later.pick("none.topic_ask"))], [], _Part("")
    second = _Message(
        _greeting(later, facts),
        [[_Part(later.pick("weak.two_step.followup_open"), 1), *ask], more, [out, _Part(later.pick("thanks"))]],
        *_sign(later, facts),
    )
    return first, second


def _second_degree(r: _Realiser, facts: _Facts, bond: bool = False, direct: bool = False) -> _Message:
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
    hint = [_Part(r.pick(f"second_degree.{kind}.hint"), 1, r.pick(f"second_degree.short.{kind}_hint"))] if kind != "none" else []
    if bond:
        give = _give(r, facts)
        first = [*_reconnect(r, facts), _Part(give[0].text, 1), *give[1:]]
    else:
        first = [] if direct else [_Part(r.pick("second_degree.open"), 3)]
    # an offer of the resume: the goal is a referral later, and the contact sees it is easy to help
    offer = [_Part(r.pick("second_degree.offer"), 1, r.pick("resume_short"))] if kind != "none" else []
    paras = [
        [*first, _Part(r.pick(f"second_degree.{kind}.intro_ask"), 1, r.pick(f"second_degree.short.{kind}_intro_ask")), *hint],
        [
            _Part(r.pick("second_degree.easy_out"), 2, r.pick("easy_out_short")),
            *offer,
            # a "blurb" is a resume-like note: it would make a message without a referral ask read as one
            _Part(r.pick("second_degree.none.blurb_lead"))
            if kind == "none"
            else _Part(r.pick("second_degree.blurb_lead"), 2, r.pick("second_degree.short.blurb_lead")),
        ],
        [_Part(blurb(True), 1, blurb(False))],
        [_Part(r.pick("thanks"), 1, r.pick("thanks_short"))],
    ]
    if facts.intro:
        name = r.fields["name"]  # the recipient of the draft is the one who can introduce
    else:
        name = _first_name(facts.mutual) if facts.mutual else "[mutual contact]"
    return _Message(_greeting(r, facts, name), paras, *_sign(r, facts), blocks=frozenset({2}))


def _realise(plan: str, r: _Realiser, facts: _Facts) -> str:
    if plan == "two_step":
        first, second = _weak_two_step(r, facts)
        return (
            f"{r.pick('weak.two_step.header_now')}\n\n{_fit_budget(first, facts)}\n\n---\n\n"
            f"{r.pick('weak.two_step.header_later')}\n\n{_fit_budget(second, facts)}"
        )
    if plan == "direct":
        msg = _second_degree(r, facts, direct=True) if facts.intro else _strong(r, facts)
    elif plan == "soft":
        msg = _weak(r, facts)
    else:
        msg = _second_degree(r, facts)
    return _fit_budget(msg, facts)


_PLANS = {"strong": ("direct",), "weak": ("soft", "two_step"), "second_degree": ("intro",)}


# --- changes ------------------------------------------------------------------------
_OFFERS_RESUME = re.compile(r"\b(?:resume|CV|blurb|summary)\b", re.IGNORECASE)
_EASY_OUT = re.compile(r"no worries|no pressure|totally fine if not|I'll understand|understand if not|understand completely", re.IGNORECASE)


def _placeholders(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_PLACEHOLDER.findall(text)))


def _changes(facts: _Facts, relationship: str, plan: str, text: str, bank: Mapping[str, Any], multi: bool) -> tuple[str, ...]:
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
        out.append(c["weak_two_step"] if plan == "two_step" else c["weak_bond"])
        if plan == "soft" and rtype != "none" and not facts.intro:
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
    words = len(_WORD.findall(text))
    if facts.draft_words > 150 and words < facts.draft_words and plan != "two_step":
        out.append(c["shorter"].format(before=facts.draft_words, after=words))
    holes = _placeholders(text)
    if holes:
        out.append(c["placeholders"].format(items=", ".join(holes)))
    if multi:
        out.append(c["variant"])
    return tuple(dict.fromkeys(out))


# --- ranking ------------------------------------------------------------------------
@dataclass
class _Candidate:
    relationship: str
    plan: str
    variant: int
    text: str
    changes: tuple[str, ...]
    cheap: float = 0.0
    score: float = 0.0
    critique: Any = field(default=None, repr=False)
    order: int = 0


def _tokens(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def jaccard(a: str, b: str) -> float:
    """Token Jaccard similarity of two texts (lower-cased word sets)."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta and not tb:
        return 1.0
    return len(ta & tb) / len(ta | tb)


def _messages(c: _Candidate) -> list[str]:
    if c.plan == "two_step":
        return [m.strip().split("\n", 1)[-1].strip() for m in c.text.split("\n---\n")]
    return [c.text]


def _length_penalty(c: _Candidate, facts: _Facts) -> float:
    pen = 0.0
    for m in _messages(c):
        words = len(_WORD.findall(m))
        lo, hi = EMAIL_WORDS
        if words < lo:
            pen += 0.02 * (lo - words)
        elif words > hi:
            pen += 0.02 * (words - hi)
        if len(m) >= MESSAGE_CHARS:
            pen += 0.5 + 0.004 * (len(m) - MESSAGE_CHARS)
    return pen


def _cheap(c: _Candidate, facts: _Facts) -> float:
    missing = sum(1 for v in facts.slot_values if v not in c.text)
    return -_length_penalty(c, facts) - 3.0 * missing - 0.05 * len(_placeholders(c.text))


def _judge(c: _Candidate, facts: _Facts) -> float:
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
    if c.plan == "two_step":
        s -= 0.75  # the one-message version is the default suggestion; the plan is an alternative
    return s + c.cheap


def _diverse(cands: list[_Candidate], k: int, chosen: list[_Candidate] | None = None) -> list[_Candidate]:
    """Up to ``k`` candidates in order, skipping near-duplicates of those already chosen."""
    picked: list[_Candidate] = []
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


# --- optional neural paraphrasing ---------------------------------------------------------
_INSTALL_HINT = 'pip install torch==2.13.0 && pip install "refernlp[neural]"'
#: prompts: a seq2seq paraphraser reads the first, a causal language model continues the second
SEQ2SEQ_PROMPT = "paraphrase: {text}"
CAUSAL_PROMPT = "Rewrite the sentence in other words, keeping every name, number and link.\nSentence: {text}\nRewritten:"


class Generator:
    """A local seq2seq or causal language model that rewords the planned rewrites.

    ``Generator(path)`` loads the model once (``from_pretrained(path,
    local_files_only=True)``, ``HF_HUB_OFFLINE=1``, safetensors weights only);
    its config decides the kind: encoder-decoder models load with
    ``AutoModelForSeq2SeqLM``, others with ``AutoModelForCausalLM``. Pass the
    object to every call that should use it: ``rewrite(text,
    generator=gen)``. The model proposes a paraphrase of each sentence of the
    best planned rewrites; the paraphrases go through the same fact checks and
    the same ranking as the phrase-bank candidates, and whatever fails is
    dropped, so a weak model cannot make a suggestion worse than the default.

    Decoding is deterministic (beam search) unless a seed is given, which
    samples under ``torch.manual_seed(seed)`` (the global random state is
    restored afterwards). A Generator is thread-safe: generation runs under a
    lock. Needs the ``neural`` extra; raises
    :class:`~refernlp.errors.MissingExtraError` without it and
    :class:`~refernlp.errors.ModelError` for a directory that holds no
    loadable model.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        num_candidates: int = 2,
        max_new_tokens: int = 64,
        max_input_tokens: int = 128,
        batch_size: int = 16,
        prompt: str | None = None,
    ) -> None:
        where = Path(path)
        if not where.exists():
            raise ModelError(f"generator {where} does not exist")
        if not where.is_dir():
            raise ModelError(f"generator {where} is a file, not a model directory")
        if not (where / "config.json").is_file():
            raise ModelError(f"generator {where}: no config.json (expected a transformers model saved with save_pretrained)")
        try:
            import torch
            import transformers  # noqa: F401
        except ImportError as exc:
            raise MissingExtraError(f"--generator needs {exc.name or 'torch and transformers'}: {_INSTALL_HINT}") from None
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        try:
            config = AutoConfig.from_pretrained(str(where), local_files_only=True)
            self.encoder_decoder = bool(getattr(config, "is_encoder_decoder", False))
            auto = AutoModelForSeq2SeqLM if self.encoder_decoder else AutoModelForCausalLM
            self.tokenizer = AutoTokenizer.from_pretrained(str(where), local_files_only=True)
            self.model = auto.from_pretrained(str(where), local_files_only=True, use_safetensors=True)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError, ImportError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelError(f"cannot load the generator from {where}: {first}") from None
        self.model.eval()
        self.path = str(where)
        self.torch = torch
        self.num_candidates = max(1, int(num_candidates))
        self.max_new_tokens = int(max_new_tokens)
        self.max_input_tokens = int(max_input_tokens)
        self.prompt = prompt or (SEQ2SEQ_PROMPT if self.encoder_decoder else CAUSAL_PROMPT)
        tok = self.tokenizer
        if tok.pad_token_id is None and tok.eos_token_id is not None:
            tok.pad_token = tok.eos_token
        self.pad_id = tok.pad_token_id if tok.pad_token_id is not None else (tok.eos_token_id or 0)
        # without a pad token, prompts of different lengths cannot share a batch
        self.batch_size = max(1, int(batch_size)) if tok.pad_token_id is not None else 1
        if not self.encoder_decoder:
            tok.padding_side = "left"  # a causal model continues the prompt: pad on the left
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        kind = "seq2seq" if self.encoder_decoder else "causal"
        return f"Generator({self.path!r}, {kind})"

    def paraphrase(self, sentences: Sequence[str], *, seed: int | None = None) -> list[list[str]]:
        """Up to ``num_candidates`` distinct rewordings of each sentence (raw model output, unchecked)."""
        torch = self.torch
        out: list[list[str]] = [[] for _ in sentences]
        if not sentences:
            return out
        k = self.num_candidates
        prompts = [self.prompt.format(text=s) for s in sentences]
        with self._lock, torch.inference_mode(), torch.random.fork_rng(devices=[]):
            if seed is not None:
                torch.manual_seed(seed)
            for start in range(0, len(prompts), self.batch_size):
                batch = prompts[start : start + self.batch_size]
                enc = self.tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=self.max_input_tokens)
                decode: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "num_return_sequences": k, "pad_token_id": self.pad_id}
                if seed is None:
                    decode.update(do_sample=False, num_beams=max(k, 1))
                else:
                    decode.update(do_sample=True, top_p=0.95, top_k=0, num_beams=1)
                generated = self.model.generate(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], **decode)
                if not self.encoder_decoder:
                    generated = generated[:, enc["input_ids"].shape[1] :]
                texts = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
                for i, t in enumerate(texts):
                    line = next((ln.strip() for ln in t.strip().splitlines() if ln.strip()), "")
                    slot = out[start + i // k]
                    if line and line not in slot:
                        slot.append(line)
        return out


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])(\s+)(?=[A-Z\[“\"(])")
_REFERRAL_ASK = re.compile(r"\brefer(?:ring)? me\b|\bput (?:me|my name) forward\b|\bput in a (?:good )?word\b|\bvouch", re.IGNORECASE)
_ASK_NAMES = frozenset({"referral", "keep_in_mind", "introduction"})
_BOND_CUES = frozenset({"reconnect", "met_once", "bond"})
_BOND_STRATEGIES = frozenset({"compliment", "offer_help"})


def _segments(text: str) -> list[tuple[str, bool]]:
    """The text cut into pieces that, joined, give it back; True marks a sentence to reword.

    The greeting line, the blurb to forward (its exact words are the sender's
    introduction), sign-offs, names and headers stay as they are.
    """
    out: list[tuple[str, bool]] = []
    lines = text.split("\n")
    for li, line in enumerate(lines):
        if li:
            out.append(("\n", False))
        body = line.strip()
        if li == 0 or not body or body.startswith(("“", '"', "---")):
            out.append((line, False))
            continue
        for j, part in enumerate(_SENTENCE_SPLIT.split(line)):
            sentence = j % 2 == 0 and len(_WORD.findall(part)) >= 4 and part.strip()[-1:] in {".", "!", "?"}
            out.append((part, sentence))
    return out


def _reworded_ok(src: str, new: str, facts: _Facts, allowed: set[str]) -> bool:
    """The per-sentence fact checks: slots and placeholders kept, nothing invented, no template leftovers."""
    new = new.strip()
    src_words, new_words = _WORD.findall(src), _WORD.findall(new)
    if new == src.strip() or len(new_words) < 3:
        return False
    if not (0.5 * len(src_words) <= len(new_words) <= 1.6 * len(src_words) + 3):
        return False
    if new[-1] not in ".!?" or (src.rstrip().endswith("?") != new.endswith("?")):
        return False
    if any(ch in new for ch in "{}\n“”") or "---" in new or _doubled(new):
        return False
    holes_src, holes_new = set(_PLACEHOLDER.findall(src)), set(_PLACEHOLDER.findall(new))
    if holes_src != holes_new or "[" in _PLACEHOLDER.sub("", new) or "]" in _PLACEHOLDER.sub("", new):
        return False
    if any(v in src and v not in new for v in facts.slot_values):
        return False
    if _REFERRAL_ASK.search(new) and not _REFERRAL_ASK.search(src):
        return False
    src_low = {w.lower() for w in src_words}
    for w in _WORD.findall(_PLACEHOLDER.sub(" ", new)):
        if w[:1].isupper() or any(c.isdigit() for c in w):
            low = re.sub(r"['’]s$", "", w.lower())
            if low not in allowed and low not in src_low:
                return False
    return True


def phrase_bank_words(bank: Mapping[str, Any] | None = None) -> set[str]:
    """Every lower-cased word of the phrase bank: what a rewrite may add beyond the draft's own words."""
    return set(_bank_words(lexicon("phrases") if bank is None else bank))


def _bank_words(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield from (w.lower() for w in _WORD.findall(node))
    elif isinstance(node, list):
        for x in node:
            yield from _bank_words(x)
    elif isinstance(node, dict):
        for v in node.values():
            yield from _bank_words(v)


def _shape(doc: Any) -> tuple[int | None, int | None, int | None]:
    """Start of the first referral/keep-in-mind/introduction ask, of the first bond-building element,
    and the index of the sentence holding that ask."""
    ask = min((m.start for m in doc._.cues or () if m.name in _ASK_NAMES), default=None)
    bond = min(
        [m.start for m in doc._.cues or () if m.name in _BOND_CUES]
        + [m.start for m in doc._.strategies or () if m.name in _BOND_STRATEGIES],
        default=None,
    )
    sent = None
    if ask is not None:
        sent = next((i for i, s in enumerate(doc.sents) if s.start_char <= ask < s.end_char), None)
    return ask, bond, sent


def _no_worse(new: Any, old: Any, new_doc: Any, old_doc: Any) -> bool:
    """A reworded candidate keeps every judged quality of its source (type, politeness, transparency, shape)."""
    if new.request_type.label != old.request_type.label:
        return False
    if old.politeness.label == "polite" and new.politeness.label != "polite":
        return False
    if old.transparency.label == "high" and new.transparency.label != "high":
        return False
    if old.asks_introduction and not new.asks_introduction:
        return False
    if any(st.name in BAD_STRATEGIES for st in new.politeness.strategies):
        return False
    weight = {"error": 2, "warning": 1}
    if sum(weight.get(f.severity, 0) for f in new.findings) > sum(weight.get(f.severity, 0) for f in old.findings):
        return False
    (oa, ob, osent), (na, nb, nsent) = _shape(old_doc), _shape(new_doc)
    if oa is not None and na is None:
        return False  # the ask is gone
    if ob is not None and (nb is None or (oa is not None and ob < oa and not (na is not None and nb < na))):
        return False  # the bond-building element is gone, or no longer comes before the ask
    # nor may the ask leave the first three sentences
    return not (osent is not None and osent < 3 and (nsent is None or nsent >= 3))


def _reworded(
    generator: Generator, critic: Critic, facts: _Facts, draft: str, sources: list[_Candidate], bank: Mapping[str, Any],
    seed: int | None,
) -> list[_Candidate]:
    """Paraphrased versions of ``sources`` that pass every check, scored like the rest."""
    allowed = phrase_bank_words(bank) | {w.lower() for w in _WORD.findall(draft)}
    cut = [_segments(c.text) for c in sources]
    todo = list(dict.fromkeys(piece for segs in cut for piece, reword in segs if reword))
    if not todo:
        return []
    options = dict(zip(todo, generator.paraphrase(todo, seed=seed)))
    fresh: list[_Candidate] = []
    seen = {c.text for c in sources}
    for c, segs in zip(sources, cut):
        for i in range(generator.num_candidates):
            pieces = []
            for piece, reword in segs:
                good = [o for o in options.get(piece, []) if reword and _reworded_ok(piece, o, facts, allowed)] if reword else []
                pieces.append(good[i % len(good)].strip() if good else piece)
            text = "".join(pieces)
            if text in seen or any(v not in text for v in facts.slot_values if v in c.text):
                continue
            if set(_placeholders(text)) != set(_placeholders(c.text)) or "{" in text or "}" in text:
                continue
            seen.add(text)
            note = bank["changes"]["paraphrased"]
            fresh.append(_Candidate(c.relationship, c.plan, c.variant, text, (*c.changes, note), order=c.order))
    kept: list[_Candidate] = []
    for rel in dict.fromkeys(c.relationship for c in fresh):
        group = [c for c in fresh if c.relationship == rel]
        crits = _judge_texts(critic, [c.text for c in group], rel)
        for c, cr in zip(group, crits):
            src = next(s for s in sources if s.relationship == c.relationship and s.plan == c.plan and s.variant == c.variant)
            if not _no_worse(cr, src.critique, critic.analyse(c.text).doc, critic.analyse(src.text).doc):
                continue
            c.critique = cr
            c.cheap = _cheap(c, facts)
            c.score = _judge(c, facts)
            kept.append(c)
    return kept


def _judge_texts(critic: Critic, texts: list[str], relationship: str) -> list[Critique]:
    """Critiques of candidate texts with every rule (``--disable`` never changes the ranking)."""
    return [build_critique(a, relationship) for a in critic.analyse_many(texts)]


def _relationships(crit: Critique) -> tuple[tuple[str, ...], bool]:
    rel = crit.relationship
    if rel.source == "given" and rel.label in RELATIONSHIPS:
        return (rel.label,), False
    if rel.label in RELATIONSHIPS and rel.confidence >= MIN_CONFIDENCE:
        return (rel.label,), False
    first = (rel.label,) if rel.label in RELATIONSHIPS else ()
    return first + tuple(r for r in ("weak", "strong", "second_degree") if r not in first), True


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
    shapes the message as described in the module docstring. Deterministic for
    a given input; ``seed`` varies the phrasing. ``generator`` (a loaded
    :class:`Generator`) adds the local model's paraphrases of the best
    candidates, checked and ranked like the others. Judging and ranking always
    use every finding rule, whatever the critic hides from its reports.
    """
    n, seed = _check_args(n, seed)
    if generator is not None and not isinstance(generator, Generator):
        raise InputError(f"generator must be a refernlp.rewrite.Generator or None, got {type(generator).__name__}")
    text = analysis.text
    crit = build_critique(analysis, normalise_relationship(relationship))
    facts = _facts(crit, analysis.doc)
    rels, multi = _relationships(crit)
    bank = lexicon("phrases")
    fields = _fields(facts)

    # realise every variant of every plan, keep the most promising few for the critic
    shortlist: list[_Candidate] = []
    for rel in rels:
        for plan in _PLANS[rel][:1] if multi else _PLANS[rel]:
            realised = []
            for k in range(N_REALISED):
                body = _realise(plan, _Realiser(bank, k, seed, fields), facts)
                cand = _Candidate(rel, plan, k, body, _changes(facts, rel, plan, body, bank, multi))
                cand.cheap = _cheap(cand, facts)
                realised.append(cand)
            realised.sort(key=lambda c: (-c.cheap, c.variant))
            keep = 3 if multi else (1 if plan == "two_step" else max(n, N_REALISED))
            shortlist.extend(_diverse(realised, keep))

    # rank: one critic batch per relationship (the relationship changes some findings)
    for rel in rels:
        group = [c for c in shortlist if c.relationship == rel]
        for c, cr in zip(group, _judge_texts(critic, [c.text for c in group], rel)):
            c.critique = cr
            c.score = _judge(c, facts)
    for i, c in enumerate(shortlist):
        c.order = i
    ranked = sorted(shortlist, key=lambda c: (-c.score, c.order))
    if generator is not None:
        # reword the best one-message candidates; what survives the checks competes on the same score
        # (a tie goes to the phrase-bank candidate)
        best = [c for c in ranked if c.plan != "two_step"][: max(n, 2)]
        extra = _reworded(generator, critic, facts, text, best, bank, seed)
        ranked = sorted(ranked + extra, key=lambda c: (-c.score, c.order, any(c is e for e in extra)))

    if multi:
        chosen = []
        for rel in rels[:n]:
            mine = [c for c in ranked if c.relationship == rel]
            chosen += (_diverse(mine, 1, chosen) or mine[:1])
        if len(chosen) < n:
            chosen += _diverse([c for c in ranked if c not in chosen], n - len(chosen), chosen)
    else:
        chosen = _diverse(ranked, n)
        two = next((c for c in ranked if c.plan == "two_step"), None)
        if two is not None and n >= 2 and two not in chosen:
            chosen = chosen[: n - 1] + [two] if len(chosen) >= n else chosen + [two]
    return [
        Rewrite(
            relationship=c.relationship,
            text=c.text,
            scores=Scores(c.critique.politeness.score, c.critique.transparency.score),
            changes=c.changes,
            placeholders=_placeholders(c.text),
        )
        for c in chosen
    ]


def rewrite(
    text: str, *, relationship: str | None = None, n: int = 3, seed: int | None = None, generator: Generator | None = None
) -> list[Rewrite]:
    """Suggested rewrites of ``text`` with the shipped models: ``rewrite(draft, relationship="weak")``."""
    from .critic import default_critic

    return rewrite_with(default_critic(), text, relationship=relationship, n=n, seed=seed, generator=generator)
