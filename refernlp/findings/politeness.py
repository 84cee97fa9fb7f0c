"""Politeness rules, made from the strategy lexicon's own flags.

Every strategy in ``lexicons/strategies.json`` with a ``finding`` entry raises
that finding, with its message and suggestion, at each span where the
strategy is detected. Its examples live in the same entry.
"""

from __future__ import annotations

from typing import Iterator

from ..resources import lexicon
from ..results import Finding
from .engine import Context, Example, finding, rule, trim_quote


def _register(strategy: str, spec: dict) -> None:
    rid, sev, message, suggestion = spec["id"], spec["severity"], spec["message"], spec["suggestion"]
    examples = lambda key: [Example(e["text"], e["type"], e["relationship"]) for e in spec.get(key, ())]  # noqa: E731

    @rule(rid, sev, message, flags=examples("flags"), passes=examples("passes"))
    def check(ctx: Context, id: str, severity: str) -> Iterator[Finding]:
        for mark in ctx.strat(strategy):
            yield finding(id, severity, f"{message} (“{trim_quote(ctx.text[mark.start : mark.end])}”)", mark, suggestion)


for _name, _spec in lexicon("strategies")["strategies"].items():
    if "finding" in _spec:
        _register(_name, _spec["finding"])


#: strategies whose own finding is a warning or an error: any of them already says why a draft reads as impolite
FLAGGED = tuple(n for n, sp in lexicon("strategies")["strategies"].items() if sp.get("finding", {}).get("severity") in ("warning", "error"))
#: milder signs of a curt tone (Danescu-Niculescu-Mizil et al.'s negative strategies), quoted as the reason
CURT = ("direct_question", "direct_start", "second_person_start", "factuality")


@rule("politeness.impolite", "warning", "The draft reads as impolite, with no command, demand or other flagged phrase to point at.",
      flags=[Example("So are they hiring or not? Why haven't you answered?", "general", "strong", politeness="impolite"),
             Example("hey. job at acme. u know the drill", "targeted", "strong", politeness="impolite")],
      passes=[Example("So are they hiring or not? Why haven't you answered?", "general", "strong", politeness="neutral"),
              Example("Refer me for the analyst role at Acme ASAP.", "targeted", "strong", politeness="impolite")])
def _impolite(ctx: Context, id: str, severity: str) -> Iterator[Finding]:
    if ctx.politeness != "impolite" or ctx.strat(*FLAGGED):
        return
    curt = ctx.strat(*CURT)
    if curt:
        quoted = ", ".join(dict.fromkeys(f"“{ctx.text[m.start : m.end].strip()[:40]}”" for m in curt))
        yield finding(id, severity, f"The tone reads as curt or impolite: {quoted}.", curt[0], "Soften it: greet them, ask with “Would you be open to …?”, and thank them.")
    else:
        yield finding(id, severity, "The tone reads as curt or impolite, though no single phrase stands out.", None, "Reread it as your contact would: greet them, ask with “Would you be open to …?”, give an easy out and thank them.")
