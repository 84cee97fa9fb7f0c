"""Composing the rewrites of a draft: purpose, channel, relationships, plans, candidates, scores.

For each relationship to plan for (the given one; the inferred one; or, when
inference is unsure, one per relationship) the draft is critiqued with it, its
plans are turned into edits (:mod:`.plans`), the candidates are critiqued in one
batch with the same critic for their scores, and the first ``n`` distinct ones
are returned in plan order (the relationship's default plan first). When inference
is unsure and the draft is ready to send, the unchanged draft goes to the first
relationship whose critique finds it ready (see :func:`compose`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..analysis import Analysis, build_critique
from ..components.patterns import url_spans
from ..errors import InputError
from ..resources import lexicon
from ..schema import normalise_channel
from ..textio import check_text
from .edits import FIX_REASONS, apply_edits, layout, valid_edits
from .facts import BAD_STRATEGIES, build_facts
from .merge import compose_edits, tidy_spacing
from .plans import ASK_PURPOSES, PLANS, Draft, Plan, additions, answered, plan_edits
from .replies import unquoted, written_by_helper
from .spot import hostile_marks, inner_commands, recast_lead_ins
from .words import placeholders

if TYPE_CHECKING:
    from ..critic import Critic
    from ..results import Critique, Edit

RELATIONSHIPS = ("strong", "weak", "second_degree")
#: when the relationship is inferred with less confidence than this, one variant per relationship
MIN_CONFIDENCE = 0.6
_BLOCKING = frozenset({"warning", "error"})
_SENT_BY = re.compile(
    r"(?i)\b(?:gave me your|passed (?:me|on) your|shared your|suggested (?:i|that i|we)|recommended (?:i|that i)|said (?:i should|you might|you could)|"
    r"told me to|pointed me|sent me your way|referred me to you|mentioned you)"
)


@dataclass
class Candidate:
    relationship: str
    plan: Plan
    edits: tuple[Edit, ...]
    text: str
    purpose: str
    channel: str
    changes: tuple[str, ...] = ()
    ready: bool = False
    suggestions: tuple[Edit, ...] = ()
    messages: tuple[str, ...] = ()
    critique: Any = field(default=None, repr=False)
    analysis: Any = field(default=None, repr=False)

    @property
    def placeholders(self) -> tuple[str, ...]:
        return placeholders(self.text)


def relationships(crit: Critique) -> tuple[tuple[str, ...], bool]:
    """The relationships to plan for, and whether there are several (the relationship is uncertain)."""
    rel = crit.relationship
    if rel.label in RELATIONSHIPS and (rel.source == "given" or rel.confidence >= MIN_CONFIDENCE):
        return (rel.label,), False
    first = (rel.label,) if rel.label in RELATIONSHIPS else ()
    return first + tuple(r for r in ("weak", "strong", "second_degree") if r not in first), True


def purpose_of(analysis: Analysis, crit: Critique) -> str:
    """The critique's purpose when the purpose classifier is loaded; else from the request type."""
    if getattr(crit, "purpose", None) is not None:
        label = crit.purpose.label
        # the catch-all "other" beside a request the request-type model reads ("I'd like to be referred for it"):
        # the note asks for a referral all the same
        if label == "other" and crit.request_type.label != "none":
            return "intro_request" if crit.asks_introduction else "referral_ask"
        return label
    probs = analysis.probs.get("purpose")
    if probs:
        return max(probs, key=probs.get)
    if crit.request_type.label == "none":
        return "other"
    return "intro_request" if crit.asks_introduction else "referral_ask"


def resolve_channel_label(analysis: Analysis | None, given: str | None, crit: Critique | None = None) -> str:
    """The given channel (CLI or corpus spelling), the critique's, or one inferred from the layout."""
    label = normalise_channel(given)
    if label is not None:
        return label
    if analysis is None:
        return "linkedin"
    ch = getattr(crit, "channel", None) if crit is not None else None
    if ch is not None:
        return ch.label
    from ..channels import infer_channel

    return infer_channel(analysis.prepared)


