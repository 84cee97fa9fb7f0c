"""Whole clauses of the draft reused verbatim: the line on fit, shared history, a compliment.

A sentence of the draft is cut at a clause boundary before anything impolite,
any ask or any second-person clause; greetings, labels ("Subject:") and
fillers ("lol") are left out, and what is kept reads as one sentence.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .words import WORD, doubled

Spans = list[tuple[int, int]]

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
_REUSE_WINDOW = 600  #: characters of a draft sentence searched for clauses to reuse



def _clean_piece(text: str) -> str:
    text = "".join(c for c in text if unicodedata.category(c) not in {"So", "Cs", "Co"} and c < "\U0001f000")
    text = _FILLERS.sub("", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(^|\s)i(?=$|\s|[’'](?:m|ve|d|ll)\b)", lambda m: m.group(1) + "I", text)


def finish(text: str) -> str:
    """A reused piece as a sentence: capitalised, one closing mark."""
    text = text.strip().rstrip(",;:-–— ")
    if not text:
        return ""
    if text[0].islower():
        text = text[0].upper() + text[1:]
    if text[-1] not in ".!?":
        text += "."
    return text


def _overlaps(spans: Spans, start: int, end: int) -> bool:
    return any(s < end and e > start for s, e in spans)


def reuse(
    doc: Any,
    sent: Any,
    bad: Spans,
    asks: Spans,
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
    if len(WORD.findall(piece)) > max_words:
        if clauses[0][1] >= kept_end:
            return None
        piece = _clean_piece(text[start : clauses[0][1]])
        if len(WORD.findall(piece)) > max_words:
            return None
    if doubled(piece):  # "anything, anything at all": emphatic in a chat, a slip in a rewrite
        if clauses[0][1] >= kept_end:
            return None
        piece = _clean_piece(text[start : clauses[0][1]])
        if doubled(piece):
            return None
    if len(WORD.findall(piece)) < 4:
        return None
    return finish(piece)


def fit_line(doc: Any, bad: Spans, asks: Spans, avoid: tuple[str, ...]) -> str | None:
    """The draft's best sentence (cut to its experience clauses) on why the sender fits."""
    best, best_score = None, 0
    for sent in doc.sents:
        s = sent.text
        score = 2 * len(_FIT_STRONG.findall(s)) + len(_FIT_WEAK.findall(s))
        if score <= best_score:
            continue
        piece = reuse(doc, sent, bad, asks, allow_you=False, avoid=avoid, max_words=30, need=_FIT_ANY)
        if piece:  # "My name is Lucas, I am a chemical engineer": the blurb introduces the sender already
            piece = finish(_MY_NAME.sub("", piece, count=1)) if _MY_NAME.match(piece) else piece
        if piece and len(WORD.findall(piece)) >= 4 and (_FIRST_PERSON.search(piece) or _FIT_STRONG.search(piece)):
            best, best_score = piece, score
    return best


def cue_sentence(doc: Any, starts: list[int], bad: Spans, asks: Spans, used: set[str], max_words: int = 35) -> str | None:
    """The first clean sentence holding one of the character offsets ``starts``."""
    for at in starts:
        for sent in doc.sents:
            if sent.start_char <= at < sent.end_char:
                piece = reuse(doc, sent, bad, asks, allow_you=True, max_words=max_words)
                if piece and piece not in used:
                    return piece
                break
    return None
