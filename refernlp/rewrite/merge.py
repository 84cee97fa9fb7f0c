"""Composing two rounds of edits into one list against the draft (the rewriter's second pass)."""

from __future__ import annotations

from typing import Any, Sequence

from ..results import Edit
from .edits import apply_edits, valid_edits


def compose_edits(text: str, first: Sequence[Edit], second: Sequence[Edit]) -> tuple[Edit, ...]:
    """Edits against ``text`` equal to applying ``first`` and then ``second`` (which is against the result).

    An edit of ``second`` inside text that ``first`` left alone maps straight back
    to the draft; one that touches what ``first`` wrote is merged with that edit
    (the merged edit keeps the reason of a first edit that changed the draft's words,
    else takes the second's). ``apply_edits(text, result)
    == apply_edits(apply_edits(text, first), second)``.
    """
    first = list(valid_edits(first))
    # segments of the first result: (result start, result end, draft start, draft end, edit or None)
    segs: list[tuple[int, int, int, int, Edit | None]] = []
    t = d = 0
    for e in first:
        if e.start > d:
            segs.append((t, t + e.start - d, d, e.start, None))
            t += e.start - d
        segs.append((t, t + len(e.after), e.start, e.end, e))
        t += len(e.after)
        d = e.end
    segs.append((t, t + len(text) - d, d, len(text), None))

    def mapped(pos: int, at_end: bool, src: int) -> int:
        """``pos`` in the result (src 0) as a draft offset, or in the draft (src 2) as a result offset: exact in
        text the first pass left alone, else the start or end of the edit it falls in."""
        dst = 2 - src
        for seg in segs:
            if seg[4] is None and seg[src] <= pos <= seg[src + 1]:
                return seg[dst] + pos - seg[src]
        for seg in segs:
            if seg[src] <= pos <= seg[src + 1]:
                return seg[dst + 1] if at_end else seg[dst]
        return segs[-1][dst + 1]

    def to_draft(pos: int, at_end: bool) -> int:
        return mapped(pos, at_end, 0)

    def to_result(pos: int, at_end: bool) -> int:
        return mapped(pos, at_end, 2)

    # groups of draft ranges: each first edit, each second edit (mapped); touching ranges merge
    items = [(e.start, e.end, 1, e) for e in first] + [(to_draft(e.start, False), to_draft(e.end, True), 2, e) for e in second]
    items.sort(key=lambda x: (x[0], x[1]))
    groups: list[list[Any]] = []
    for a, b, kind, e in items:
        if groups and a <= groups[-1][1]:
            g = groups[-1]
            g[1] = max(g[1], b)
            g[2].append((a, b, kind, e))
        else:
            groups.append([a, b, [(a, b, kind, e)]])
    out: list[Edit] = []
    for a, b, members in groups:
        seconds = [e for _, _, k, e in members if k == 2]
        if not seconds:
            out.extend(e for _, _, _, e in members)
            continue
        firsts = [e for _, _, k, e in members if k == 1]
        spans = [(x[0], x[1]) for x in segs if x[4] is not None and any(x[4] is f for f in firsts)]
        ts = min([to_result(a, False)] + [s.start for s in seconds] + [x for x, _ in spans])
        te = max([to_result(b, True)] + [s.end for s in seconds] + [y for _, y in spans])
        result = apply_edits(text, first)
        after = apply_edits(result[ts:te], [Edit(s.start - ts, s.end - ts, s.before, s.after, s.reason) for s in seconds])
        lo = min([a] + [f.start for f in firsts])
        hi = max([b] + [f.end for f in firsts])
        # the reason of the change to the draft's own words when the first pass made one, else the second's
        changed = [f for f in firsts if f.before.strip()]
        out.append(Edit(lo, hi, text[lo:hi], after, (changed[0] if changed else seconds[0]).reason))
    return valid_edits(out)


def tidy_spacing(text: str, edits: Sequence[Edit]) -> tuple[Edit, ...]:
    """``edits`` with the spaces of their inserted text fitted to what ends up around it.

    An insertion is written for the draft as it stands ("␣Happy to send my resume."
    after a sentence); when the sentence before it is deleted, or another insertion
    lands at the same offset, the result would read "…each other]␣␣Happy" or
    "resume.No worries". Only spaces and tabs at the ends of ``after`` change: one
    next to whitespace goes, and a sentence end meeting a word gets one.
    """
    out: list[Edit] = []
    result = ""
    at = 0

    def fitted(left: str, right: str) -> str:
        """``right`` (an insertion, not empty) fitted to ``left``, the text before it."""
        if (not left or left[-1].isspace()) and right[0] in " \t":
            return right.lstrip(" \t")
        if left and left[-1] in ".!?" and (right[0].isalnum() or right[0] == "["):
            return " " + right
        return right

    for e in valid_edits(edits):
        kept = text[at : e.start]
        if kept and out and out[-1].after and out[-1].end == at:
            last = out[-1]
            if last.after[-1] in " \t" and kept[0].isspace():
                fixed = last.after.rstrip(" \t")
            elif last.after[-1] in ".!?" and kept[0].isalnum():
                fixed = last.after + " "
            else:
                fixed = last.after
            if fixed != last.after:
                result = result[: len(result) - len(last.after)] + fixed
                out[-1] = Edit(last.start, last.end, last.before, fixed, last.reason)
        result += kept
        after = fitted(result, e.after) if e.after else e.after
        if not text[e.end :].strip(" \t") and after.endswith((" ", "\t")):
            after = after.rstrip(" \t")
        out.append(e if after == e.after else Edit(e.start, e.end, e.before, after, e.reason))
        result += after
        at = e.end
    return tuple(out)