def _draft(analysis: Analysis, crit: Critique, purpose: str, channel: str, mutual: str | None, seed: int | None, bank: Any) -> Draft:
    doc, text = analysis.doc, analysis.text
    facts = build_facts(analysis, crit)
    spans = analysis.slot_spans
    marks = tuple(m for m in doc._.strategies if m.name in FIX_REASONS)
    lay = layout(doc)
    # what the strategy lexicon leaves: commands inside a sentence, hostile phrasings ("least u can do", "so? anything??")
    marks = recast_lead_ins(text, lay.sentences, marks)
    marks += tuple(inner_commands(text, lay.sentences, marks))
    marks += tuple(hostile_marks(text, lay.sentences, marks, crit.politeness.label == "impolite"))
    # a company or role read inside the lexicon's demand words ("I NEED THIS REFERRAL") is a misreading, not a fact to
    # keep (a whole sentence marked by hostile.json, "is your firm hiring junior associates or not?", keeps its facts)
    demands = [(m.start, m.end) for m in doc._.strategies or () if m.name == "demand"]
    # (nor is a one-letter "name" read inside a shouted word)
    protect = [spans[k] for k in ("company", "role", "recipient_name", "sender_name", "mutual_contact") if spans.get(k)
               and spans[k][1] - spans[k][0] > 1
               and not (k in ("company", "role") and any(a <= spans[k][0] and spans[k][1] <= b for a, b in demands))]
    protect += list(spans["job_ids"]) + list(spans["urls"])
    kinds = {spans[k]: k for k in ("company", "role") if spans.get(k) and spans[k] in protect}
    kinds.update({sp: "job_id" for sp in spans["job_ids"]})
    kinds.update({sp: "url" for sp in spans["urls"]})
    named_mutual = mutual.strip() if mutual else facts.mutual
    values = {
        "company": facts.company,
        "role": facts.role,
        "company_at": spans.get("company"),
        "role_at": spans.get("role"),
        "job_ids": facts.job_ids,
        "urls": facts.urls,
        "sender": facts.sender,
        "target": facts.target if not facts.intro else None,
        "mutual": named_mutual if not facts.intro else None,
        "intro": facts.intro or crit.asks_introduction,
        "sent_by_mutual": bool(facts.mutual and not mutual and _SENT_BY.search(text)),
    }
    # the note is short when its channel is, or when the draft itself is a short message
    short_draft = channel != "email" and len(text.strip()) < 280
    return Draft(
        text=text, doc=doc, lay=lay, rtype=crit.request_type.label, purpose=purpose,
        channel=("chat" if short_draft and channel == "linkedin" else channel), findings=crit.findings, marks=marks,
        cues=tuple(doc._.cues or ()), protect=tuple(protect), values=values, bank=bank, seed=seed,
        finding_ids=frozenset(f.id for f in crit.findings), missing=tuple(crit.transparency.missing), kinds=kinds,
    )


#: a referral ask with no warning that does not read as polite gets the light touches: the plan of each relationship
_TOUCH = {"strong": Plan.DIRECT, "weak": Plan.SOFT, "second_degree": Plan.COLD}


def ready_to_send(crit: Critique, purpose: str) -> bool:
    """No warning or error finding, and (for a referral ask) read as polite: the draft is sent as it is."""
    if any(f.severity in _BLOCKING for f in crit.findings):
        return False
    # an introduction request reads as no referral ask, but it asks a favour all the same: it gets the touches too
    no_ask = crit.request_type.label == "none" and not crit.asks_introduction
    return purpose not in ASK_PURPOSES or no_ask or crit.politeness.label == "polite"


