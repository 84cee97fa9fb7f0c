"""What each finding checks and why, with its own examples; plain words for strategies and labels.

The prose lives in ``lexicons/explanations.json``; the examples are the rules'
own ``flags`` / ``passes`` drafts (``refernlp/findings``), so what ``refernlp
explain`` shows is what the tests run. :func:`check_disable` refuses a
``--disable`` prefix that matches no rule, with the nearest ids.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from .errors import ConfigError, InputError
from .findings import RULES, Example, Rule, is_disabled
from .resources import lexicon

__all__ = [
    "Explanation",
    "StrategyExplanation",
    "check_disable",
    "explain",
    "explain_strategy",
    "label_gloss",
    "nearest",
    "rule_summary",
    "strategy_gloss",
]


def _data() -> dict:
    return lexicon("explanations")


def _example_dict(ex: Example | None) -> dict[str, Any] | None:
    if ex is None:
        return None
    return {
        "text": ex.text,
        "request_type": ex.request_type,
        "relationship": ex.relationship,
        "channel": ex.channel,
        "transparency": getattr(ex, "transparency", None),
        "politeness": getattr(ex, "politeness", None),
    }


@dataclass(frozen=True)
class Explanation:
    """One rule explained: what it checks, why (with the source of the advice), examples, how to switch it off."""

    id: str
    severity: str
    description: str
    checks: str
    why: str
    source: str
    flagged: Example | None
    passing: Example | None

    @property
    def disable(self) -> str:
        """How to switch the rule off, on the command line and in a config file."""
        return f'--disable {self.id}  (or disable = ["{self.id}"] in .refernlp.toml)'

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "description": self.description,
            "checks": self.checks,
            "why": self.why,
            "source": self.source,
            "flagged": _example_dict(self.flagged),
            "passing": _example_dict(self.passing),
            "disable": self.disable,
        }


@dataclass(frozen=True)
class StrategyExplanation:
    """A politeness strategy in plain words, with the rule it raises (if any)."""

    name: str
    polarity: str
    gloss: str
    rule: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "polarity": self.polarity, "gloss": self.gloss, "rule": self.rule}


def nearest(query: str, candidates: Sequence[str], n: int = 5) -> list[str]:
    """Up to ``n`` candidates closest to ``query``: ids under it or ending in it, then the most similar spellings."""
    q = query.strip().lower().rstrip(".")
    if not q:
        return []
    tails: dict[str, list[str]] = {}
    for c in candidates:
        tails.setdefault(c.rstrip(".").rsplit(".", 1)[-1], []).append(c)
    out = [c for c in candidates if c.startswith(q + ".") or c.endswith("." + q)]
    out += difflib.get_close_matches(q, list(candidates), n=n, cutoff=0.6)
    for tail in difflib.get_close_matches(q, list(tails), n=n, cutoff=0.6):
        out += tails[tail]
    return list(dict.fromkeys(out))[:n]


def _unknown(kind: str, value: str, candidates: Sequence[str], where: str = "") -> str:
    near = nearest(value, candidates)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    return f"unknown {kind} {value!r}{where}{hint} (`refernlp rules` lists every id)"


def explain(rule_id: str) -> Explanation:
    """The explanation of one rule; :class:`InputError` naming the nearest ids when there is no such rule."""
    rule: Rule | None = RULES.get(rule_id.strip())
    if rule is None:
        raise InputError(_unknown("rule id", rule_id, list(RULES)))
    prose = _data()["rules"].get(rule.id, {})
    return Explanation(
        id=rule.id,
        severity=rule.severity,
        description=rule.description,
        checks=prose.get("checks", rule.description),
        why=prose.get("why", ""),
        source=prose.get("source", ""),
        flagged=rule.flags[0] if rule.flags else None,
        passing=rule.passes[0] if rule.passes else None,
    )


def explain_strategy(name: str) -> StrategyExplanation | None:
    """A politeness strategy (``please_start``, ``demand``...) in plain words, or ``None`` if there is none of that name."""
    spec = lexicon("strategies")["strategies"].get(name.strip())
    if spec is None:
        return None
    finding = spec.get("finding")
    return StrategyExplanation(name.strip(), spec.get("polarity", "neutral"), strategy_gloss(name.strip()) or "", finding["id"] if finding else None)


def strategy_gloss(name: str) -> str | None:
    """A few plain words for a strategy ("thanks them", "gives an order")."""
    return _data()["strategies"].get(name)


def label_gloss(kind: str, label: str | None) -> str | None:
    """A few plain words for a label of ``kind`` (request_type, relationship, transparency, politeness, channel)."""
    return _data()["labels"].get(kind, {}).get(label) if label is not None else None


def rule_summary(rule: Rule) -> dict[str, Any]:
    """One rule as ``refernlp rules --format json`` lists it."""
    ex = explain(rule.id)
    return {"id": rule.id, "severity": rule.severity, "description": rule.description, "checks": ex.checks, "source": ex.source}


def check_disable(prefixes: Iterable[str], where: str = "--disable") -> None:
    """Refuse an id prefix that hides no rule (a typo would silently hide nothing), naming the nearest ids."""
    ids = list(RULES)
    for prefix in prefixes:
        if not any(is_disabled(rid, [prefix]) for rid in ids):
            raise ConfigError(_unknown("finding id or prefix", str(prefix), ids + sorted({i.split(".")[0] + "." for i in ids}), f" in {where}"))
