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

from typing import Iterator

from spacy.tokens import Doc, Token

#: heads that take an "of"/"for" complement: "Head of Finance", "Director of Operations"
OF_HEADS = frozenset({"head", "director", "directors", "vp", "manager", "lead", "professor", "lecturer", "officer", "chief", "president", "teacher", "lecturers", "heads"})
#: punctuation that ends a modifier run to the left
STOP_PUNCT = frozenset({",", ".", "(", ")", ":", ";", "!", "?", "\"", "“", "”", "|"})
DASHES = frozenset({"–", "—", "-", "‒"})
JOINERS = frozenset({"-", "/", "&", "+", "#"})
#: words allowed inside a title suffix besides capitalised words ("Head of Finance and Operations")
SUFFIX_GLUE = frozenset({"of", "and", "&", "/", "-", "for", "the", "de", "des", "du", "la", "y", "e", "und"})
MAX_LEFT = 6
MAX_SUFFIX = 6


def _titleish(tok: Token) -> bool:
    """A word that can continue a title after a comma or dash: capitalised, upper case or a number."""
    t = tok.text
    return bool(t) and (t[:1].isupper() or t[:1].isdigit() or (t.isupper() and any(c.isalpha() for c in t)))


def _word(tok: Token) -> bool:
    return not tok.is_space and any(c.isalnum() for c in tok.text) and tok.text not in STOP_PUNCT


class RoleSpans:
    """Enumerates role candidate token spans ``(start, end, kinds)`` of a Doc."""

    def __init__(self, role_heads: frozenset[str], generic_heads: frozenset[str], modifier_stop: frozenset[str]) -> None:
        self.role_heads = role_heads
        self.generic_heads = generic_heads
        self.modifier_stop = modifier_stop

    # --- left: modifiers before the head ------------------------------------------
    def starts(self, doc: Doc, head: int, limit: int = 0) -> list[int]:
        out = [head]
        j = head - 1
        while j >= limit and head - j <= MAX_LEFT:
            t = doc[j]
            if t.lower_ in {"or", "/"} and j - 1 >= limit and len(out) >= 1 and _word(doc[j - 1]) and doc[j - 1].lower_ not in self.modifier_stop and doc[j - 1].lower_ not in self.generic_heads:
                # "production or maintenance supervisor": an alternative modifier
                j -= 1
                continue
            if t.is_space or "\n" in t.whitespace_ or t.lower_ in self.modifier_stop or t.text in STOP_PUNCT or t.lower_ in self.generic_heads:
                break
            if t.text in JOINERS:
                j -= 1
                continue
            if not any(c.isalnum() for c in t.text):
                break
            out.append(j)
            j -= 1
        return out

    # --- right: the suffixes a title can take -----------------------------------------
    def _run(self, doc: Doc, i: int, first_ok, n_max: int = MAX_SUFFIX) -> list[int]:
        """Possible ends of a run of title words starting at token ``i``."""
        ends = []
        j = i
        while j < len(doc) and j - i < n_max:
            t = doc[j]
            if t.is_space or t.text in STOP_PUNCT or t.text in DASHES and j == i:
                break
            if t.lower_ in SUFFIX_GLUE or t.text in JOINERS:
                j += 1
                continue
            if not (first_ok(t) if j == i else (_titleish(t) or t.lower_ in self.role_heads)):
                break
            j += 1
            ends.append(j)
            if "\n" in t.whitespace_:
                break
        return ends

    def suffixes(self, doc: Doc, e: int) -> Iterator[tuple[int, str]]:
        """``(new_end, kind)`` for each suffix that can follow a title ending before token ``e``."""
        n = len(doc)
        if e >= n or "\n" in doc[e - 1].whitespace_:
            return
        t = doc[e]
        if t.text == "," and e + 1 < n:
            for end in self._run(doc, e + 1, lambda x: x.text[:1].isupper() and x.is_alpha and x.text != "I", 4):
                yield end, "comma"
        elif t.text == "(":
            for j in range(e + 1, min(n, e + 12)):
                if doc[j].text == ")":
                    if j > e + 1:
                        yield j + 1, "paren"
                    break
                if "\n" in doc[j].whitespace_ or doc[j].text in {"(", "."}:
                    break
        elif t.text in DASHES and (doc[e - 1].whitespace_ or t.text != "-") and e + 1 < n:
            for end in self._run(doc, e + 1, lambda x: _titleish(x) or x.lower_ in self.role_heads):
                yield end, "dash"
        elif t.text == ":" and e + 1 < n:
            for end in self._run(doc, e + 1, _titleish, 3):
                yield end, "colon"
        elif t.lower_ in {"or", "/", "and"} and e + 1 < n:
            # "QA Engineer or Software Tester": a second role ending in a head within reach
            for j in range(e + 1, min(n, e + 1 + MAX_LEFT)):
                d = doc[j]
                if d.is_space or d.text in STOP_PUNCT or "\n" in doc[j - 1].whitespace_:
                    break
                if d.lower_ in self.role_heads:
                    yield j + 1, "or"
                if d.lower_ in self.modifier_stop and d.lower_ not in self.role_heads:
                    break
        if e < n and t.lower_ in OF_HEADS_COMPLEMENT and doc[e - 1].lower_ in OF_HEADS and e + 1 < n:
            for end in self._run(doc, e + 1, lambda x: x.is_alpha and x.lower_ not in self.modifier_stop, 4):
                yield end, "of"
        if t.lower_ in self.generic_heads:
            yield e + 1, "generic"

    def spans(self, doc: Doc, in_url) -> Iterator[tuple[int, int, int, tuple[str, ...]]]:
        """``(start, end, head, kinds)`` token spans; ``kinds`` names the suffixes taken, in order."""
        seen: set[tuple[int, int]] = set()
        for tok in doc:
            if tok.lower_ not in self.role_heads or in_url[tok.idx]:
                continue
            ends: list[tuple[int, tuple[str, ...]]] = [(tok.i + 1, ())]
            frontier = [(tok.i + 1, ())]
            for _ in range(3):
                nxt = []
                for e, kinds in frontier:
                    for e2, kind in self.suffixes(doc, e):
                        if e2 > e and len(kinds) < 3 and not in_url[doc[e2 - 1].idx]:
                            nxt.append((e2, kinds + (kind,)))
                ends.extend(nxt)
                frontier = nxt
                if not frontier:
                    break
            for s in self.starts(doc, tok.i):
                for e, kinds in ends:
                    if (s, e) in seen:
                        continue
                    seen.add((s, e))
                    yield s, e, tok.i, kinds


#: the complement words after an OF_HEADS head
OF_HEADS_COMPLEMENT = frozenset({"of", "for"})
