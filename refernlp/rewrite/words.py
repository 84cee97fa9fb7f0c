"""Word-level helpers shared by the rewriter's modules: words, placeholders, titles, doubled words."""

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
