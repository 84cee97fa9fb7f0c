"""Politeness rules, made from the strategy lexicon's own flags.

Every strategy in ``lexicons/strategies.json`` with a ``finding`` entry raises
that finding, with its message and suggestion, at each span where the
strategy is detected. Its examples live in the same entry.
"""

from __future__ import annotations

from typing import Iterator

from ..resources import lexicon
from ..results import Finding
from .engine import Context, Example, finding, rule


def _register(strategy: str, spec: dict) -> None:
    rid, sev, message, suggestion = spec["id"], spec["severity"], spec["message"], spec["suggestion"]
    examples = lambda key: [Example(e["text"], e["type"], e["relationship"]) for e in spec.get(key, ())]  # noqa: E731

    @rule(rid, sev, message, flags=examples("flags"), passes=examples("passes"))
    def check(ctx: Context, id: str, severity: str) -> Iterator[Finding]:
        for mark in ctx.strat(strategy):
            yield finding(id, severity, f"{message} (“{ctx.text[mark.start : mark.end].strip()[:60]}”)", mark, suggestion)


for _name, _spec in lexicon("strategies")["strategies"].items():
    if "finding" in _spec:
        _register(_name, _spec["finding"])
