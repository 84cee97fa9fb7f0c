"""Second-degree drafts: a referral ask to a stranger turned into a request for a conversation, in the sender's words.

The referral words of the ask go and the rest of its sentence stays: a condition
naming the work wanted becomes "I'm looking for …", the object of "refer me for …"
becomes "I'm interested in …", and the ask for a chat names the role and company
(:func:`chat_ask`); later referral sentences lose only their referral clauses
(:func:`drop_referral`). Used by :func:`refernlp.rewrite.plans.plan_edits`.
"""

from __future__ import annotations

import re

from .edits import clauses
from .goals import CUE_WORDS, looking_for, own_words
from .plans import BACK_REFERENCE, COMMON_START, NOT_A_COMPANY, REFER, Draft, bare_greeting, role_np

_LEAD_SPLIT = re.compile(
    r"[,;]?\s*(?:and\s+|so\s+|but\s+)?(?:i\s+would\s+be|i'd\s+be|i’d\s+be|i\s+was\s+wondering|i\s+wanted\s+to\s+ask|"
    r"(?:would|could|can|will|may)\s+(?:you|u)|is there any chance|any chance|do you think|are you able|refer|"
    r"(?:i\s+would|i'd|i’d|would)\s+(?:really\s+|greatly\s+|so\s+|very\s+|truly\s+)?(?:appreciate|welcome|value|love|be\s+grateful))\b",
    re.IGNORECASE,
)
#: a clause that only sets up the ask after it ("If you hear of anything", "Should you learn of openings")
_DANGLING = re.compile(r"(?i)\b(?:the|a|an|my|your|on|for|of|to|with|about|at|in|from)\s*$")
_CONDITION = re.compile(r"(?i)^\s*(?:if|should|when|whenever|in case|as soon as|once|were you)\b")
_SOFT_TAIL = re.compile(r"(?i)(?:[\s,]+(?:please|pls|plz|kindly|just|and|so))+\s*$")
#: a condition inside the words before the ask ("..., if you hear of anything"): it goes with the ask
_INNER_CONDITION = re.compile(r"(?i)(?:^|[\s,;]+)(?:if|should|when|whenever|in case)\s+(?:you|u|ur|your|there|anything|something|one|any)\b")
#: what may stand right before "refer me" for the swap to a chat to read well ("would you be willing to refer me")
_MODAL_BEFORE = re.compile(
    r"(?i)(?:\b(?:could|would|can|will|might)\s+(?:you|u)|\b(?:you|u)\s+(?:could|would|can|might)|\b(?:open|willing|able)\s+to|"
    r"\bconsider|\bmind)(?:\s+(?:please|possibly|maybe|kindly|perhaps|just|even))*\s+$"
)


_CUE_SWAP = (
    (re.compile(r"(?i)\breferring me(?=\s+(?:for|to|at)\b)(\s+(?:for|to|at))"), "having a short chat with me about"),
    (re.compile(r"(?i)\brefer me(?=\s+(?:for|to|at)\b)(\s+(?:for|to|at))"), "have a short chat with me about"),
    (re.compile(r"(?i)\breferring me\b()"), "having a short chat with me"),
    (re.compile(r"(?i)\brefer me\b()"), "have a short chat with me"),
)


def _swap_cue(fixed: str) -> str | None:
    """The sentence with only its referral words turned into a request for a chat, or None.

    Only after a modal ("could you", "would you be willing to", "consider"): elsewhere
    ("pls refer me", "magpa-refer") the swap would not read as English.
    """
    for pat, new in _CUE_SWAP:
        m = pat.search(fixed)
        if m and _MODAL_BEFORE.search(fixed[: m.start()]):
            out = fixed[: m.start()] + new + fixed[m.end() :]
            return None if REFER.search(out) else out
    return None


def _referral_at(d: Draft, a: int, b: int) -> bool:
    """Whether ``d.text[a:b]`` holds a referral cue (or a referral word)."""
    return any(m.name == "referral" and m.start < b and m.end > a for m in d.cues) or bool(REFER.search(d.text, a, b))


