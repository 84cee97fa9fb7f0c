"""Where the parts of a draft are: subject line, greeting, body sentences and sign-off (:func:`layout`).

The rewriter edits body sentences only; the subject, the greeting and the sign-off are kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_GREETING = re.compile(
    r"\s*(?:(?i:hi+|hey+|hello|dear|respected|ch[eè]re?|querid[oa]|estimad[oa]|liebe[r]?|car[oa]|prezad[oa]|hiya|heya|yo|good\s+(?:morning|afternoon|evening)|hola|bonjour|salut|ciao|hallo|ol[aá]|g'day|howdy|greetings)"
    r"(?:\s+(?i:mr|mrs|ms|dr|miss|prof)\.?)?(?:\s+[\w'’.-]+){0,3}?\s*[,!.:\-–—]+|(?i:hi+|hey+|hello)\b"
    r"|[A-Z][\w'’-]+\s*[,:—–-]+[ \t]*(?=\n))[ \t]*"
)
_CLOSING = re.compile(
    r"^\s*(?:[-–—~]\s*)?(?:best|best wishes|best regards|kind regards|warm regards|regards|warmly|cheers|thanks|"
    r"thank you|thanks again|many thanks|thanks so much|thx|ty|sincerely|yours|yours sincerely|yours truly|"
    r"all the best|talk soon|speak soon|take care|love|xx?|respectfully|with thanks|gratefully)\b[^\n]{0,40}$",
    re.IGNORECASE,
)
_INLINE_SIGN = re.compile(
    r"(?:^|(?<=[.!?])\s+|\s+[-–—]\s*)((?:(?i:thanks|thank you|merci(?: d['’]avance| beaucoup)?|gracias|danke|grazie|obrigad[oa]|cordialement|saludos|cheers|best|regards|thx|ty|many thanks|thanks so much|"
    r"best wishes|kind regards|warm regards|best regards|warmly|sincerely|respectfully|with thanks)"
    r"[\s,!.]*)?(?:[-–—]\s*)?[A-Z][\w'’-]{1,20}(?:\s+(?:de|da|di|du|van|von|der|den|la|le|bin|binti|al|el|[A-Z][\w'’-]{1,20})){0,3}\.?)\s*$"
)
_SUBJECT = re.compile(r"^\s*(?:subject|re)\s*:[^\n]*\n", re.IGNORECASE)


@dataclass(frozen=True)
class Layout:
    """Where the parts of a draft are: subject line, greeting, body sentences, sign-off."""

    text: str
    sentences: tuple[tuple[int, int], ...]  #: stripped, non-blank sentence spans of the body
    body_start: int  #: first character after the subject line and the greeting
    body_end: int  #: where the sign-off starts (len(text) when there is none)
    greeting: str | None  #: the greeting as written ("Hi Marcus,")

    def sentence_at(self, offset: int) -> tuple[int, int] | None:
        for s, e in self.sentences:
            if s <= offset < e:
                return (s, e)
        return None

    @property
    def last_end(self) -> int:
        """The end of the last body sentence (where closing lines go)."""
        return self.sentences[-1][1] if self.sentences else self.body_end


def layout(doc: Any) -> Layout:
    text = doc.text
    start = 0
    m = _SUBJECT.match(text)
    if m:
        start = m.end()
    greeting = None
    g = _GREETING.match(text, start)
    if g and g.group(0).strip():
        greeting = g.group(0).strip()
        start = g.end()
    end = _signoff_start(text)
    sents = []
    for sent in doc.sents:
        s, e = sent.start_char, sent.end_char
        s, e = max(s, start), min(e, end)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            sents.append((s, e))
    while len(sents) > 1 and text[sents[-1][1] - 1] == "," and (sents[-1][0] == 0 or text[sents[-1][0] - 1] == "\n"):
        end = sents[-1][0]
        sents.pop()
    return Layout(text, tuple(sents), start, end, greeting)


def _signoff_start(text: str) -> int:
    """Where the sign-off begins: a closing line with the lines after it (name, title, contact details),
    a name alone on the last line, or "Thanks, Ana" inline."""
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]*", text) if m.group(0).strip()]
    if not lines:
        return len(text)
    pos = len(text.rstrip())
    tail = lines[-6:]
    for i, (at, line) in enumerate(tail):
        if i == 0 and len(lines) <= len(tail):
            continue
        rest = tail[i + 1 :]
        if _CLOSING.match(line) and len(line.split()) <= 5 and all(len(x.split()) <= 8 and not re.search(r"[.!?]\s+\w", x) for _, x in rest):
            return at
    last_at, last = lines[-1]
    words = last.split()
    name_line = len(words) <= 4 and len(last.strip()) <= 40 and "?" not in last and (
        last.strip()[:1].isupper() or last.strip()[:1] in "-–—~"
    ) and not re.search(r"[.!]\s*\S", re.sub(r"\b[A-Z]\.", "", last.strip()))
    if len(lines) >= 2 and name_line:
        return last_at
    m = _INLINE_SIGN.search(text[max(0, pos - 60) : pos])
    if m and (m.group(1).split()[0].lower().rstrip(",!.") in _SIGN_WORDS or m.group(0).lstrip().startswith(("-", "–", "—"))):
        return max(0, pos - 60) + m.start(1)
    x = re.search(r"(?<=\S)\s+(?:x{1,3}|xo)\s*$", text[:pos])  # "no stress if not x": the kiss closes the note
    return x.start() + len(x.group(0)) - len(x.group(0).lstrip()) if x else len(text)


#: the first words of an inline sign-off ("Thanks, Ana", "Kind regards, Suresh")
_SIGN_WORDS = frozenset(
    "thanks thank cheers best regards thx ty many kind warm warmly sincerely respectfully with merci gracias danke grazie "
    "obrigado obrigada cordialement saludos".split()
)
