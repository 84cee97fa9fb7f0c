"""Word-level helpers shared by the rewriter's modules: words, placeholders, titles, doubled words, letter case."""

from __future__ import annotations

import re

#: a word, as counted for lengths, overlaps and the phrase bank's vocabulary
WORD = re.compile(r"[\w'’-]+", re.UNICODE)
#: a ``[placeholder]`` for what the draft lacks
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,60}\]")
#: a courtesy title at the start of a name ("Dr Achterberg", "Ms. Okafor")
TITLE = re.compile(r"^(?:mr|mrs|ms|dr|miss|prof|sir|madam|mx)\b\.?", re.IGNORECASE)


def placeholders(text: str) -> tuple[str, ...]:
    """The distinct ``[placeholders]`` of a text, in order."""
    return tuple(dict.fromkeys(PLACEHOLDER.findall(text)))


def doubled(text: str) -> bool:
    """Whether a word or a phrase of up to four words is repeated back to back."""
    words = [w for w in (w.strip(".,;:!?()\"“”").lower() for w in PLACEHOLDER.sub(" ", text).split()) if w]
    for n in (1, 2, 3, 4):
        for i in range(len(words) - 2 * n + 1):
            if words[i : i + n] == words[i + n : i + 2 * n]:
                return True
    return False


def jaccard(a: str, b: str) -> float:
    """Token Jaccard similarity of two texts (lower-cased word sets)."""
    ta = frozenset(w.lower() for w in WORD.findall(a))
    tb = frozenset(w.lower() for w in WORD.findall(b))
    if not ta and not tb:
        return 1.0
    return len(ta & tb) / len(ta | tb)


#: words that never stay upper case in shouting (short acronyms such as SQL, HR or ID do)
SHOUT_COMMON = frozenset(
    "a an and are as at be but by can do for from get go he her him his i if in is it its me my no not now of on "
    "or our out so the them they this to up us we what when who why will with you your yes ok okay "
    "job all any got let one two day how has had was did new old see say pls plz too yet off own way bro hey".split()
)
LETTERS = re.compile(r"[A-Za-z][A-Za-z'’]*")


def case_like(old: str, new: str) -> str:
    """``new`` with a capital first letter when ``old`` has one."""
    return new[0].upper() + new[1:] if old[:1].isupper() else new


def unshout(piece: str) -> str:
    """Shouted words lower-cased; short acronyms (SQL, HR, CV) stay as written."""
    def low(m: re.Match[str]) -> str:
        w = m.group(0)
        if w == "A":
            return "a"
        if not (w.isupper() and len(w) >= 2):
            return w
        if len(w) <= 3 and w.lower() not in SHOUT_COMMON:
            return w  # an acronym: SQL, HR, CV
        return w.lower()

    return LETTERS.sub(low, piece)


def cap(piece: str) -> str:
    """The first letter upper-cased (after leading spaces, quotes or a bracket)."""
    for i, c in enumerate(piece):
        if c.isalpha():
            return piece[:i] + c.upper() + piece[i + 1 :]
        if not (c.isspace() or c in "\"'“‘("):
            return piece
    return piece


def decap(piece: str) -> str:
    """The first word lower-cased when it is a plain capitalised word (never "I", "I'm" ...)."""
    m = re.match(r"([A-Z])([a-z'’]*)", piece)
    if not m or m.group(0) in {"I", "I'm", "I’m", "I've", "I’ve", "I'd", "I’d", "I'll", "I’ll"}:
        return piece
    return piece[0].lower() + piece[1:]