#: the draft offers a referral or thanks for one ("I'd be happy to refer you", "want me to put in a word?", "thanks
#: for referring me"), or says it asks for nothing ("not asking for a job, just catching up"): no ask of its own
_NOT_AN_ASK = re.compile(
    r"(?i)\b(?:happy|glad|able|willing|love|more than happy) to refer (?:you|u)\b|"
    r"\b(?:thanks?|thank you|many thanks|grateful|cảm ơn(?: anh| chị| em)?)\s+(?:so much\s+|again\s+|a lot\s+)?(?:for\s+(?:the\s+)?|đã\s+)(?:referr|refer)|"
    r"\b(?:want|like)\s+me\s+to\s+(?:refer|recommend|put\s+(?:you|u|your\s+name)|pass\s+(?:on\s+)?your|mention\s+(?:you|u)|"
    r"put\s+in\s+a\s+(?:good\s+)?word|talk\s+to\s+(?:her|him|them)\s+about\s+(?:you|u))\b|"
    r"\b(?:shall|should|can|could)\s+i\s+(?:refer\s+(?:you|u)|recommend\s+(?:you|u)|put\s+(?:you|u|your\s+name)\s+forward|pass\s+(?:on\s+)?your)\b|"
    r"\bi(?:['’]ll|\s+will|\s+can|\s+could)\s+(?:happily\s+|gladly\s+)?(?:refer|recommend)\s+(?:you|u)\b|"
    r"\b(?:tu\s+veux\s+que\s+je|quieres\s+que\s+(?:te|le)|willst\s+du,?\s+dass\s+ich)\b|"
    # "I can submit a referral for you", "I'll put your name in", "if you want it, I'll ...", "saw this and thought of
    # u", "you should def look at him": the sender offers help or recommends someone else
    r"\bi(?:['’]ll|\s+will|\s+can|\s+could|['’]d\s+be\s+happy\s+to|\s+am\s+happy\s+to)\s+(?:happily\s+)?(?:submit|put\s+in|send|make)\s+(?:a\s+|the\s+)?referral\s+for\s+(?:you|u)\b|"
    r"\bi(?:['’]ll|\s+will|\s+can|\s+could)\s+put\s+(?:your|ur)\s+name\s+(?:in|forward|down)\b|"
    r"\bif\s+(?:you|u)\s+(?:want|wanna|['’]re\s+interested|are\s+interested|fancy)\b[^.!?]{0,40}?\bi(?:['’]ll|\s+will|\s+can|\s+could)\s+"
    r"(?:refer|recommend|put\s+(?:you|u|your|ur)|pass\s+(?:on\s+)?(?:your|ur)|submit|forward\s+(?:your|ur))\b|"
    r"\b(?:saw|seen|found|spotted)\s+this\s+and\s+thought\s+of\s+(?:you|u)\b|"
    r"\b(?:you|u)\s+should\s+(?:def(?:initely)?\s+|really\s+|totally\s+)?(?:look\s+at|hire|talk\s+to|meet|interview)\s+(?:him|her|them)\b|"
    r"\b(?:i['’]?m|im|i\s+am)\s+not\s+(?:asking|after|looking\s+for)\s+(?:you\s+)?(?:for\s+)?(?:a\s+|any\s+)?(?:job|referral|work|favou?r|anything)\b|"
    r"\bnot\s+a\s+(?:job|referral)\s+(?:ask|request)\b|\bno\s+(?:ask|agenda)\s+(?:here|this\s+time)\b|"
    # turning a job down, or settling a call's time: "i'm gonna turn down the shift manager job", "does next tues work for that call?"
    r"\b(?:turn(?:ing)?\s+down|declin(?:e|ing)|withdraw(?:ing)?\s+from)\s+(?:the|your|this|that)\s+(?:[\w-]+\s+){0,3}(?:job|offer|role|position)\b|"
    r"\b(?:does|would|will)\s+(?:next\s+)?[\w.]+\s+work\s+for\s+(?:that|the|our)\s+(?:call|chat|coffee|meeting)\b|"
    # a contact's reply or a sender helping someone else: "Best of luck with your search!", "I submitted the referral
    # this morning", "passing along a job posting I saw for your brother-in-law", "If you know anyone great, send them
    # my way and I'll refer them", "my cousin is looking for a sous chef gig", "Leo, meet Derek"
    r"\b(?:best\s+of\s+luck|good\s+luck)\s+(?:with\s+)?(?:your|the)\s+(?:job\s+)?(?:search|hunt)\b|"
    r"\bi\s+(?:just\s+|already\s+|have\s+|['’]ve\s+)?(?:submitted|sent|made|put\s+in|filed)\s+(?:the|a|your)\s+referral\b(?!\s+(?:request|form\s+for\s+me))|"
    r"\b(?:pass(?:ing)?\s+(?:along|on)|shar(?:e|ing)|forward(?:ing)?|send(?:ing)?)\s+(?:a|this|the)\s+(?:job\s+)?(?:posting|listing|opening|ad|advert)\s+"
    r"(?:i\s+saw\s+|i\s+found\s+)?for\s+(?:you|your|him|her)\b|\bthought\s+(?:he|she|they)\s+(?:might|would|could)\s+be\s+interested\b|"
    r"\bi(?:['’]ll|\s+will|\s+can|\s+could)\s+(?:happily\s+|gladly\s+)?refer\s+(?:them|him|her)\b|"
    r"\bmy\s+(?:cousin|brother|sister|friend|son|daughter|nephew|niece|wife|husband|partner|mum|mom|dad|kid|roommate|flatmate|neighbou?r)\s+"
    r"(?:is|was|has\s+been|['’]s)\s+(?:looking|searching|hunting)\b|(?-i:\b[A-Z][\w'’-]+,\s+meet\s+[A-Z][\w'’-]+\b)|"
    r"唔係問你搵工|不是(?:要|找)你?(?:幫我)?找工作|不是找工作"
)
#: words of a job search: a draft without any of them, an ask cue or a target asks for nothing the rewriter could add
_JOB_WORDS = re.compile(r"(?i)\b(?:hir(?:e|es|ed|ing|in)|jobs?|work|role|roles|positions?|openings?|vacanc(?:y|ies)|refer\w*|recommend\w*|intern\w*|apply\w*|applied|cv|resume|résumé|"
    r"opportunit\w*|leads?|gigs?|careers?|contacts|names|level|industry|sector|refs?|references?|placements?|apprenticeships?|schemes?|"
    r"iş|trabajo|empleo|chamba|emploi|travail|boulot|trouve|recommand\w*|recomiend\w*|vaga|emprego|arbeit|stelle|lavoro|naukri|kazi|"
    r"trabalho|werk|baan|besorg|raus\s+aus)\b"
    r"|추천|일자리|工作|搵工|仕事|नौकरी"
    r"|(?i:\b(?:help\s+me\s+find|find\s+me|sort\s+me\s+out|plug\s+me\s+in|hook\s+\w+(?:\s+\w+)?\s+up|anything\s+going|opens?\s+up|get\s+me\s+out)\b)"
    # hints: "if u hear anything let me know", "you know where I am", "if only I knew someone in HR"
    r"|(?i:\b(?:(?:hear|see|spot|come\s+across)\s+(?:of\s+|about\s+)?(?:anything|something)|looking\s+for\s+something|look(?:ing)?\s+around|"
    r"what['’]?s\s+out\s+there|(?:on|crossed?)\s+(?:your|ur)\s+radar|know\s+where\s+(?:i\s+am|to\s+find\s+me)|putting\s+it\s+out\s+there|"
    r"(?:know|knew)\s+(?:someone|somebody|anyone|anybody|loads\s+of\s+people|so\s+many\s+people|lots\s+of\s+people|many\s+people)|"
    r"ask(?:ing)?\s+around|unemploy\w*|notice\s+period|laid\s+off|made\s+redundant|send\s+it\s+my\s+way|think\s+of\s+me|remember\s+me)\b)")


