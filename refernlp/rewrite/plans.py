"""Plans: which edits a rewrite makes to the draft, for each relationship and purpose.

Every plan starts from the same in-place fixes (:mod:`.edits`): flagged
sentences rewritten, nothing else touched. Then, for a referral ask:

* ``strong`` (:attr:`Plan.DIRECT`): the draft's own ask, made plain if it was
  only implied; what is missing is inserted where a person would put it (the
  resume offer after the ask, an easy out and thanks at the end of the body,
  ``[placeholders]`` for a missing company, role or kind of role).
* ``weak`` (:attr:`Plan.SOFT`): the same, plus a reconnecting line before the
  ask when the draft has none (a ``[placeholder]`` to fill, never invented
  history). :attr:`Plan.TWO_STEP` splits the draft into the bond-building part
  to send now and the ask to send once they have replied.
* ``second_degree``: with a mutual contact (named in the draft or given as
  ``mutual``) and a draft to the stranger, :attr:`Plan.INTRO` writes to the
  mutual contact asking whether they know the person well and would introduce
  the sender, with the sender's own note (its referral ask turned into a request
  for a short chat) as the blurb to forward. Without one, :attr:`Plan.COLD`
  keeps the note to the stranger and asks for a conversation, not a referral.
  A draft that asks its recipient for an introduction keeps its recipient.

A draft whose purpose is not a referral ask is only polished in place
(:attr:`Plan.POLISH`); one with no warning or error finding comes back as it is
(:attr:`Plan.KEEP`, "ready to send").
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping

from ..results import Edit
from .edits import FIX_REASONS, Layout, apply_edits, delete_sentence, edit, sentence_edits, valid_edits
from .goals import PLAIN_GOAL
from .promise import ASK_OPENING
from .realise import first_name, indefinite_article  # noqa: F401  (indefinite_article re-exported)

_THANKS = re.compile(r"\s*(?:thanks|thank you|many thanks|cheers|thx|ty|appreciate)", re.IGNORECASE)
REFER = re.compile(r"(?i)\brefer(?:\b|ral|ring|red|s\b)")
#: sentence starts that are capitalised when a sentence is inserted before them (never a name or a brand)
COMMON_START = frozenset(
    "could would can will i i'm i've i'd is are do does did any if my we so and but just please hope it it's "
    "this that there the a an have has would've no yes "
    # the first words of a draft's sentence after the greeting's comma ("Hi Yasmin, great meeting you ..."), which an
    # inserted sentence in front of it leaves to start a sentence of its own
    "great things thanks thank long sorry saw how what when you your our as since after now also btw quick good nice "
    "congrats congratulations lovely hoping wanted well really remember loved hello".split()
)
ASK_CUES = frozenset({"referral", "keep_in_mind", "introduction"})
#: the finding each kind of inserted ``[placeholder]`` is there to answer: it warns until the sender fills it in
PLACEHOLDER_ANSWERS = {
    "[A line to reconnect": "relationship.ask_before_bond", "[how you know each other]": "relationship.ask_before_bond",
    "[kind of role or field": "transparency.vague_general", "[company]": "transparency.no_company",
    "[role title]": "transparency.no_role_or_job", "[your level": "transparency.low",
}


def answered(text: str) -> frozenset[str]:
    """The findings the ``[placeholders]`` of ``text`` answer (``input.placeholder`` included when it has any)."""
    out = {fid for ph, fid in PLACEHOLDER_ANSWERS.items() if ph in text}
    return frozenset(out | ({"input.placeholder"} if re.search(r"\[[^\[\]\n]{1,80}\]", text) else set()))
#: purposes that carry a referral ask (schema.PURPOSES); every other purpose is only polished
ASK_PURPOSES = frozenset({"referral_ask", "intro_request"})
SHORT_CHANNELS = frozenset({"sms", "chat", "linkedin_note"})
NOT_A_COMPANY = frozenset("group team company firm office department unit lab org organisation organization".split())
_ROLE_NOUNS = {"role", "position", "opening", "job", "vacancy", "post", "spot", "opportunity", "internship", "placement"}


class Plan(Enum):
    """How a rewrite is structured."""

    KEEP = "keep"  #: ready to send: the draft unchanged
    POLISH = "polish"  #: not a referral ask: flagged phrases fixed in place, nothing added
    DIRECT = "direct"  #: strong tie: the ask plain and easy to grant
    SOFT = "soft"  #: weak tie: a reconnecting line before the ask
    TWO_STEP = "two_step"  #: weak tie: the bond-building part now, the ask later
    INTRO = "intro"  #: second degree: ask the mutual contact for an introduction, the note as the blurb
    COLD = "cold"  #: second degree, no mutual contact: the note asks for a conversation


#: the plans of each relationship, the default first
PLANS: Mapping[str, tuple[Plan, ...]] = {
    "strong": (Plan.DIRECT,),
    "weak": (Plan.SOFT, Plan.TWO_STEP),
    "second_degree": (Plan.INTRO, Plan.COLD),
}


@dataclass
class Draft:
    """A draft as the plans need it: text, layout, marks, facts and the protected fact spans."""

    text: str
    doc: Any
    lay: Layout
    rtype: str
    purpose: str
    channel: str
    findings: tuple[Any, ...]
    marks: tuple[Any, ...]  #: impolite strategy matches
    cues: tuple[Any, ...]
    protect: tuple[tuple[int, int], ...]
    values: Mapping[str, Any]  #: company, role, job_ids, urls, sender, target, mutual, intro
    bank: Mapping[str, Any]
    variant: int = 0
    seed: int | None = None
    finding_ids: frozenset[str] = field(default=frozenset())
    missing: tuple[str, ...] = ()  #: the transparency elements the critique found missing
    kinds: Mapping[tuple[int, int], str] = field(default_factory=dict)  #: protected spans by kind (company, role, job_id, url)

    def pick(self, key: str, **fill: str) -> str:
        node = self.bank["edit"][key]
        offset = 0 if self.seed is None else random.Random(f"{self.seed}:{key}").randrange(len(node))
        return node[(offset + self.variant) % len(node)].format(**fill)

    @property
    def short(self) -> bool:
        return self.channel in SHORT_CHANNELS

    def asks(self, names: frozenset[str] = ASK_CUES) -> list[tuple[int, int]]:
        """Body sentences holding an ask cue, in order."""
        out = []
        for m in self.cues:
            if m.name in names:
                sent = self.lay.sentence_at(m.start)
                if sent and sent not in out:
                    out.append(sent)
        return out


def role_np(role: str | None) -> str:
    if not role:
        return "the role"
    last = role.split()[-1].lower().strip(".,")
    return f"the {role}" if last in _ROLE_NOUNS else f"the {role} role"


@dataclass(frozen=True)
class Insert:
    """A sentence to add: after the sentence ending at ``at``, or (``before``) before the one starting there."""

    at: int
    piece: str
    reason: str
    before: bool = False


def _before_sentence(d: Draft, at: int, piece: str, reason: str) -> Insert:
    return Insert(at, piece, reason, True)


def _after(d: Draft, at: int, piece: str, reason: str) -> Insert:
    return Insert(at, piece, reason)


def bare_greeting(d: Draft, at: int) -> bool:
    """Whether ``at`` follows a greeting with no punctuation ("hey can u..."), on the same line."""
    g = d.lay.greeting
    return bool(g) and at == d.lay.body_start and g[-1:].isalpha()


def place(d: Draft, edits: list[Edit], inserts: list[Insert]) -> list[Edit]:
    """The inserts as edits, glued to the edited text around them.

    An insert at an offset an edit replaces moves to the edit's end; after an
    open sentence (no closing mark) a full stop is added first.
    """
    out: list[Edit] = []
    last_at, last_text = -1, ""
    for ins in inserts:
        if any(ph in d.text for ph in re.findall(r"\[[^\[\]]+\]", ins.piece)):
            continue  # the draft holds this placeholder already (a rewrite of a rewrite)
        at = ins.at
        for x in edits:
            if x.start < at < x.end or (not ins.before and x.start < at == x.end) or (ins.before and x.start == at < x.end and x.before):
                at = x.end if not ins.before else x.start
        if ins.before:
            nxt = d.text[at : at + 1]
            piece = ins.piece
            if bare_greeting(d, at) and nxt.isalpha():
                g0 = len(d.text[:at].rstrip())
                out.append(edit(d.text, g0, g0, ", " + piece[0].lower() + piece[1:], ins.reason))
                continue
            if d.lay.greeting and at == d.lay.body_start and d.lay.greeting[-1:] == "," and "\n" not in d.text[d.lay.body_start - 2 : at]:
                piece = piece if piece.startswith(("I ", "I'", "I’")) else piece[0].lower() + piece[1:]  # "Hi Tom, hope you've been well! ..."
            guarded = any(a <= at < b for a, b in d.protect)
            if not any(x.start <= at < x.end for x in (*edits, *out)) and nxt.isalpha() and nxt.islower() and not guarded and re.match(r"[a-z]+\b", d.text[at : at + 12]) and d.text[at : at + 12].split()[0].lower() in COMMON_START:
                out.append(edit(d.text, at, at + 1, piece + " " + nxt.upper(), ins.reason))
            else:
                out.append(edit(d.text, at, at, piece + " ", ins.reason))
            continue
        line = d.text[d.text.rfind("\n", 0, at) + 1 : at]
        close = d.text.find(")", at)
        if line.count("(") > line.count(")") and close >= 0 and "\n" not in d.text[at:close]:
            # "(réf. 2024-1187)": a sentence split inside brackets; the insert goes after them
            at = close + 1
            while at < len(d.text) and d.text[at] in ".!?…":
                at += 1
        prev = last_text if at == last_at else apply_edits(d.text[:at], valid_edits(x for x in edits if x.end <= at)).rstrip()
        glue = ". " if prev and (prev[-1].isalnum() or prev[-1] in ")”\"'’]") and not prev.endswith("]") else " "
        if prev and prev[-1] == "]":
            glue = " "
        out.append(edit(d.text, at, at, glue + ins.piece, ins.reason))
        last_at, last_text = at, ins.piece
    return out


def _new_text(edits: list[Edit], s: int, e: int, text: str) -> str:
    """The text of ``text[s:e]`` after the edits inside it."""
    inside = [x for x in edits if s <= x.start and x.end <= e and not (x.start == x.end == e)]
    return apply_edits(text[s:e], valid_edits(Edit(x.start - s, x.end - s, x.before, x.after, x.reason) for x in inside))


def courtesy_tail(d: Draft) -> int:
    """The end of the last body sentence before the closing courtesy lines (thanks, an easy out) that end the body.

    The end of the body when it has none, or when the courtesy lines are all there is.
    """
    body = d.lay.sentences
    kinds = [(m.start, m.end) for m in d.doc._.strategies or () if m.name in ("gratitude", "easy_out")]
    k = len(body)
    while k > 0:
        s, e = body[k - 1]
        if len(d.text[s:e].split()) > 12 or not (_THANKS.match(d.text, s) or any(s <= a and b <= e for a, b in kinds)):
            break
        k -= 1
    return body[k - 1][1] if 0 < k < len(body) else d.lay.last_end


def fixes(d: Draft) -> list[Edit]:
    """The in-place fixes of every flagged sentence."""
    return sentence_edits(d.text, d.lay, d.marks, d.protect, d.kinds)


#: a sentence that states the role in so many words ("The role is ...", "Position: ...")
_STATES_ROLE = re.compile(r"(?im)(?:^|[.!?]\s+)(?:the\s+(?:role|position|job|opening|vacancy|post)\s+(?:is|was|I['’]m\s+after)\b|(?:role|position|job\s+title)\s*:)")


_HEDGED = ("Could you ", "Would you ")
def plainly_named(company: str, text: str) -> bool:
    """Whether the slot reader's company reads as a name in the draft: capitalised or with a digit, or right after
    "at", "join", "with" or "@" ("saw you're at flutterwave"). Lower-case words read elsewhere may be a misreading
    ("mujhe is hafte tak koi PM role chahiye"): no line asserting the sender wants to join them."""
    if any(c.isupper() or c.isdigit() for c in company):
        return True
    return re.search(r"(?i)(?:\b(?:at|join|joining|with|for)\s+|@)" + re.escape(company) + r"(?![\w'’-])", text) is not None


#: an ask that answers the sentence before it ("If so, I'd love a referral", "If yes, could you ...")
_ANSWERS_BEFORE = re.compile(r"(?i)\W*(?:and\s+|but\s+)?if\s+(?:so|yes|not|that['’]?s\s+(?:the\s+case|right|true)|they\s+are|it\s+is|you\s+are)\b")
#: a first sentence that already wishes the reader well ("I hope this email finds you well", "Hope all is good!")
_WELL_WISH = re.compile(
    r"(?i)\W*(?:i\s+)?(?:(?:really\s+)?hope|trust)\b[^.!?\n]{0,80}?\b(?:well|good|great|fine|health|spirits|thriving|ok|okay)\b"
    r"|\W*how\s+(?:are\s+you|have\s+you\s+been|(?:is|are)\s+(?:things|life|everything))\b"
)


def additions(d: Draft, edits: list[Edit], relationship: str, plan: Plan) -> list[Edit]:
    """What the draft lacks, inserted where a person would put it."""
    if d.purpose not in ASK_PURPOSES or (d.rtype == "none" and not d.values["intro"]):
        return []
    ids = d.finding_ids
    if d.rtype == "none":  # an introduction request (no referral ask): a favour all the same, the courtesy touches only
        have = {m.name for m in d.doc._.strategies or ()}
        ids = frozenset(f for f, strat in (("courtesy.no_easy_out", "easy_out"), ("courtesy.no_thanks", "gratitude")) if strat not in have)
    out: list[Insert] = []
    asks = d.asks()
    ask = asks[0] if asks else None
    if ask is None:  # a promise made for the contact, rewritten as a request (refernlp.rewrite.promise), is the ask
        ask = next(((x.start, x.end) for x in edits if x.reason == "politeness.presumption" and ASK_OPENING in x.after), None)
    company = d.values["company"]
    if ask is None and "ask.unclear" in ids and d.rtype == "targeted" and company:
        # a request naming the company, hedged into a question in place ("Could you have a word with HR at Boohoo?")
        ask = next(((x.start, x.end) for x in edits if x.after.lstrip().startswith(_HEDGED) and x.after.rstrip().endswith("?") and company in x.after), None)
    body = d.lay.sentences
    first = body[0][0] if body else d.lay.body_start
    if relationship == "weak" and "relationship.ask_before_bond" in ids and plan in (Plan.SOFT, Plan.TWO_STEP):
        bond = d.pick("bond_short" if d.short else "bond")
        if body and _WELL_WISH.match(d.text, body[0][0], body[0][1]) and "[" in bond:
            # "I hope this letter finds you well.": no second well-wish, the reconnecting line goes after it
            out.append(_after(d, body[0][1], bond[bond.index("[") :], "relationship.ask_before_bond"))
        else:
            out.append(_before_sentence(d, first, bond, "relationship.ask_before_bond"))
    after_ask = ask[1] if ask else None
    # every ask sentence was dropped as a demand ("Please just do it."): the request is made again, plainly
    # (or replaced by a plain statement of its facts: "I'm interested in the Lead Designer role.")
    gone = [(x.start, x.end) for x in edits if x.end > x.start and (not x.after.strip() or (x.after.strip().startswith(PLAIN_GOAL) and "?" not in x.after))]
    dropped = all(any(a0 <= a and b <= b0 for a0, b0 in gone) for a, b in asks) if asks else any(
        m.name == "bare_imperative" and a0 <= m.start < b0 for m in d.marks for a0, b0 in gone
    )
    if dropped and d.rtype != "none":
        ask, ids = None, ids | {"ask.unclear"}
    if "ask.unclear" in ids and ask is None:
        # after the sentence naming the target, or at the end of the body
        spans = [x for x in (d.values.get("company_at"), d.values.get("role_at")) if x]
        where = next((d.lay.sentence_at(a) for a, _ in spans if d.lay.sentence_at(a)), None)
        # else at the end of the body, but ahead of closing thanks or an easy out already there
        at = where[1] if where else courtesy_tail(d)
        if relationship == "second_degree":  # a stranger is asked for a conversation, not a referral
            piece = d.pick("chat", about=_about(d.values, d.text) if d.rtype == "targeted" else "your work")
        else:
            piece = d.pick("ask_targeted" if d.rtype == "targeted" else "ask_general")
        out.append(_after(d, at, piece, "ask.unclear"))
        after_ask = at
    point = after_ask if after_ask is not None else courtesy_tail(d)
    if d.rtype == "targeted" and _STATES_ROLE.search(d.text):
        # "The role is L5 SDE in Seattle.": the sender named it where the slot reader did not look; no second "The role is"
        ids = ids - {"transparency.no_role_or_job"}
    if d.rtype == "targeted":
        if {"transparency.no_company", "transparency.no_role_or_job"} <= ids:
            # one line for both: "The role is [role title] at [company] (...)."
            out.append(_after(d, point, d.pick("no_company_role"), "transparency.no_role_or_job"))
        elif "transparency.no_company" in ids:
            out.append(_after(d, point, d.pick("no_company"), "transparency.no_company"))
        elif "transparency.no_role_or_job" in ids:
            out.append(_after(d, point, d.pick("no_role"), "transparency.no_role_or_job"))
    if d.rtype == "general" and "transparency.vague_general" in ids:
        at = ask[0] if ask else d.lay.last_end
        if ask:
            out.append(_before_sentence(d, at, d.pick("no_role_field"), "transparency.vague_general"))
        else:
            out.append(_after(d, at, d.pick("no_role_field"), "transparency.vague_general"))
    if "transparency.low" in ids and d.missing:
        if d.rtype == "targeted" and "goal_statement" in d.missing and d.values["company"] and plainly_named(d.values["company"], d.text):
            goal = d.pick("goal", company=d.values["company"])
            # (an ask that answers the sentence before it, "If so I'd love a referral", keeps its place after it)
            before_ask = ask and not _ANSWERS_BEFORE.match(d.text, ask[0], ask[1])
            out.append(_before_sentence(d, ask[0], goal, "transparency.low") if before_ask else _after(d, point, goal, "transparency.low"))
        elif d.rtype == "targeted" and "goal_statement" in d.missing and d.values["urls"]:
            # the draft is (mostly) a link: the company is in its path, never repeated as a name; the line points at it
            out.append(_after(d, point, d.pick("goal_link"), "transparency.low"))
        elif d.rtype == "general" and {"level", "location"} & set(d.missing):
            out.append(_after(d, point, d.pick("no_level_location"), "transparency.low"))
    if "targeted.no_resume" in ids and d.channel != "linkedin_note":
        key = "resume_short" if d.short else ("resume" if d.rtype == "targeted" else "resume_general")
        out.append(_after(d, point, d.pick(key), "targeted.no_resume"))
    end = d.lay.last_end
    last = body[-1] if body else None
    thanks_last = bool(last and _THANKS.match(d.text, last[0]) and len(body) > 1)
    easy_out = "easy_out_short" if d.short else ("easy_out" if d.rtype == "targeted" else "easy_out_none" if d.rtype == "none" else "easy_out_general")
    if "courtesy.no_easy_out" in ids and thanks_last:
        out.append(_before_sentence(d, last[0], d.pick(easy_out), "courtesy.no_easy_out"))
        ids = ids - {"courtesy.no_easy_out"}
    if "courtesy.no_easy_out" in ids:
        out.append(_after(d, end, d.pick(easy_out), "courtesy.no_easy_out"))
    if "courtesy.no_thanks" in ids:
        out.append(_after(d, end, d.pick("thanks_short" if d.short else "thanks"), "courtesy.no_thanks"))
    return place(d, edits, out)


def plan_edits(d: Draft, relationship: str, plan: Plan) -> list[Edit]:
    """The edits of ``plan`` on the draft (for INTRO and TWO_STEP, with the parts wrapped around it)."""
    if plan is Plan.KEEP:
        return []
    edits = fixes(d)
    if plan is Plan.POLISH:
        return edits
    from .cold import chat_ask, drop_referral  # (cold.py builds on this module's Draft)

    referral = [s for s in d.asks(frozenset({"referral"}))]
    if relationship == "second_degree" and not d.values["intro"] and referral:
        # the stranger is asked for a conversation, not a referral
        for i, sent in enumerate(referral):
            s, e = sent
            fixed = _new_text(edits, s, e, d.text)
            new = chat_ask(d, sent, fixed) if i == 0 else drop_referral(d, sent, fixed)
            if new is None:
                continue
            if i > 0 and new == d.text[s:e].strip():
                # the referral talk could not be cut out of the sentence: drop it whole unless it holds a fact
                if any(x < e and y > s for x, y in d.protect):
                    continue
                new = ""
            edits = [x for x in edits if not (x.start < e and x.end > s)]
            if new or i == 0:
                edits.append(edit(d.text, s, e, new, "relationship.second_degree_direct_ask"))
            else:
                edits.append(delete_sentence(d.text, d.lay, s, e, "relationship.second_degree_direct_ask"))
    adds = additions(d, edits, relationship, plan)
    if relationship == "second_degree":
        adds = [a for a in adds if a.reason != "targeted.no_resume"]
    edits = edits + adds
    if "ask.buried" in d.finding_ids and plan is not Plan.TWO_STEP:
        from .unbury import unbury  # (unbury.py builds on this module's Draft)

        edits = unbury(d, edits)
    if plan is Plan.INTRO and d.values["mutual"] and not d.values["intro"]:
        edits = _wrap_intro(d, edits)
    elif plan is Plan.TWO_STEP:
        edits = _two_step(d, edits)
    return _sentence_case(edits)


def _sentence_case(edits: list[Edit]) -> list[Edit]:
    """A fixed sentence that went on after the greeting's comma ("Hi Tom, could you ...") starts a sentence
    again when a line is inserted in front of it ("Hi Tom, hope you've been well! Could you ...")."""
    ins = {e.start: e.after for e in edits if e.start == e.end}
    out = []
    for e in edits:
        before = ins.get(e.start) if e.end > e.start else None
        starts = e.after.startswith(("could you ", "would you ")) or (e.before[:1].isupper() and e.after[:1].islower())
        if before and starts and re.search(r"[.!?\]]\s+$", before):
            e = Edit(e.start, e.end, e.before, e.after[0].upper() + e.after[1:], e.reason)
        out.append(e)
    return out


def _about(v: Mapping[str, Any], text: str) -> str:
    """What a request for a chat is about: the role at the company, the team at the company, or the team."""
    if v["role"] and v["company"]:
        return f"{role_np(v['role'])} at {v['company']}"
    if v["company"]:
        return f"the team at {v['company']}"
    return "the team"


#: an opening that points back at what came before the ask
BACK_REFERENCE = re.compile(
    r"(?i)^(?:(?:but|and|so|anyway|now(?!\s+that)|therefore|hence|that said|having said that)\b[\s,]*)+"
    r"|^(?:with|given|after|in light of|bearing)\s+(?:all\s+)?(?:of\s+)?(?:that|this|the above|everything above)(?:\s+in\s+mind)?\s*[,.]\s*"
)


def _wrap_intro(d: Draft, edits: list[Edit]) -> list[Edit]:
    """A message to the mutual contact around the edited note, which becomes the blurb to forward."""
    v = d.values
    target = v["target"] or "[their name]"
    about = ""
    if v["role"] and v["company"]:
        about = f" about {role_np(v['role'])} at {v['company']}"
    elif v["company"]:
        about = f" about the team at {v['company']}"
    head = [
        d.pick("intro_open", target=target, about=about),
        d.pick("intro_ask", target=target),
        d.pick("intro_easy_out", target=target),
        d.pick("intro_lead"),
    ]
    greeting = f"Hi {first_name(v['mutual'])},"
    top = greeting + "\n\n" + " ".join(head) + "\n\n---\n\n"
    sign = "\n\n" + d.pick("intro_thanks") + ("\n" + v["sender"] if v["sender"] else "")
    note_end = len(d.text.rstrip())
    return [edit(d.text, 0, 0, top, "rewrite.intro"), *edits, edit(d.text, note_end, len(d.text), "\n\n---" + sign + "\n", "rewrite.intro")]


def _two_step(d: Draft, edits: list[Edit]) -> list[Edit]:
    """The bond-building part to send now; the ask (as edited) with what goes with it to send later."""
    asks = d.asks()
    if not asks:
        return edits
    later_reasons = {"targeted.no_resume", "courtesy.no_easy_out", "courtesy.no_thanks", "transparency.no_company", "transparency.no_role_or_job", "ask.unclear"}
    moved, kept = [], []
    in_ask = lambda x: any(s <= x.start and x.end <= e for s, e in asks)  # noqa: E731
    for x in edits:
        (moved if (x.reason in later_reasons or x.reason == "relationship.ask_before_bond") else kept).append(x)
    kept = [x for x in kept if not in_ask(x)]
    asked = [_new_text(edits, s, e, d.text) for s, e in asks]
    later = [x.after.strip(" .") if x.after.startswith(". ") else x.after.strip() for x in moved if x.reason != "relationship.ask_before_bond"]
    out = [x for x in kept]
    bond = [x for x in moved if x.reason == "relationship.ask_before_bond"]
    out += bond
    for s, e in asks:
        b = e
        while b < len(d.text) and d.text[b] in " \t":
            b += 1
        if not any(x.start < b and x.end > s for x in out):
            out.append(edit(d.text, s, b, "", "rewrite.two_step"))
    out.insert(0, edit(d.text, 0, 0, d.pick("two_step_now") + "\n\n", "rewrite.two_step"))
    rest = [p for p in d.lay.sentences if p[1] <= d.lay.last_end and not any(p == a for a in asks)]
    close_at = rest[-1][1] if rest else d.lay.last_end
    if any(x.start <= close_at < x.end for x in out):
        close_at = max(x.end for x in out if x.start <= close_at < x.end)
    out += place(d, out, [_after(d, close_at, d.pick("two_step_close"), "rewrite.two_step")])
    greet = (d.lay.greeting + "\n\n") if d.lay.greeting else ""
    asked = [a[0].upper() + a[1:] if a[:1].islower() and a.split()[0].lower() in COMMON_START else a for a in asked]
    second = " ".join([d.pick("two_step_open"), *asked, *[p for p in later if p]])
    tail = d.text[d.lay.body_end :].strip()
    note_end = len(d.text.rstrip())
    block = "\n\n---\n\n" + d.pick("two_step_later") + "\n\n" + greet + second + ("\n\n" + tail if tail else "") + "\n"
    out.append(edit(d.text, note_end, len(d.text), block, "rewrite.two_step"))
    return out


def fix_reason_ids() -> frozenset[str]:
    return frozenset(FIX_REASONS.values())
