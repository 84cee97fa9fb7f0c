"""Span edits on the draft: its layout, applying edits, and the in-place fixes of impolite sentences.

Everything here works on character offsets of the draft exactly as given (the
pipeline's Doc has the same length, see :mod:`refernlp.textio`). A sentence that
no finding flags is never touched. A flagged sentence is rewritten clause by
clause: a bare command becomes a hedged question from its own words, a demand,
guilt, presumption, sarcasm or grovelling clause is dropped (a clause holding a
fact of the draft only loses the offending words), a deadline word ("ASAP",
"by tomorrow") is removed, swear words are cut and shouting is lower-cased.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, Sequence

from ..results import Edit
from .goals import looking_for, plain_goal  # noqa: F401  (looking_for re-exported)
from .layout import Layout, layout  # noqa: F401  (layout re-exported)
from .promise import reported_promise
from .spot import command_words, request_words
from .words import cap, case_like, decap, unshout

#: impolite strategies, the finding each answers, and what is done with the clause holding one
FIX_REASONS = {
    "bare_imperative": "politeness.command",
    "demand": "politeness.demand",
    "guilt": "politeness.guilt",
    "presumption": "politeness.presumption",
    "sarcasm": "politeness.sarcasm",
    "swearing": "politeness.swearing",
    "shouting": "politeness.shouting",
    "grovelling": "politeness.grovelling",
}
_DROP = frozenset({"demand", "guilt", "presumption", "sarcasm", "grovelling"})
_REASON_ORDER = ("politeness.swearing", "politeness.guilt", "politeness.presumption", "politeness.sarcasm",
                 "politeness.demand", "politeness.command", "politeness.shouting", "politeness.grovelling")
#: a deadline or urgency word (or an ultimatum's "or not?") that can go on its own, leaving the clause
_DEADLINE = re.compile(
    r"^(?:asap|a\.s\.a\.p\.?|urgently|urgent|immediately|right away|right now|now|today|tonight|tomorrow|"
    r"(?:by|before)\s+(?:tomorrow|tonight|today|eod|cob|end of (?:the )?(?:day|week)|this week|next week|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|the weekend|noon)|this week|or not)$",
    re.IGNORECASE,
)
_DEADLINE_TAIL = re.compile(r"(?:[\s,]*(?:morning|afternoon|evening|night|noon|midday|midnight|eod|cob|at the latest|latest|pls|please|ideally|preferably|if possible)\b)+", re.IGNORECASE)
_DEADLINE_HEAD = re.compile(r"(?:,\s*|\s+)(?:ideally|preferably|hopefully|like|and|or)?\s*$", re.IGNORECASE)
_CLAUSE = re.compile(
    # (?<!\s): a separator starts where its whitespace starts, never inside a whitespace run (which made
    # finditer quadratic on long runs of spaces)
    r"(?<!\s)\s*(?:;|:(?=\s)|\s[-–—]\s|,\s*(?=(?:and|but|so|ideally|preferably|no need|or else|otherwise|because|since|"
    r"after|considering)\b)|\s(?:so|but|or else|otherwise|because|since)\s(?=\w)|\s(?:or)\s(?=(?:i'm|i’m|i'll|i’ll|i\s+will|im|ill)\b)|\s(?:and)\s(?=(?:i|i'm|i’m|i've|i’ve|i'd|my|we|it|"
    r"you|u|no|that)\b))\s*",
    re.IGNORECASE,
)
_SOFT_START = re.compile(r"^(?:(?:just|please|pls|plz|kindly|so|and|but|now|ok|okay)\b[\s,]*)+", re.IGNORECASE)
_SOFT_END = re.compile(r"(?:[\s,]+|^)(?:please|pls|plz|thx|k|ok)$", re.IGNORECASE)
_TERMINAL = re.compile(r"[\s.!?…]*[^\w\s\])”\"'’»›]*[\s.!?…]*$")



def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """The draft with every edit applied (edits never overlap; insertions at one offset keep their order)."""
    out, at = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < at:
            raise ValueError(f"overlapping edits at {e.start}")
        out += [text[at : e.start], e.after]
        at = e.end
    out.append(text[at:])
    return "".join(out)


def valid_edits(edits: Iterable[Edit]) -> tuple[Edit, ...]:
    """Sorted, overlap-free edits (an edit overlapping an earlier one is left out)."""
    out: list[Edit] = []
    at = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < at:
            continue
        out.append(e)
        at = e.end
    return tuple(out)


def edit(text: str, start: int, end: int, after: str, reason: str) -> Edit:
    return Edit(start, end, text[start:end], after, reason)


# --- the sentence fixes ------------------------------------------------------------------------------
def clauses(text: str, s: int, e: int) -> list[tuple[int, int, int]]:
    """(separator start, clause start, clause end) of each clause of ``text[s:e]``."""
    out, at, sep = [], s, s
    for m in _CLAUSE.finditer(text, s, e):
        if m.start() > at:
            out.append((sep, at, m.start()))
            sep, at = m.start(), m.end()
    out.append((sep, at, e))
    return out


def _overlaps(a: int, b: int, marks: Sequence[Any]) -> list[Any]:
    return [m for m in marks if m.start < b and m.end > a]


def _protected(a: int, b: int, protect: Sequence[tuple[int, int]]) -> bool:
    return any(s < b and e > a for s, e in protect)


def _holds_facts(text: str, cs: int, ce: int, marks: Sequence[Any]) -> bool:
    """Whether a clause holds, outside its impolite words, a name, number or non-Latin word worth keeping."""
    chars = list(text[cs:ce])
    for m in marks:
        for i in range(max(m.start, cs), min(m.end, ce)):
            chars[i - cs] = " "
    words = re.findall(r"[^\W_][\w'’-]*", "".join(chars))
    for i, w in enumerate(words):
        if any(c.isdigit() for c in w) or any(ord(c) > 0x24F and c.isalpha() for c in w):
            return True
        if i and w[:1].isupper() and w not in {"I", "I'm", "I’m", "I've", "I’ve", "I'd", "I’d", "I'll", "I’ll"}:
            return True
    return False


#: demand words with a gentler equivalent that keeps the clause whole ("I expect you'll know of posts")
_SOFTEN = tuple(
    (re.compile(r"(?i)\b" + a + r"(?![\w'’])"), b)
    for a, b in (
        (r"i expect (?:you|u)['’]ll", "you may"), (r"i expect (?:you|u) will", "you may"), (r"i expect (?:you|u) to", "I'd be grateful if you could"),
        (r"(?:you|u) should", "you could"), (r"i['’]ll need", "I'm hoping to have"), (r"i will need", "I'm hoping to have"),
        (r"i require", "I'd appreciate"),
    )
)


def _softens(text: str, m: Any) -> bool:
    """Whether the demand mark ``m`` starts words :data:`_SOFTEN` replaces."""
    return any(p.match(text, m.start) for p, _ in _SOFTEN)


#: the sender as the subject of a demand that hands on to a request, with its fillers ("I kinda need you to")
_HEDGING_SUBJECT = re.compile(r"(?i)(?<![\w'’])(?:i|we)(?:\s+(?:kinda|kind\s+of|sort\s+of|really|just|actually|literally|honestly|totally|rly|def|defo|definitely|so))*\s*$")
#: greetings, fillers and emoji before a demand ("heyyy 😇 sooo need you to ..."): no subject of its own
_FILLERS = re.compile(r"(?i)(?:[^\w]|_|\b(?:hey+|hi+|yo|so+|ok(?:ay)?|um+|well|anyway|lol|haha+|right|oh)\b)*")
_CONTRACTION = re.compile(r"['’](?:ll|d|re|ve|s)\b", re.IGNORECASE)


def _first_word(piece: str) -> str:
    m = re.match(r"\s*(?:(?:just|please|pls|plz|kindly|so|and)\s+)*([A-Za-z]+)", piece)
    return m.group(1).lower() if m else ""


#: "do i have to", "update for the team": the first word is no command
_NOT_COMMAND = re.compile(
    r"(?i)^(?:do|does|did|can|could|will|would|is|are|am|have|has|should)\s+(?:i|you|u|we|they|he|she|it)\b"
    r"|^(?:or\s+)?(?:don['’]?t|dont|do\s+not|never)\b|^(?:update|call|email|text|message|check|answer|drop|push|reply)\s+(?:for|on|from|of|about)\b"
)


#: one or two words of address in front of a demand ("Jonno need u to ...", "hey bro I need you to ...")
_VOCATIVE = re.compile(r"(?i)(?:(?:hey|hi|yo|oi|ok|okay|dear)\s+)?(?!(?:i|we|you|u|they|he|she|it|so|and|but|also|just|now|pls|please|then|still)\b)[a-z][\w'’-]*")


#: the separator of a clause that only follows from the one before ("..., so you could go to Cancún")
#: a grovelling adverb before the sender's own verb ("I humbly write", "I most humbly request"): cut, the clause stays
_HUMBLY = re.compile(r"(?i)\b(?:(?:most|very)\s+)?humbly$")
_CONSEQUENCE = re.compile(r"(?i)\s*(?:,\s*)?(?:so|because|since)\s*")


def _opens_command(text: str, cs: int, m: Any) -> bool:
    """A demand opening its clause before a command verb ("NEED U TO refer me ...", "Jonno need u to send"): the
    demand words are cut and the command hedged, not the clause dropped."""
    head = text[cs : m.start].strip(" ,")
    # ("Don't make me ask twice" is no request: only a demand ending in "to" hands on to one)
    to = bool(re.search(r"(?i)\bto\s*$", text[m.start : m.end]))
    return to and (not head or bool(_VOCATIVE.fullmatch(head))) and _first_word(text[m.end : m.end + 40]) in request_words()


def _hedge(piece: str) -> str:
    """A bare command as a hedged question from its own words: "Refer me for X" -> "Would you be willing to refer me for X"."""
    core = _SOFT_END.sub("", _SOFT_START.sub("", piece.strip())).strip(" ,")
    if not core or _NOT_COMMAND.match(core):
        return ""
    letters = [c for c in core if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 3:
        core = unshout(core)
    core = decap(core)
    if re.match(r"(?i)refer\b|put (?:me|my name) forward|put in a (?:good )?word|vouch", core):
        return "Would you be willing to " + core
    return "Could you " + core


def fix_sentence(
    text: str, s: int, e: int, marks: Sequence[Any], protect: Sequence[tuple[int, int]], kinds: Mapping[tuple[int, int], str] | None = None
) -> tuple[str, str] | None:
    """The new text of sentence ``text[s:e]`` and the reason, or None when nothing needs fixing.

    ``marks`` are the impolite strategy matches in the sentence; ``protect`` the
    spans of the draft's facts, which are never dropped nor re-cased; ``kinds``
    names some of them (``company``, ``role``): a presumption or guilt clause that
    holds them becomes a plain statement of what the sender wants.
    """
    marks = [m for m in marks if m.name in FIX_REASONS and m.start < e and m.end > s]
    if not marks:
        return None
    if any(m.name == "shouting" for m in marks):
        low = list(text[s:e])
        for m in re.finditer(r"[A-Za-z][A-Za-z'’]*", text[s:e]):
            a, b = s + m.start(), s + m.end()
            if not _protected(a, b, protect):
                low[m.start() : m.end()] = unshout(m.group(0))
        text = text[:s] + "".join(low) + text[e:]
    if any(m.name == "presumption" for m in marks):
        # "I've told the recruiter you'll refer me": the mention and the request stay, the presumption goes
        promise = reported_promise(text[s:e])
        if promise and all(text[a:b] in promise for a, b in protect if s <= a and b <= e):
            return promise, "politeness.presumption"
    reasons = {FIX_REASONS[m.name] for m in marks}
    reason = next(r for r in _REASON_ORDER if r in reasons)
    # the sentence's closing punctuation; searched in its last characters only (a regex search over a long
    # whitespace run is quadratic), after the trailing whitespace, which the pattern would absorb anyway
    e_core = s + len(text[s:e].rstrip())
    tail = _TERMINAL.search(text, max(s, e_core - 200), e_core)
    body_end = tail.start() if tail and tail.start() > s else e
    terminal = text[body_end:e].strip()
    mark_char = "?" if "?" in terminal else ("!" if "!" in terminal else ".")
    pieces: list[tuple[str, bool, bool, str]] = []  # (text, kept, question, separator before)
    dropped_soft = False  # the clause before went for its guilt, presumption or sarcasm
    for sep, cs, ce in clauses(text, s, body_end):
        here = _overlaps(cs, ce, marks)
        clause = text[cs:ce]
        if dropped_soft and not here and _CONSEQUENCE.fullmatch(text[sep:cs]) and not _protected(cs, ce, protect) and "?" not in text[cs:e]:
            # "I covered your interviews at Kavak so you could go to Cancún": what follows from the ledger goes with it
            pieces.append(("", False, False, text[sep:cs]))
            continue
        dropped_soft = False
        question = False
        drop_marks = [
            m for m in here
            if m.name in _DROP and not _HUMBLY.search(text[m.start : m.end]) and not (m.name == "demand" and (_DEADLINE.match(text[m.start : m.end].strip()) or _softens(text, m)))
        ]
        # the clause goes unless it holds a fact of the draft (company, role, IDs, links) or a name or number; a
        # guilt, presumption or sarcasm clause that *starts* with its offending words goes all the same ("You
        # promised Mãe", "I covered your shifts at Ekol"): what is left of it would be a fragment
        facts = _holds_facts(text, cs, ce, here)
        # guilt, presumption, sarcasm and grovelling: words cut from the middle of a clause leave a fragment
        # ("I've told the recruiter that for me"), so such a clause goes whole, names and numbers with it,
        # unless it holds a fact of the draft (then it stays as written); at the clause end the words are cut
        soft_marks = [m for m in drop_marks if m.name != "demand"]
        # (a mark covering the whole clause is no tail: "told the lady at asda ur my referral")
        tail_only = all(not re.sub(r"[\W_]+", "", text[m.end : ce]) and re.sub(r"[\W_]+", "", text[cs : m.start]) for m in soft_marks)
        # (a demand opening a command is cut and the command hedged: "told my recruiter u'd refer me for ...")
        command = any(m.name == "bare_imperative" and cs <= m.start < ce for m in here) or any(
            m.name == "demand" and _opens_command(text, cs, m) for m in here
        )
        if drop_marks and not _protected(cs, ce, protect) and ((soft_marks and not tail_only) or (not soft_marks and not facts and not command)):
            pieces.append(("", False, False, text[sep:cs]))
            dropped_soft = bool(soft_marks)
            continue
        if soft_marks and not tail_only:
            plain = plain_goal(text, cs, ce, kinds or {})
            pieces.append((plain or re.sub(r"\s{2,}", " ", clause).strip(" ,"), True, False, text[sep:cs]))
            mark_char = "." if plain else mark_char  # "I'm interested in a role at Porsche." is no question
            continue
        # cut the words themselves: deadline words, swear words, and (in a clause holding a fact) the rest
        cuts = sorted(
            (m for m in here if (m.name in {"swearing", "demand"} or _HUMBLY.search(text[m.start : m.end]) or (m.name in _DROP and (_protected(cs, ce, protect) or facts or tail_only))) and not _softens(text, m)),
            key=lambda m: m.start, reverse=True,
        )
        cut_subject, vocative, lead_clause = False, "", False  # "I need you to put my name forward": a command to hedge is left
        for m in cuts:
            a, b = max(m.start, cs) - cs, min(m.end, ce) - cs
            humbly = _HUMBLY.search(text, m.start, m.end)
            if humbly:  # "I humbly write to request ...": only the adverb goes
                a = max(humbly.start(), cs) - cs
            if _protected(m.start, m.end, protect):
                continue
            c = _CONTRACTION.match(clause, b)  # "I expect you" + "'ll": the contraction goes with it
            b = c.end() if c else b
            t = _DEADLINE_TAIL.match(clause, b)
            b = t.end() if t else b
            if m.name == "demand" and re.search(r"(?i)\bto$", text[m.start : m.end]):
                subject = _HEDGING_SUBJECT.search(clause[:a])  # "sooo I kinda need you to refer me": "I kinda" goes too
                a = subject.start() if subject else a
            if m.name == "demand" and not _DEADLINE.match(text[m.start : m.end].strip()) and (
                not clause[:a].strip(" ,") or _VOCATIVE.fullmatch(clause[:a].strip(" ,")) or _FILLERS.fullmatch(clause[:a])
            ):
                cut_subject, vocative = True, clause[:a].strip(" ,")  # "Jonno need u to refer me": "Jonno" stays
            elif lead_clause := (m.name == "demand" and clause[:a].rstrip().endswith(",") and _first_word(clause[b:]) in request_words()):
                # "I've done the legwork, I just need you to click the button": the lead clause stays before the question
                cut_subject, vocative = True, clause[:a].strip(" ,")
            h = None if cut_subject and vocative and lead_clause else _DEADLINE_HEAD.search(clause[:a])
            a = h.start() if h else a
            clause = clause[:a] + clause[b:]
        for pat, soft in _SOFTEN:
            # capitalised like the words it replaces at the clause's start; as written inside it ("As my former
            # report, you may ..."), where "I'd" keeps its capital
            clause = pat.sub(lambda m, soft=soft: case_like(m.group(0), soft) if not clause[: m.start()].strip(" ,") else soft, clause)
        clause = re.sub(r"\s{2,}", " ", clause).strip(" ,")
        # what is left of a clause that lost its offending words must still say something ("It is." does not)
        # (nor does a two-word remnant of a demand that is no request to hedge: "Make sure you pick up." -> "pick up")
        left = len(re.findall(r"\w+", clause))
        if left < (3 if soft_marks and cuts else 2) or (left == 2 and cuts and not facts and _first_word(clause) not in request_words()):
            pieces.append(("", False, False, text[sep:cs]))
            continue
        commands = [m for m in here if m.name == "bare_imperative" and cs <= m.start < ce]
        voc = len(vocative) if vocative and clause.startswith(vocative) and not commands else 0
        if (commands or (cut_subject and _first_word(clause[voc:].lstrip(" ,")) in request_words())):
            # a form of address before the command stays in front: "bro refer me" -> "bro, could you refer me"
            verb = text[commands[0].start : commands[0].end].split()[0] if commands else (_first_word(clause[voc:].lstrip(" ,")) if voc else "")
            at = clause.find(verb) if verb else -1
            if commands and at < 0:
                commands = []  # the command's own words were cut ("Just do it already, applications close Friday")
            lead = re.sub(r"(?i)(?:\b(?:just|pls|please|plz)\s+)+$", "", clause[:at]) if at > 0 else ""
            prefix = lead.rstrip(" ,")
            if not _SOFT_START.sub("", prefix + " ").strip(" ,"):
                prefix = ""  # "Just put it through ...": a softener, not a form of address
            if prefix and (len(prefix.split()) <= 3 or lead.rstrip().endswith(",")):
                # "bro refer me", "now that you're at Stripe, refer me": the lead stays in front of the question
                core = _hedge(clause[at:])
                hedged = prefix + ", " + core[0].lower() + core[1:] if core else ""
            else:
                hedged = _hedge(clause)
            if hedged and (commands or _first_word(clause[voc:].lstrip(" ,")) in request_words()):
                clause, question = hedged, True
        pieces.append((clause, True, question, text[sep:cs]))
    kept = [p for p in pieces if p[1]]
    if not kept:
        return "", reason
    out = ""
    prev_kept = False
    prev_q = False
    for i, (clause, ok, q, sep) in enumerate(pieces):
        if not ok:
            prev_kept = False
            continue
        if not out:
            # the sender's own first letter stays as written (a lower-case brand, a casual text)
            out = clause if (cs == s and text[s : s + 1].islower()) or re.match(r"\S*(?:://|www\.|@)", clause) else cap(clause)
        elif prev_kept and not q and not prev_q:
            out += sep + clause
        elif prev_kept and prev_q and not q and _and_command(clause):
            out += sep + clause  # "Could you send me the openings, and refer me for all?": one question
            continue
        else:
            out += ("? " if prev_q else ". ") + cap(clause)
        prev_kept, prev_q = True, q
    out = out.rstrip(" ,;:")
    if text[max(0, s - 4) : s].rstrip(" ").endswith(",") and out.startswith(("Could you ", "Would you ")):
        out = out[0].lower() + out[1:]  # "Hi Sam, could you send me the link?": the greeting's comma goes on
    out = re.sub(r"(^|\s)i(?=\s|[’'](?:m|ve|d|ll)\b)", lambda m: m.group(1) + "I", out)
    if mark_char == "." and re.match(r"(?i)(?:can|could|would|will|do|did|does|have|has|are|is)\s+(?:you|u|they|there|he|she|it|we)\b", out):
        mark_char = "?"  # "CAN YOU PLEASE REFER ME ... ACME." is a question once it is not shouted
    out += "?" if prev_q else mark_char
    return out, reason


def _and_command(clause: str) -> bool:
    m = re.match(r"(?i)and\s+(?:also\s+|then\s+)?([a-z]+)", clause)
    return bool(m) and m.group(1).lower() in command_words()


def sentence_edits(
    text: str, lay: Layout, marks: Sequence[Any], protect: Sequence[tuple[int, int]], kinds: Mapping[tuple[int, int], str] | None = None
) -> list[Edit]:
    """One edit per flagged sentence (deleted whole when nothing of it is left); "!!!" becomes "!"."""
    out = []
    marks = list(marks)
    for m in list(marks):
        if m.name == "shouting" and not any(c.isalpha() for c in text[m.start : m.end]):
            a, b = m.start, m.end  # the whole run of marks ("!!", "!?!")
            while a > 0 and text[a - 1] in "!?":
                a -= 1
            while b < len(text) and text[b] in "!?":
                b += 1
            if (a, b) != (m.start, m.end):
                marks[marks.index(m)] = m = type(m)(a, b, m.name, m.category, m.polarity, text[a:b])
        piece = text[m.start : m.end]
        if m.name == "shouting" and not any(c.isalpha() for c in piece) and len(piece.strip()) > 1:
            marks.remove(m)
            if not any(s <= m.start < e for s, e in lay.sentences) or not any(x.name != "shouting" and x.start < m.end and x.end > m.start for x in marks):
                out.append(edit(text, m.start, m.end, piece.strip()[0], "politeness.shouting"))
    for s, e in lay.sentences:
        fixed = fix_sentence(text, s, e, marks, protect, kinds)
        if fixed is None:
            continue
        new, reason = fixed
        if any(s <= x.start < e for x in out):  # "!!" toned down inside a sentence that is fixed: done in its new text
            out = [x for x in out if not s <= x.start < e]
            new = re.sub(r"([!?])[!?]+", r"\1", new)
        if new == text[s:e]:
            continue
        if new:
            out.append(edit(text, s, e, new, reason))
            continue
        gone = delete_sentence(text, lay, s, e, reason)
        if out and not out[-1].after and out[-1].end > gone.start >= out[-1].start:  # two deleted sentences in a row
            gone = delete_sentence(text, lay, out.pop().start, e, reason)
        out.append(gone)
    return out


def delete_sentence(text: str, lay: Layout, s: int, e: int, reason: str) -> Edit:
    """Delete sentence ``text[s:e]`` with the space after it (or before it, at the end of a line)."""
    # delete the sentence and the space after it (or before it, at the end of a line)
    a, b = s, e
    while b < len(text) and text[b] in " \t":
        b += 1
    if b < len(text) and text[b] == "\n" and (a == 0 or text[a - 1] == "\n"):
        while b < len(text) and text[b].isspace():
            b += 1
        if b >= lay.body_end and a > 0:  # the last sentence of the body: keep the break before the sign-off
            b = e
            while a > 0 and text[a - 1].isspace():
                a -= 1
    elif b >= len(text) or text[b] == "\n":
        while a > 0 and text[a - 1] in " \t":
            a -= 1
        b = e
    return edit(text, a, b, "", reason)