#: the sender announces a job they have taken ("I've just joined Zscaler as ...", "I'm starting at Arup")
_ANNOUNCES = re.compile(
    r"(?i)\b(?:i['’]ve|ive|i\s+have|i)\s+(?:just\s+|recently\s+|finally\s+|officially\s+)?(?:joined|started\s+(?:at|with|a\s+new|my\s+new)|"
    r"accepted\s+(?:an?\s+|the\s+)?(?:offer|role|position|job)|signed\s+(?:an?\s+|the\s+)?offer)\b|"
    r"\bi['’]?m\s+(?:joining|starting\s+(?:at|with))\b"
)


def asks_something(d: Draft) -> bool:
    """Whether the draft itself carries a referral ask the rewriter may make plain: ask cues, a target or job
    words, and no offer of a referral or thanks for a past one, nor (with no ask cue) news of a job taken. The
    classifier alone is not enough to add an ask."""
    if _NOT_AN_ASK.search(unquoted(d.text)) or written_by_helper(d.text):
        return False
    if _ANNOUNCES.search(d.text) and not any(m.name in {"referral", "keep_in_mind", "introduction"} for m in d.cues):
        return False
    if any(m.name in {"referral", "keep_in_mind", "introduction", "advice", "resume", "goal_statement"} for m in d.cues):
        return True
    v = d.values
    return bool(v["company"] or v["role"] or v["job_ids"] or v["urls"] or _JOB_WORDS.search(d.text))


