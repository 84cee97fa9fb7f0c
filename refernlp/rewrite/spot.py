"""What the rewriter spots beyond the strategy detector's marks, so that a hostile draft is not sent back hostile.

The critique's strategy lexicon matches fixed phrases ("the least you can do",
"you owe me"); hostile drafts as people write them say "least u can do is refer
me", "i'm not asking again", "dont leave me on read", "so? anything??". The
patterns of ``refernlp/lexicons/hostile.json`` and the commands written inside a
sentence ("now that you're at Stripe, refer me ...") become marks of the same
kinds (``guilt``, ``demand``, ``presumption``, ``sarcasm``, ``bare_imperative``),
which the in-place fixes of :mod:`refernlp.rewrite.edits` handle as they handle
the lexicon's. The critique itself, its findings and its models are unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Sequence

from ..components.base import Mark
from .promise import reported_promise

#: the strategies whose marks are hostile: a draft holding one is read as hostile for the ``context`` patterns
HOSTILE = frozenset({"guilt", "demand", "presumption", "sarcasm", "swearing"})
#: a capitalised sentence start that is no name ("Please let me know ...")
_NOT_A_NAME = frozenset(
    "please pls plz kindly just also then and but so now thanks thank hello hi hey dear a an i if in it my no of on or "
    "the this to we what when who why yes ok okay you your".split()
)
#: a command inside a sentence: after a lead clause and a comma or colon ("now that you're at Stripe, refer me"),
#: or after a name ("Jess forward my CV")
_INNER_COMMAND = re.compile(r"(?:[,:]\s+|^[A-Z][a-z]+\s+)(?:just\s+)?([a-z]+)\s+(?:me|my)\b")
#: where a lead-in may start inside a sentence: after a comma, colon or "and"
_CLAUSE_START = re.compile(r"(?:[,:;]\s+|\s+and\s+)")
#: a clause that counts a favour done for the contact ("After I wrote your reference", "I helped you with ...")
_LEDGER_OPEN = re.compile(
    r"(?i)\W*(?P<voc>[\w'’-]+,\s+)?(?:after|since|given\s+(?:that|all)|considering|for\s+all|remember\s+when|"
    r"i\s+(?:helped|did|covered|wrote|stayed|got\s+you|spent|gave|lent|introduced|referred|vouched))\b"
)
_CONDITIONAL = re.compile(r"(?i)(?:if|when|whenever|once|should)\b")
#: an ultimatum's "or not" is cut from a request ("Can you refer me to anything VP Sales level or not?"); a question
#: that is no request ("did you refer me or not??") goes whole
_OR_NOT = re.compile(r"(?i)\s*or\s+not")  # (fullmatch only)
_REQUEST_START = re.compile(r"(?i)\W*(?:(?:so|and|but|ok|okay|well)[,\s]+)?(?:can|could|will|would)\s+(?:you|u|ya)\b")


@lru_cache(maxsize=1)
def command_words() -> frozenset[str]:
    """The verbs a bare command starts with (the strategy lexicon's ``bare_imperative`` words)."""
    from ..resources import lexicon

    return frozenset(lexicon("strategies")["strategies"]["bare_imperative"]["words"])


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[tuple[str, re.Pattern[str]], ...], tuple[tuple[str, re.Pattern[str]], ...]]:
    from ..resources import lexicon

    lex = lexicon("hostile")
    return tuple(
        tuple((name, re.compile(p, re.IGNORECASE)) for name, pats in lex[group].items() for p in pats) for group in ("patterns", "context")
    )


@lru_cache(maxsize=1)
def _lead_ins() -> tuple[re.Pattern[str], ...]:
    from ..resources import lexicon

    return tuple(re.compile(p, re.IGNORECASE) for p in lexicon("hostile")["lead_ins"])


def lead_in(piece: str, at: int = 0) -> re.Match[str] | None:
    """A guilt or presumption opening of ``hostile.json``'s ``lead_ins`` at ``piece[at:]`` followed by a command verb
    ("Least you can do is put my name in ..."), or None."""
    m = next((m for m in (pat.match(piece, at) for pat in _lead_ins()) if m), None)
    verb = re.match(r"[a-z]+", piece[m.end() :].lower()) if m else None
    return m if verb and verb.group(0) in request_words() else None


@lru_cache(maxsize=1)
def request_words() -> frozenset[str]:
    """The verbs a request handed on by a lead-in or a demand starts with: the bare commands' and ``hostile.json``'s
    ``lead_in_verbs``, which start no bare command of their own ("the least you could do is have a word with HR",
    "I just need you to click the button")."""
    from ..resources import lexicon

    return command_words() | frozenset(lexicon("hostile").get("lead_in_verbs", ()))


def names_nobody(opening: str) -> bool:
    """Whether an opening names no one and nothing ("Told Linda at the Jubilee you'd" names Linda)."""
    if opening.isupper():  # a shouted opening ("EITHER YOU "): its capitals name nobody
        opening = opening.lower()
    return not re.search(r"[A-Z0-9]", re.sub(r"^\W*\w+|\bI\b", "", opening))