def _without_referral(d: Draft, s: int, e: int) -> tuple[str, str]:
    """The sentence's words before and after its referral words, each as written (either may be "").

    A condition of the ask that names what the sender wants ("if you hear of any
    ds/ml roles") becomes "I'm looking for ds/ml roles"; one that names nothing goes.
    """
    before: list[str] = []
    after: list[str] = []
    seen = False
    for sep, a, b in clauses(d.text, s, e):
        if _referral_at(d, a, b):
            lead = _LEAD_SPLIT.split(d.text[a:b], maxsplit=1)[0]
            first = min((m.start for m in d.cues if m.name == "referral" and a <= m.start < b), default=b)
            if a + len(lead) > first:  # the split missed the referral words: what comes before them
                lead = d.text[a:first]
            lead = _SOFT_TAIL.sub("", lead).strip(" ,;")
            cond = _INNER_CONDITION.search(lead)
            head = lead[: cond.start()].strip(" ,;") if cond else lead
            wanted = looking_for(lead[cond.end() - len(cond.group(0).lstrip(" ,;")) - 0 :] if cond else lead) if (cond or _CONDITION.match(lead)) else None
            # "Pwede po ba ako magpa-refer?": a referral word with a prefix of its own language; what comes before it is
            # no sentence without it
            glued = first > a and (d.text[first - 1].isalnum() or d.text[first - 1] == "-" or bool(re.match(r"[^\W\d_]+-", d.text[first:b])))
            # (a head ending in an article or preposition is a fragment: "a yes or no on the [referral ...]")
            if not seen and head and not glued and not _DANGLING.search(head) and len(head.split()) >= 2 and len(own_words(head)) >= 2 and not REFER.search(head) and not _CONDITION.match(head) and not _referral_at(d, a, a + len(head)):
                before.append(head)
            if not seen and wanted and not _referral_at(d, a, a + len(lead)):
                before.append(wanted)
            # what follows the referral words in the clause ("pls refer me 🙏 open to hybrid anywhere in the gta")
            ends = [m.end for m in d.cues if m.name == "referral" and a <= m.start < b]
            tail = d.text[max(ends) : b] if ends else ""
            tail = re.sub(r"^[\W_]+", "", re.sub(r"(?i)^\s*(?:me\b|pls\b|please\b|plz\b)[\s,]*", "", tail)).strip(" ,;.!?")
            obj = re.match(r"(?i)(?:to|for|at|on|with|in)\s+", tail)
            tail = tail[obj.end() :] if obj else tail
            # the cue may hold the preposition itself ("refer me for"): what follows is still its object
            cue_obj = bool(ends) and bool(re.search(r"(?i)\b(?:to|for|at)\s*$", d.text[max(a, max(ends) - 6) : max(ends)]))
            if len(tail.split()) >= 2 and len(own_words(tail)) >= 2 and not _CONDITION.match(tail) and not _referral_at(d, b - len(tail), b):
                # the object of "refer me for ..." says what the sender wants; anything else is kept as written
                if (obj or cue_obj) and re.match(r"(?i)(?:the|a|an|any|this|that|your)\b", tail):
                    before.append("I'm interested in " + tail)
                elif not re.match(r"(?i)(?:from|by|of)\b", tail):  # "(referrals) from people he vouches for" goes with them
                    after.append(tail)
            seen = True
            continue
        piece = d.text[a:b].strip(" ,;")
        if not piece:
            continue
        (after if seen else before).append(piece)
    while before and _CONDITION.match(before[-1]):
        cond = before.pop()  # a condition of the ask goes with it; what it names stays
        wanted = looking_for(cond)
        if wanted:
            before.append(wanted)
            break
    return " ".join(p if p[-1] in ".!?…" or i == len(before) - 1 else p + "." for i, p in enumerate(before)).strip(), ", ".join(after).strip()


def cut_referral_words(d: Draft, sent: tuple[int, int], fixed: str) -> str:
    """The fixed sentence with only its referral words taken out ("Could you send me the vacancies and refer me?"
    -> "Could you send me the vacancies?"), or "" when too little is left."""
    out = fixed
    for m in d.cues:
        if m.name == "referral" and sent[0] <= m.start < sent[1]:
            word = re.escape(d.text[m.start : m.end])
            out = re.sub(r"(?i)(?:[\s,]*\b(?:and|or)\s+)?(?:\b(?:pls|please|plz|kindly)\s+)?" + word + r"(?:\s+(?:me|for me)\b)?", "", out, count=1)
    out = re.sub(r"\s{2,}", " ", out).strip(" ,;")
    out = re.sub(r"\s+([?.!,])", r"\1", out)
    if out == fixed.strip() or REFER.search(out) or len(re.findall(r"\w+", out)) < 2 or _CONDITION.match(out):
        return ""
    return out


