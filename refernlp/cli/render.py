"""Text rendering of critiques and rewrites for the terminal."""

from __future__ import annotations

from typing import Sequence

import click

from ..explain import label_gloss, strategy_gloss
from ..schema import NOTABLE_STRATEGIES
from .formats import LineIndex

SEVERITY_COLOR = {"error": "red", "warning": "yellow", "info": "cyan"}


def line_col(text: str, offset: int) -> str:
    """``LINE:COL`` of an offset, as the line and SARIF formats count them (code points; CR, LF or CRLF end a line)."""
    line, col = LineIndex(text).position(offset)
    return f"{line}:{col}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 word``, ``2 words``; ``many`` for irregular plurals."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def verdict_line(result) -> str:
    """The one-line verdict: the critique's own when it has one, else from the findings' severities."""
    verdict = getattr(result, "verdict", None)
    summary = verdict.get("summary") if isinstance(verdict, dict) else getattr(verdict, "summary", None)
    if summary:
        return str(summary)
    counts = {sev: sum(1 for f in result.findings if f.severity == sev) for sev in SEVERITY_COLOR}
    serious = counts["error"] + counts["warning"]
    if serious:
        parts = [plural(counts[s], s) for s in ("error", "warning") if counts[s]]
        return f"fix {plural(serious, 'thing')} first ({', '.join(parts)})"
    if counts["info"]:
        return f"ready to send ({plural(counts['info'], 'suggestion')} to consider)"
    return "ready to send"


def _gloss(kind: str, label: str | None) -> str:
    words = label_gloss(kind, label)
    return f" — {words}" if words else ""


def marked_draft(text: str, spans: Sequence[tuple[int, int, str]], color: bool) -> str:
    """The draft with flagged spans marked: coloured on a terminal, ``[[...]]`` otherwise."""
    spans = sorted({(s, e, sev) for s, e, sev in spans if s is not None and e is not None and e > s})
    out, pos = [], 0
    for s, e, sev in spans:
        if s < pos:
            continue
        out.append(text[pos:s])
        piece = text[s:e]
        out.append(click.style(piece, fg=SEVERITY_COLOR[sev], underline=True, bold=True) if color else f"[[{piece}]]")
        pos = e
    out.append(text[pos:])
    body = "".join(out).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join("  │ " + line for line in body.split("\n"))


def render_text(source: str, result, color: bool, show_draft: bool = True) -> str:

    st = lambda s, **kw: click.style(s, **kw) if color else s  # noqa: E731
    d = result
    lines = [st(source, bold=True)]
    lines.append(f"  verdict        {st(verdict_line(d), bold=True)}")
    rel = d.relationship
    lines.append(f"  request type   {st(d.request_type.label, bold=True)} ({d.request_type.confidence:.2f}){_gloss('request_type', d.request_type.label)}")
    lines.append(f"  relationship   {st(rel.label, bold=True)} ({rel.source}" + (f", {rel.confidence:.2f})" if rel.source == "inferred" else ")") + _gloss("relationship", rel.label))
    ch = getattr(d, "channel", None)
    if ch is not None:
        lines.append(f"  channel        {st(ch.label, bold=True)} ({ch.source}){_gloss('channel', ch.label)}")
    tr = d.transparency
    if tr.label is None:
        lines.append("  transparency   n/a (no referral ask)")
    else:
        miss = ", ".join(m.replace("_", " ") for m in tr.missing) or "nothing"
        lines.append(f"  transparency   {st(tr.label, bold=True)} (score {tr.score:.2f}; missing: {miss}){_gloss('transparency', tr.label)}")
    pos, neg = [], []
    for s in d.politeness.strategies:
        if s.name in NOTABLE_STRATEGIES:
            (neg if s.polarity == "negative" else pos).append(s.name)
    lines.append(f"  politeness     {st(d.politeness.label, bold=True)} (score {d.politeness.score:.2f}){_gloss('politeness', d.politeness.label)}")
    for sign, names in (("+", pos), ("-", neg)):
        names = list(dict.fromkeys(names))
        if not names:
            lines.append(f"                 {sign} none")
        for name in names:
            gloss = strategy_gloss(name)
            lines.append(f"                 {sign} {name}" + (f": {gloss}" if gloss else ""))
    sl = d.slots
    parts = [f"{k}={v}" for k, v in (("company", sl.company), ("role", sl.role), ("to", sl.recipient_name), ("from", sl.sender_name), ("via", sl.mutual_contact)) if v]
    if sl.job_ids:
        parts.append("job IDs " + ", ".join(sl.job_ids))
    if sl.urls:
        parts.append(plural(len(sl.urls), "job link"))
    lines.append("  slots          " + ("; ".join(parts) if parts else "none found"))
    if d.asks_introduction:
        lines.append("  asks for an introduction")
    s = d.stats
    lines.append(f"  length         {plural(s.words, 'word')}, {plural(s.characters, 'character')}, {plural(s.sentences, 'sentence')}, {plural(s.questions, 'question')}")
    if show_draft:
        lines.append("")
        lines.append(marked_draft(d.text, [(f.start, f.end, f.severity) for f in d.findings], color))
    lines.append("")
    index = LineIndex(d.text)
    if d.findings:
        lines.append(st(f"  {plural(len(d.findings), 'finding')}:", bold=True))
        for f in d.findings:
            where = "{}:{}".format(*index.position(f.start)) if f.start is not None else "-"
            lines.append(f"  {st(f.severity.ljust(7), fg=SEVERITY_COLOR[f.severity])} {where:>6}  {f.message}  {st('[' + f.id + ']', dim=True)}")
            if f.suggestion:
                lines.append(f"  {'':7} {'':>6}  → {f.suggestion}")
    else:
        lines.append("  no findings")
    return "\n".join(lines)


def render_rewrites(rewrites, color: bool) -> str:
    """Each rewrite as plain text ready to paste (no gutter), then its edits as a diff with the reason for each."""
    st = lambda s, **kw: click.style(s, **kw) if color else s  # noqa: E731
    out = []
    for i, r in enumerate(rewrites, 1):
        head = "ready to send" if r.ready else f"{r.relationship}, {r.plan.replace('_', ' ')}"
        out += ["", st(f"── rewrite {i} ({head}; politeness {r.scores['politeness']:.2f}) ──", bold=True), ""]
        out.append(r.text.rstrip("\n"))
        out.append("")
        if r.edits:
            out.append(st("edits:", bold=True))
        for e in r.edits:
            out.append(edit_line(e, st))
        if r.suggestions:
            out.append(st("optional touches (not applied):", bold=True))
            out.extend(edit_line(e, st) for e in r.suggestions)
        for c in r.changes:
            out.append(f"  • {c}")
        if r.placeholders:
            out.append("  fill in: " + ", ".join(r.placeholders))
    return "\n".join(out)


def edit_line(e, st) -> str:
    """One edit as a diff line: what was removed (red), what was added (green), and why."""
    def short(s: str) -> str:
        s = " ".join(s.split())
        return s if len(s) <= 90 else s[:87].rstrip() + "…"

    parts = []
    if e.before.strip():
        parts.append(st("- " + short(e.before), fg="red"))
    if e.after.strip():
        parts.append(st("+ " + short(e.after), fg="green"))
    if not parts:
        parts.append(st("~ (spacing)", fg="yellow"))
    return "  " + "  ".join(parts) + "  " + st(f"[{e.reason}]", dim=True)