def _plans(d: Draft, crit: Critique, rel: str) -> tuple[Plan, ...]:
    if not any(f.severity in _BLOCKING for f in crit.findings):
        return (Plan.KEEP,) if ready_to_send(crit, d.purpose) or not asks_something(d) else (_TOUCH[rel],)
    if d.purpose not in ASK_PURPOSES or d.rtype == "none" or not asks_something(d):
        return (Plan.POLISH,)
    plans = PLANS[rel]
    if rel == "second_degree" and (d.values["intro"] or not d.values["mutual"]):
        plans = (Plan.COLD,)
    elif rel == "second_degree" and d.values["sent_by_mutual"]:
        plans = (Plan.COLD, Plan.INTRO)  # "Jonah suggested I reach out": the introduction has happened
    return plans


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return "“" + (text if len(text) <= 40 else text[:37].rstrip() + "…") + "”"


def describe(edits: tuple[Edit, ...], plan: Plan, purpose: str, bank: Any) -> tuple[str, ...]:
    """What the rewrite changed, one line per reason, in the phrase bank's words."""
    notes = bank["edit_changes"]
    if plan is Plan.KEEP:
        return (notes["ready"],)
    out = []
    seen: set[str] = set()
    for e in sorted(edits, key=lambda e: e.start):
        if e.reason in seen or e.reason not in notes:
            continue
        seen.add(e.reason)
        out.append(notes[e.reason].format(quote=_quote(e.before)) if "{quote}" in notes[e.reason] else notes[e.reason])
    if plan is Plan.POLISH:
        out.append(notes["kept_purpose"].format(purpose=purpose.replace("_", " ")))
    return tuple(out)


def _messages(text: str, plan: Plan) -> tuple[str, ...]:
    if plan is not Plan.TWO_STEP:
        return (text,)
    parts = [p.strip() for p in text.split("\n\n---\n\n")]
    return tuple(p.split("\n\n", 1)[1] if "\n\n" in p else p for p in parts)


def compose(
    critic: Critic, analysis: Analysis, crit: Critique, *, n: int, seed: int | None, mutual: str | None,
    channel: str | None, generator: Any = None,
) -> list[Candidate]:
    """The rewrites of an analysed draft, best first; ``crit`` is its critique with the given relationship."""
    bank = lexicon("phrases")
    rels, multi = relationships(crit)
    purpose = purpose_of(analysis, crit)
    chan = resolve_channel_label(analysis, channel, crit)
    cands: list[Candidate] = []
    # no warning or error with the given (or inferred) relationship (and polite): the draft is ready to send as it is
    ready = ready_to_send(crit, purpose)
    crits = {rel: crit if crit.relationship.label == rel else build_critique(analysis, rel) for rel in rels}
    if ready and multi:
        # the relationship is unsure: the unchanged draft is offered for the first relationship it suits (a direct
        # ask suits a close contact, not a weak tie), and the other relationships' versions follow
        fits = [rel for rel in rels if ready_to_send(crits[rel], purpose)]
        if fits:
            rels = (fits[0], *(rel for rel in rels if rel != fits[0]))
    for rel in rels:
        rc = crits[rel]
        d = _draft(analysis, rc, purpose, chan, mutual, seed, bank)
        plans = (Plan.KEEP,) if ready and rel == rels[0] else _plans(d, rc, rel)
        for plan in plans:
            edits = tidy_spacing(d.text, plan_edits(d, rel, plan))
            text = apply_edits(d.text, edits)
            suggestions = valid_edits(additions(d, [], rel, Plan.DIRECT)) if plan is Plan.KEEP else ()
            cands.append(Candidate(rel, plan, edits, text, purpose, chan, describe(edits, plan, purpose, bank),
                                   plan is Plan.KEEP, suggestions, _messages(text, plan)))
    # a candidate the critic would refuse ("!!!!" toned down to "!", too short to critique) stays the draft
    for c in cands:
        try:
            check_text(c.text, max_chars=max(critic.max_chars, len(c.text)))
        except InputError:
            c.edits, c.text, c.messages, c.changes = (), analysis.text, (analysis.text,), ()
    if generator is not None:
        from .generator import reworded

        cands = reworded(generator, critic, analysis, cands)
    # one critic batch per relationship (the relationship changes some findings)
    for rel in dict.fromkeys(c.relationship for c in cands):
        group = [c for c in cands if c.relationship == rel]
        texts = [c.text for c in group]
        # a candidate (an introduction request wrapping the note) may be longer than the draft's limit
        for c, a in zip(group, critic.analyse_many(texts, max_chars=max([critic.max_chars, *map(len, texts)]))):
            c.critique = build_critique(a, rel)
            c.analysis = a
    if cands:
        cands[0] = _repaired(critic, analysis, cands[0], mutual, seed, bank)
    chosen: list[Candidate] = []
    if multi:  # one per relationship first
        for rel in rels:
            c = next((c for c in cands if c.relationship == rel and all(c.text != x.text for x in chosen)), None)
            if c is not None and len(chosen) < n:
                chosen.append(c)
    for c in cands:
        if len(chosen) >= n:
            break
        if c not in chosen and all(c.text != x.text for x in chosen):
            chosen.append(c)
    return chosen