def chat_ask(d: Draft, sent: tuple[int, int], fixed: str) -> str:
    """The referral ask of ``sent`` as a request for a conversation, keeping the facts it held."""
    s, e = sent
    v = d.values
    here = d.text[s:e]
    swapped = _swap_cue(fixed)
    # the swap keeps the sentence; a targeted ask whose company is named elsewhere gets the chat ask below, which
    # names it (the slot reader needs the company beside the ask to find it in the rewrite)
    if swapped is not None and not (d.rtype == "targeted" and v["company"] and v["company"] not in here):
        return swapped
    if fixed == here:
        lead, rest = _without_referral(d, s, e)
    else:  # the sentence was fixed in place first: the split of the draft's words when it keeps none of what was fixed
        lead, rest = _without_referral(d, s, e)
        marked = [d.text[m.start : m.end] for m in d.marks if s <= m.start < e]
        if not (lead or rest) or any(w and (w in lead or w in rest) for w in marked):
            lead = _LEAD_SPLIT.split(fixed, maxsplit=1)[0].strip(" ,;")
            if lead == fixed.strip() or len(lead.split()) < 3 or REFER.search(lead) or _CONDITION.match(lead):
                lead = cut_referral_words(d, sent, fixed)
            rest = ""
    lead = lead if lead.endswith("?") else lead.rstrip(".!…")
    if lead and not BACK_REFERENCE.sub("", lead + ", ").strip(" ,."):
        lead = ""  # "With all of that in mind, ..." has nothing to say once the referral is out of it
    # the company is named in the ask unless the sentence leading into it already does ("I saw you work at P&G. I'm
    # interested in the ... job. Would you be open to a short chat about the team at P&G?")
    last_lead = re.split(r"(?<=[.!?])\s+", lead)[-1] if lead else ""
    company = v["company"] if v["company"] and (v["company"] in here or d.rtype == "targeted") and v["company"] not in last_lead + rest else None
    if company and company.lower() in NOT_A_COMPANY:
        company = None  # the slot reader's "your group", "the team": no name to repeat
    # the role named elsewhere in the draft goes into the chat ask, even when the sentence before names it too
    # (the slot reader looks for it beside the ask: "... is hiring an engineering manager. Would you be open to a
    # short chat about the engineering manager role at Linear?")
    role = v["role"] if v["role"] and v["role"] in d.text and v["role"] not in lead + rest else None
    if role and v.get("role_at"):  # the draft's own noun after the title ("... Design Manager opportunity")
        noun = re.match(r"\s+(opportunit(?:y|ies)|positions?|roles?|jobs?|vacanc(?:y|ies)|openings?|posts?)\b", d.text[v["role_at"][1] :])
        role = role + " " + noun.group(1) if noun else role
    if role and company:
        about = f"{role_np(role)} at {company}"
    elif role:
        about = role_np(role)
    elif company:
        about = f"the team at {company}"
    else:
        about = "the team" if d.rtype == "targeted" else "your work"
    ask = d.pick("chat", about=about)
    keep = [x for x in (*v["job_ids"], *v["urls"]) if x in here and x not in ask and x not in lead + rest]
    if keep:
        ask = ask[:-1] + " (" + ", ".join(keep) + ")?"
    tail = "" if "the team" in about or rest else " " + d.pick("chat_tail" if d.rtype == "targeted" else "chat_tail_general")
    out = (lead + (". " if lead[-1].isalnum() or lead[-1] in ")\"'’”" else " ") + ask + tail) if lead else (ask + tail)
    out = out.replace("?. ", "? ")
    after = ""  # what follows the referral words, as a sentence of its own ("I shall remain ever grateful 🙏 Debolina")
    if rest and out.endswith("?") and rest.split()[0].lower() in {"or", "and"}:
        out = out[:-1] + ", " + rest.rstrip(".!?…") + "?"  # "..., or simply let the PI know my application is in?"
    elif rest:
        rest = rest[0].upper() + rest[1:] if rest.split()[0].lower() in COMMON_START else rest
        after = " " + rest + ("" if rest[-1] in ".!?…" else ".")
        out += after
    facts = [w for w in re.findall(r"[\w'’&.-]+", here)[1:] if (w[:1].isupper() or any(c.isdigit() for c in w)) and w not in {"I", "I'm", "I’m"}]
    if any(w.strip(".") not in out for w in facts):  # the slot reader missed something: keep the sender's words for it
        m = re.search(r"(?i)\brefer(?:ring)?\s+me\s+(?:for|to|at)\s+([^,;:!?]+?)\s*(?:[,;:!?.]|$)", fixed)
        if m and not lead:
            out = "I'm interested in " + m.group(1).rstrip(". ") + ". " + d.pick("chat", about="it") + after
    if bare_greeting(d, s) and not out.startswith(("I ", "I'", "I’")):
        out = out[0].lower() + out[1:]
    return out


def drop_referral(d: Draft, sent: tuple[int, int], fixed: str) -> str | None:
    """A later sentence of the note with its referral clauses left out ("" when nothing is left, None: unchanged)."""
    s, e = sent
    if not _referral_at(d, s, e):
        return None
    if fixed != d.text[s:e]:
        return fixed if not REFER.search(fixed) else ""
    out, prev = "", False
    for sep, a, b in clauses(d.text, s, e):
        rest = {w.lower() for w in re.findall(r"[^\W\d_][\w'’&-]{2,}", d.text[a:b])} - CUE_WORDS
        if _referral_at(d, a, b) and len(rest) <= 3 and not any(x < b and y > a for x, y in d.protect):
            prev = False
            continue
        out += (d.text[sep:a] if (out and prev) else (". " if out else "")) + d.text[a:b]
        prev = True
    out = out.strip().rstrip(",;")
    if not out:
        return ""
    out = out[0].upper() + out[1:]
    return out if out[-1] in ".!?" else out + "."
