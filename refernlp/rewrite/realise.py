"""The phrase bank's vocabulary and small agreement helpers (articles, first names).

The phrase bank (``refernlp/lexicons/phrases.json``) holds every sentence a
rewrite may add; :func:`phrase_bank_words` is the vocabulary the "nothing
invented" checks allow beyond the draft's own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..resources import lexicon
from .words import TITLE, WORD


def phrase_bank_words(bank: Mapping[str, Any] | None = None) -> set[str]:
    """Every lower-cased word of the phrase bank: what a rewrite may add beyond the draft's own words."""
    return set(_bank_words(lexicon("phrases") if bank is None else bank))


def _bank_words(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield from (w.lower() for w in WORD.findall(node))
    elif isinstance(node, list):
        for x in node:
            yield from _bank_words(x)
    elif isinstance(node, dict):
        for v in node.values():
            yield from _bank_words(v)


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


def first_name(name: str) -> str:
    """How to greet someone named in the draft: "Jonah Whitfield" -> "Jonah", "Dr Achterberg" kept."""
    return name if TITLE.match(name) else name.split()[0]
