"""A buried ask moved up: the first ask of a long draft, as edited, put after its second body sentence of substance.

Used by :func:`refernlp.rewrite.plans.plan_edits` when the critique finds ``ask.buried``. An ask that points back at
the role ("Would you be willing to refer me for it?") names the role the draft named once moved, or stays.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..results import Edit
from .edits import apply_edits, delete_sentence, edit
from .plans import BACK_REFERENCE, COMMON_START, NOT_A_COMPANY, Draft, role_np

#: a pointer back at the role named earlier: "for it", "for this position", "about that role"
_POINTER = re.compile(r"(?i)\b(for|about)\s+(?:(?:this|that|the)\s+(?:position|role|job|post|opening|vacancy|one)|it|this|that)\b(?![-'’])")


def _named_target(v: Mapping[str, Any], text: str, ask: str) -> str | None:
    """The role (at the company, unless ``ask`` names it) as the draft names them, for a moved ask that pointed
    back at them, or None."""
    role = v["role"] if v["role"] and v["role"] in text else None
    # (a lower-case company may be a misread word, "work at scale": the role alone then)
    company = v["company"] if v["company"] and v["company"] in text and v["company"].lower() not in NOT_A_COMPANY and not v["company"].islower() else None
    company = None if company and role and company in ask else company
    if role:
        return role_np(role) + (f" at {company}" if company else "")
    return f"a role at {company}" if company else None


def unbury(d: Draft, edits: list[Edit]) -> list[Edit]:
    """The first ask (as edited, with what was inserted after it) moved up to follow the second body sentence."""
    asks = d.asks()
    body = d.lay.sentences
    if not asks or len(body) < 4:
        return edits
    s, e = asks[0]
    k = body.index((s, e)) if (s, e) in body else -1
    # after the second sentence of some substance (a greeting line or "Greetings!" does not count)
    full = [i for i, (a, b) in enumerate(body) if len(d.text[a:b].split()) >= 6]
    if len(full) < 2 or k <= full[1] + 1:
        return edits
    j = full[1]
    # to the end of that sentence's paragraph ("... eight years. Where does the time go?" stays one thought), while
    # that is still well before the ask
    while j + 1 < k and j < full[1] + 2 and "\n" not in d.text[body[j][1] : body[j + 1][0]] and (
        body[j + 1][1] < 0.25 * len(d.text) or len(d.text[body[j + 1][0] : body[j + 1][1]].split()) < 6
    ):
        j += 1
    at = body[j][1]
    inside = [x for x in edits if s <= x.start and x.end <= e]
    if any(x.start < e and x.end > s and x not in inside for x in edits) or any(x.start <= at < x.end or x.start == at for x in edits):
        return edits
    moved = apply_edits(d.text[s:e], [Edit(x.start - s, x.end - s, x.before, x.after, x.reason) for x in inside]).strip()
    # ("if you felt comfortable with it" points at the ask itself, not at what came before)
    target = re.sub(r"(?i)\b(?:comfortable|ok|okay|happy|fine|alright|all right)\s+with\s+(?:it|that|this)\b", "", moved)
    # "Would you be willing to refer me for it?" names its target only where it stands: moved, it names the
    # role the draft named ("... for the Deputy Director role at MAS?"), or it stays
    pointer = _POINTER.search(target)
    named = _named_target(d.values, d.text, moved)
    if pointer and named:
        moved = re.sub(_POINTER, lambda m: m.group(1) + " " + named, moved, count=1)
        target = moved
    if not moved or re.search(r"(?i)\b(?:for|about|into|to|at|with)\s+(?:it|that|them|there|this)\b", target):
        return edits
    # it no longer follows what it answered: "So", "With all of that in mind," "Given all that," go
    moved = re.sub(BACK_REFERENCE, "", moved) or moved
    moved = moved[0].upper() + moved[1:] if moved.split()[0].lower() in COMMON_START or moved[0].islower() else moved
    rest = [x for x in edits if x not in inside]
    return [*rest, delete_sentence(d.text, d.lay, s, e, "ask.buried"), edit(d.text, at, at, " " + moved, "ask.buried")]
