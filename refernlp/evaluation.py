"""Evaluate a Critic on labelled examples (``refernlp evaluate``)."""

from __future__ import annotations

from typing import Any, Sequence

from .critic import Critic
from .schema import SLOT_NAMES as SLOT_COLUMNS
from .schema import TASK_LABELS
from .training import Example, classification_metrics, slot_metrics


def evaluate_examples(critic: Critic, examples: Sequence[Example]) -> dict[str, Any]:
    """Metrics for every task whose label column is present in ``examples``."""
    results = critic.critique_many([e.text for e in examples])
    report: dict[str, Any] = {"n": len(examples), "tasks": {}, "slots": {}}

    def cls(task: str, col: str, labels: Sequence[str], pred_of) -> None:
        pairs = [(e.labels[col], pred_of(r)) for e, r in zip(examples, results) if e.labels.get(col) is not None]
        if pairs:
            report["tasks"][task] = classification_metrics([g for g, _ in pairs], [p for _, p in pairs], labels)

    cls("request_type", "type", TASK_LABELS["request_type"], lambda r: r.request_type.label)
    cls("transparency", "transparency", TASK_LABELS["transparency"], lambda r: r.transparency.label or "none")
    cls("politeness", "politeness", TASK_LABELS["politeness"], lambda r: r.politeness.label)
    cls("relationship", "relationship", TASK_LABELS["relationship"], lambda r: r.relationship.label)
    cls("purpose", "purpose", TASK_LABELS["purpose"], lambda r: r.purpose.label if r.purpose is not None else None)
    pairs = [(e.labels["asks_introduction"], r.asks_introduction) for e, r in zip(examples, results) if isinstance(e.labels.get("asks_introduction"), bool)]
    if pairs:
        report["tasks"]["asks_introduction"] = classification_metrics([str(g).lower() for g, _ in pairs], [str(p).lower() for _, p in pairs], ("false", "true"))
    for col in SLOT_COLUMNS:
        if any(col in e.labels for e in examples):
            rows = [(e.labels.get(col), getattr(r.slots, col)) for e, r in zip(examples, results) if col in e.labels]
            report["slots"][col] = slot_metrics([g for g, _ in rows], [p for _, p in rows])
    return report


def render_report(report: dict[str, Any]) -> str:
    lines = [f"{report['n']} examples", ""]
    for task, m in report["tasks"].items():
        lines.append(f"{task}: accuracy {m['accuracy']:.3f}, macro-F1 {m['macro_f1']:.3f} (n={m['n']})")
        for label, s in m["per_class"].items():
            lines.append(f"  {label:14} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  support {s['support']}")
        lines.append("  confusion (rows gold, columns predicted): " + " ".join(m["labels"]))
        for label, row in zip(m["labels"], m["confusion_matrix"]):
            lines.append(f"    {label:14} " + " ".join(f"{v:5d}" for v in row))
        lines.append("")
    if report["slots"]:
        lines.append("slots (exact match):")
        for col, s in report["slots"].items():
            lines.append(f"  {col:15} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (gold {s['n_gold']}, predicted {s['n_pred']})")
    return "\n".join(lines)
