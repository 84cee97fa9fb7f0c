"""Role candidate spans: the whole title as written, not just its head word.

A role title often runs past its head noun: ``Data Scientist, Credit Risk``,
``Medical Science Liaison (Oncology)``, ``Senior Architect – Healthcare``,
``Marketing Manager or Senior Marketing Manager``, ``Head of Finance``. The
proposer starts from every head word (``engineer``, ``nurse``, ``PMM`` …),
extends left over its modifiers and right over these suffixes, and offers
every combination as a candidate; the learned ranker (``models/role``)
chooses, using features that say which extensions a span took.
"""

from __future__ import annotations

from typing import Callable, Iterator, Sequence

from .base import TokenTable

#: heads that take an "of"/"for" complement: "Head of Finance", "Director of Operations"
OF_HEADS = frozenset({"head", "director", "directors", "vp", "manager", "lead", "professor", "lecturer", "officer", "chief", "president", "teacher", "lecturers", "heads"})
#: the complement words after an OF_HEADS head
OF_HEADS_COMPLEMENT = frozenset({"of", "for"})
#: punctuation that ends a modifier run to the left
STOP_PUNCT = frozenset({",", ".", "(", ")", ":", ";", "!", "?", "\"", "“", "”", "|"})
DASHES = frozenset({"–", "—", "-", "‒"})
JOINERS = frozenset({"-", "/", "&", "+", "#"})
#: words allowed inside a title suffix besides capitalised words ("Head of Finance and Operations")
SUFFIX_GLUE = frozenset({"of", "and", "&", "/", "-", "for", "the", "de", "des", "du", "la", "y", "e", "und"})
MAX_LEFT = 6
MAX_SUFFIX = 6

# Tokens are read from a TokenTable (token texts, lower-case forms and flags as
# lists) rather than as Token objects. A token's trailing whitespace is at most
# one space (a newline is a space token of its own), so no token's whitespace
# holds a line break and no rule needs to look for one there.


def _titleish(t: str) -> bool:
    """A word that can continue a title after a comma or dash: capitalised, upper case or a number."""
    return bool(t) and (t[:1].isupper() or t[:1].isdigit() or (t.isupper() and any(c.isalpha() for c in t)))


def _word(tab: TokenTable, i: int) -> bool:
    t = tab.texts[i]
    return not tab.is_space[i] and any(c.isalnum() for c in t) and t not in STOP_PUNCT