#: plans a second pass may edit again (the others wrap the note in a structure of their own)
_REPAIRABLE = frozenset({Plan.DIRECT, Plan.SOFT, Plan.COLD, Plan.POLISH})
_POLITE_RANK = {"impolite": 0, "neutral": 1, "polite": 2}


def _left(crit: Critique) -> int:
    """Warnings and errors a rewrite still has, those its unfilled placeholders answer aside (they warn until filled in)."""
    done = answered(crit.text)
    return sum(f.severity in _BLOCKING and f.id not in done for f in crit.findings)


def written(analysis: Analysis, slot: str) -> str | None:
    """The draft's value for ``slot`` when it is written in the text, not only read from inside a link."""
    span = analysis.slot_spans.get(slot)
    if not span:
        return None
    if any(s <= span[0] and span[1] <= e for s, e in url_spans(analysis.text)):
        return None
    return analysis.text[span[0] : span[1]]


def _repaired(critic: Critic, analysis: Analysis, c: Candidate, mutual: str | None, seed: int | None, bank: Any) -> Candidate:
    """The top candidate after a second pass over its own text, when its critique still warns and the pass helps.

    The candidate's text is analysed as a draft of its own and planned again with
    the same relationship and plan; the second pass's edits are composed with the
    first's (:func:`~refernlp.rewrite.merge.compose_edits`), so the result is still
    a list of edits against the sender's draft. Kept only when it leaves fewer
    warnings and reads at least as polite.
    """
    if c.plan not in _REPAIRABLE or c.analysis is None or not _left(c.critique):
        return c
    d2 = _draft(c.analysis, c.critique, c.purpose, c.channel, mutual, seed, bank)
    # a company or role the draft names that the slot reader misses in the rewrite gets no placeholder; a company
    # read only from a link's host or path ("careers.kidshealthnz.org") is not named, and the sender is asked for it
    named = {"transparency.no_company": written(analysis, "company"), "transparency.no_role_or_job": written(analysis, "role")}
    second = valid_edits(e for e in plan_edits(d2, c.relationship, c.plan) if not (named.get(e.reason) and named[e.reason] in c.text))
    if not second:
        return c
    edits = tidy_spacing(analysis.text, compose_edits(analysis.text, c.edits, second))
    text = apply_edits(analysis.text, edits)
    try:
        check_text(text, max_chars=max(critic.max_chars, len(text)))
    except InputError:
        return c
    a = critic.analyse_many([text], max_chars=max(critic.max_chars, len(text)))[0]
    crit = build_critique(a, c.relationship)
    if _left(crit) >= _left(c.critique) or _POLITE_RANK.get(crit.politeness.label, 1) < _POLITE_RANK.get(c.critique.politeness.label, 1):
        return c
    return Candidate(c.relationship, c.plan, edits, text, c.purpose, c.channel, describe(edits, c.plan, c.purpose, bank),
                     False, c.suggestions, _messages(text, c.plan), crit, a)


def bad_strategies() -> frozenset[str]:
    return BAD_STRATEGIES