def inner_commands(text: str, sentences: Sequence[tuple[int, int]], marks: Sequence[Any]) -> list[Mark]:
    """Commands inside a sentence, as ``bare_imperative`` marks (a question, a condition or a sentence holding a
    command mark already is left alone)."""
    words = command_words()
    out = []
    for s, e in sentences:
        piece = text[s:e].rstrip()
        if piece.endswith("?") or _CONDITIONAL.match(piece) or any(m.name == "bare_imperative" and s <= m.start < e for m in marks):
            continue
        for m in _INNER_COMMAND.finditer(piece):
            if m.group(1) in words and m.group(0).split()[0].lower() not in _NOT_A_NAME:
                a = s + m.start(1)
                out.append(Mark(a, s + len(piece), "bare_imperative", "strategy", "negative", text[a : s + len(piece)]))
                break
    return out


def recast_lead_ins(text: str, sentences: Sequence[tuple[int, int]], marks: Sequence[Any]) -> tuple[Any, ...]:
    """``marks`` with a lexicon guilt mark that only opens a request ("The least you can do is put my name in for
    ...") recast as a demand over the opening and a command over the rest, so the request is hedged, not dropped.

    Only at a sentence start, when the opening names nobody and is followed by a command verb; other marks
    are returned unchanged.
    """
    out = list(marks)
    for s, e in sentences:
        piece = text[s:e].rstrip()
        m, a = lead_in(piece), s
        ledger = _LEDGER_OPEN.match(piece) if m is None else None
        if ledger:
            # "After I wrote your reference last year, the least you could do is have a word with HR": the favour
            # ledger before the lead-in goes with it (a name opening the sentence stays: "prima, could you ...")
            m = next((x for x in (lead_in(piece, c.end()) for c in _CLAUSE_START.finditer(piece, 0, 160)) if x), None)
            a = s + ledger.end("voc") if ledger.group("voc") else s
        if not m or not names_nobody(m.group(0)):
            continue
        b, end = s + m.end(), s + len(piece)
        inside = [x for x in out if x.start < end and x.end > a]
        if not inside or any(x.name != "guilt" or x.start < a or x.end > b for x in inside):
            continue  # nothing of the lexicon's here (hostile_marks handles it), or more than the opening is marked
        out = [x for x in out if x not in inside]
        out += [Mark(a, b, "demand", "strategy", "negative", text[a:b]), Mark(b, end, "bare_imperative", "strategy", "negative", text[b:end])]
    return tuple(out)


def hostile_marks(text: str, sentences: Sequence[tuple[int, int]], marks: Sequence[Any], impolite: bool) -> list[Mark]:
    """Marks for the hostile phrasings of ``hostile.json`` in the draft's sentences, none overlapping ``marks``.

    ``context`` patterns (a favour ledger, "it's been two weeks.", "nice.") count only when the draft reads
    ``impolite`` or holds another hostile mark: alone they are an ordinary sentence.
    """
    strong, context = _patterns()
    # a hostile phrasing may lie over a command mark ("Do it tomorrow ok"): it is dropped, not hedged
    # (nor a shouted stretch: the words inside it are toned down and judged all the same)
    taken = [(m.start, m.end) for m in marks if m.name not in ("bare_imperative", "shouting")]
    out: list[Mark] = []

    def scan(pats: tuple[tuple[str, re.Pattern[str]], ...]) -> None:
        for s, e in sentences:
            piece = text[s:e].rstrip()
            for name, pat in pats:
                for m in pat.finditer(piece):
                    a, b = s + m.start(), s + m.end()
                    if name == "demand" and _OR_NOT.fullmatch(text[a:b]) and piece.endswith("?") and not _REQUEST_START.match(piece):
                        a, b = s, s + len(piece)  # "did you refer me or not??" asks for nothing: it goes whole
                    if b > a and text[a:b].strip() and not any(x < b and y > a for x, y in taken):
                        taken.append((a, b))
                        out.append(Mark(a, b, name, "strategy", "negative", text[a:b]))

    # "Least you can do is put my name in ...": the opening goes, what follows is the request itself, a command to
    # hedge
    for s, e in sentences:
        piece = text[s:e].rstrip()
        if reported_promise(piece) and not any(x < s + len(piece) and y > s for x, y in taken):
            # "I've told the recruiter at Hays you'll vouch for me": one mark, rewritten whole (refernlp.rewrite.promise)
            taken.append((s, s + len(piece)))
            out.append(Mark(s, s + len(piece), "presumption", "strategy", "negative", piece))
            continue
        for at in [0] + [b.end() for b in _CLAUSE_START.finditer(piece)]:
            m = lead_in(piece, at)
            if not m or any(x < s + len(piece) and y > s + at for x, y in taken):
                continue
            a, b, end = s + at, s + m.end(), s + len(piece)
            # an opening naming someone or something ("Told Linda at the Jubilee you'd ...") holds facts, and one
            # inside a sentence ("I gave her your number and told her you'll ...") leaves no question: kept as written
            if at == 0 and names_nobody(m.group(0)):
                out.append(Mark(a, b, "demand", "strategy", "negative", text[a:b]))
                out.append(Mark(b, end, "bare_imperative", "strategy", "negative", text[b:end]))
                taken.append((a, b))  # the request after it may still end in an ultimatum ("... or don't bother")
            else:
                taken.append((a, end))
            break
    scan(strong)
    if impolite or out or any(m.name in HOSTILE for m in marks):
        scan(context)
    return out
