"""Text rendering of critiques and rewrites for the terminal."""

from __future__ import annotations

from typing import Sequence

import click

from ..schema import NOTABLE_STRATEGIES

SEVERITY_COLOR = {"error": "red", "warning": "yellow", "info": "cyan"}


def line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{col}"


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
    rel = d.relationship
    lines.append(f"  request type   {st(d.request_type.label, bold=True)} ({d.request_type.confidence:.2f})")
    lines.append(f"  relationship   {st(rel.label, bold=True)} ({rel.source}" + (f", {rel.confidence:.2f})" if rel.source == "inferred" else ")"))
    tr = d.transparency
    if tr.label is None:
        lines.append("  transparency   n/a (no referral ask)")
    else:
        miss = ", ".join(m.replace("_", " ") for m in tr.missing) or "nothing"
        lines.append(f"  transparency   {st(tr.label, bold=True)} (score {tr.score:.2f}; missing: {miss})")
    pos, neg = [], []
    for s in d.politeness.strategies:
        if s.name in NOTABLE_STRATEGIES:
            (neg if s.polarity == "negative" else pos).append(s.name)
    uniq = lambda xs: ", ".join(dict.fromkeys(xs)) or "none"  # noqa: E731
    lines.append(f"  politeness     {st(d.politeness.label, bold=True)} (score {d.politeness.score:.2f})")
    lines.append(f"                 + {uniq(pos)}")
    lines.append(f"                 - {uniq(neg)}")
    sl = d.slots
    parts = [f"{k}={v}" for k, v in (("company", sl.company), ("role", sl.role), ("to", sl.recipient_name), ("from", sl.sender_name), ("via", sl.mutual_contact)) if v]
    if sl.job_ids:
        parts.append("job IDs " + ", ".join(sl.job_ids))
    if sl.urls:
        parts.append(f"{len(sl.urls)} job link(s)")
    lines.append("  slots          " + ("; ".join(parts) if parts else "none found"))
    if d.asks_introduction:
        lines.append("  asks for an introduction")
    s = d.stats
    lines.append(f"  length         {s.words} words, {s.characters} characters, {s.sentences} sentences, {s.questions} question(s)")
    if show_draft:
        lines.append("")
        lines.append(marked_draft(d.text, [(f.start, f.end, f.severity) for f in d.findings], color))
    lines.append("")
    if d.findings:
        lines.append(st(f"  {len(d.findings)} finding(s):", bold=True))
        for f in d.findings:
            where = line_col(d.text, f.start) if f.start is not None else "-"
            lines.append(f"  {st(f.severity.ljust(7), fg=SEVERITY_COLOR[f.severity])} {where:>6}  {f.message}  {st('[' + f.id + ']', dim=True)}")
            if f.suggestion:
                lines.append(f"  {'':7} {'':>6}  → {f.suggestion}")
    else:
        lines.append("  no findings")
    return "\n".join(lines)


def render_rewrites(rewrites, color: bool) -> str:
    st = lambda s, **kw: click.style(s, **kw) if color else s  # noqa: E731
    out = []
    for i, r in enumerate(rewrites, 1):
        out.append("")
        out.append(st(f"  rewrite {i} ({r.relationship}; politeness {r.scores['politeness']:.2f}, transparency {r.scores['transparency']:.2f})", bold=True))
        out.extend("  │ " + line for line in r.text.split("\n"))
        for c in r.changes:
            out.append(f"  • {c}")
        if r.placeholders:
            out.append("  fill in: " + ", ".join(r.placeholders))
    return "\n".join(out)