class RoleSpans:
    """Enumerates role candidate token spans ``(start, end, head, kinds)`` of a Doc's token table."""

    def __init__(self, role_heads: frozenset[str], generic_heads: frozenset[str], modifier_stop: frozenset[str]) -> None:
        self.role_heads = role_heads
        self.generic_heads = generic_heads
        self.modifier_stop = modifier_stop

    # --- left: modifiers before the head ------------------------------------------
    def starts(self, tab: TokenTable, head: int, limit: int = 0) -> list[int]:
        texts, lowers = tab.texts, tab.lowers
        out = [head]
        j = head - 1
        while j >= limit and head - j <= MAX_LEFT:
            low, t = lowers[j], texts[j]
            if low in {"or", "/"} and j - 1 >= limit and len(out) >= 1 and _word(tab, j - 1) and lowers[j - 1] not in self.modifier_stop and lowers[j - 1] not in self.generic_heads:
                # "production or maintenance supervisor": an alternative modifier
                j -= 1
                continue
            if tab.is_space[j] or low in self.modifier_stop or t in STOP_PUNCT or low in self.generic_heads:
                break
            if t in JOINERS:
                j -= 1
                continue
            if not any(c.isalnum() for c in t):
                break
            out.append(j)
            j -= 1
        return out

    # --- right: the suffixes a title can take -----------------------------------------
    def _run(self, tab: TokenTable, i: int, first_ok: Callable[[int], bool], n_max: int = MAX_SUFFIX) -> list[int]:
        """Possible ends of a run of title words starting at token ``i`` (``first_ok`` judges token ``i``)."""
        texts, lowers, is_space = tab.texts, tab.lowers, tab.is_space
        ends = []
        j = i
        while j < tab.n and j - i < n_max:
            t = texts[j]
            if is_space[j] or t in STOP_PUNCT or t in DASHES and j == i:
                break
            if lowers[j] in SUFFIX_GLUE or t in JOINERS:
                j += 1
                continue
            if not (first_ok(j) if j == i else (_titleish(t) or lowers[j] in self.role_heads)):
                break
            j += 1
            ends.append(j)
        return ends

    def suffixes(self, tab: TokenTable, e: int) -> Iterator[tuple[int, str]]:
        """``(new_end, kind)`` for each suffix that can follow a title ending before token ``e``."""
        n = tab.n
        if e >= n:
            return
        texts, lowers = tab.texts, tab.lowers
        t = texts[e]
        if t == "," and e + 1 < n:
            for end in self._run(tab, e + 1, lambda x: texts[x][:1].isupper() and tab.is_alpha[x] and texts[x] != "I", 4):
                yield end, "comma"
        elif t == "(":
            for j in range(e + 1, min(n, e + 12)):
                if texts[j] == ")":
                    if j > e + 1:
                        yield j + 1, "paren"
                    break
                if texts[j] in {"(", "."}:
                    break
        elif t in DASHES and (tab.spacy[e - 1] or t != "-") and e + 1 < n:
            for end in self._run(tab, e + 1, lambda x: _titleish(texts[x]) or lowers[x] in self.role_heads):
                yield end, "dash"
        elif t == ":" and e + 1 < n:
            for end in self._run(tab, e + 1, lambda x: _titleish(texts[x]), 3):
                yield end, "colon"
        elif lowers[e] in {"or", "/", "and"} and e + 1 < n:
            # "QA Engineer or Software Tester": a second role ending in a head within reach
            for j in range(e + 1, min(n, e + 1 + MAX_LEFT)):
                if tab.is_space[j] or texts[j] in STOP_PUNCT:
                    break
                d = lowers[j]
                if d in self.role_heads:
                    yield j + 1, "or"
                if d in self.modifier_stop and d not in self.role_heads:
                    break
        if lowers[e] in OF_HEADS_COMPLEMENT and lowers[e - 1] in OF_HEADS and e + 1 < n:
            for end in self._run(tab, e + 1, lambda x: tab.is_alpha[x] and lowers[x] not in self.modifier_stop, 4):
                yield end, "of"
        if lowers[e] in self.generic_heads:
            yield e + 1, "generic"

    def spans(self, tab: TokenTable, in_url: Sequence[bool]) -> Iterator[tuple[int, int, int, tuple[str, ...]]]:
        """``(start, end, head, kinds)`` token spans; ``kinds`` names the suffixes taken, in order.

        ``in_url``: per token, whether it starts inside a URL (heads and span ends there are skipped).
        """
        seen: set[tuple[int, int]] = set()
        role_heads = self.role_heads
        for i in [i for i, low in enumerate(tab.lowers) if low in role_heads and not in_url[i]]:
            ends: list[tuple[int, tuple[str, ...]]] = [(i + 1, ())]
            frontier: list[tuple[int, tuple[str, ...]]] = [(i + 1, ())]
            for _ in range(3):
                nxt = []
                for e, kinds in frontier:
                    for e2, kind in self.suffixes(tab, e):
                        if e2 > e and len(kinds) < 3 and not in_url[e2 - 1]:
                            nxt.append((e2, kinds + (kind,)))
                ends.extend(nxt)
                frontier = nxt
                if not frontier:
                    break
            for s in self.starts(tab, i):
                for e, kinds in ends:
                    if (s, e) in seen:
                        continue
                    seen.add((s, e))
                    yield s, e, i, kinds
