"""Linter-style findings: checks as data, each with a stable dotted id, a severity, a span and examples.

``RULES`` maps every id to its :class:`Rule` (severity, description, the
drafts it must flag and must pass); ``refernlp rules`` lists them. Rules are
hidden by id prefix (``--disable politeness.`` or a config file); judging and
rewriting always run all of them.
"""

from __future__ import annotations

from . import politeness, rules  # noqa: F401  (importing them registers their rules)
from .engine import RULES, Context, Example, Rule, count_words, finding, hide, is_disabled, missing_elements, run_rules

#: the order ``refernlp rules`` lists rules in: by what they are about
_ORDER = ("ask", "transparency", "relationship", "politeness", "courtesy", "targeted", "length", "language", "input")
_sorted = sorted(RULES.values(), key=lambda r: _ORDER.index(r.id.split(".")[0]) if r.id.split(".")[0] in _ORDER else len(_ORDER))
RULES.clear()
RULES.update((r.id, r) for r in _sorted)

__all__ = ["RULES", "Context", "Example", "Rule", "count_words", "finding", "hide", "is_disabled", "missing_elements", "run_rules"]
