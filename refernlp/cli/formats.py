"""Machine formats of ``refernlp critique``: SARIF 2.1.0 for code scanning, ``PATH:LINE:COL`` lines for editors.

Positions come from the critique's character offsets (Python string indices,
i.e. Unicode code points into the text as given). Lines end at ``\\n``,
``\\r\\n`` or a lone ``\\r`` (SARIF 2.1.0 §3.30.2); lines and columns are
1-based and columns count code points, so an emoji is one column and the
SARIF log declares ``"columnKind": "unicodeCodePoints"``. SARIF regions also
carry ``charOffset``/``charLength``, the JSON ``start`` and ``end - start``
unchanged. A finding about the whole draft (``start`` null in JSON) points at
the draft from its first to its last non-blank character.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any, Iterable, Sequence
from urllib.parse import quote

from .._version import __version__
from ..explain import explain

__all__ = ["COLUMN_KIND", "SARIF_LEVEL", "LineIndex", "finding_span", "line_report", "sarif_log", "source_name", "source_uri"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
COLUMN_KIND = "unicodeCodePoints"
#: refernlp severity -> SARIF level
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
#: refernlp severity -> GitHub code scanning's ``problem.severity`` property
_GITHUB_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Line starts of a text, to turn character offsets into 1-based (line, column) pairs."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        """``(line, column)`` of the character at ``offset`` (``len(text)``: just past the end)."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def finding_span(text: str, start: int | None, end: int | None) -> tuple[int, int]:
    """The span a finding points at: its own, or the whole draft without surrounding blanks."""
    if start is not None and end is not None:
        return start, end
    first = len(text) - len(text.lstrip())
    return first, max(first, len(text.rstrip()))


def source_name(source: str) -> str:
    """How an input is named in text and line output (``-`` is standard input)."""
    return "<stdin>" if source == "-" else source


def source_uri(source: str) -> str:
    """A SARIF artifact URI: a relative path stays relative (POSIX slashes, percent-encoded), an absolute one is a file: URI."""
    if source == "-":
        return "stdin"
    path = Path(source)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/")


def _one_line(s: str) -> str:
    return " ".join(s.split())


def line_report(source: str, critique) -> list[str]:
    """``PATH:LINE:COL: SEVERITY: MESSAGE [RULE_ID]``, one line per finding (editors' quickfix format)."""
    index = LineIndex(critique.text)
    name = source_name(source)
    out = []
    for f in critique.findings:
        line, col = index.position(finding_span(critique.text, f.start, f.end)[0])
        out.append(f"{name}:{line}:{col}: {f.severity}: {_one_line(f.message)} [{f.id}]")
    return out


def _region(index: LineIndex, start: int, end: int) -> dict[str, int]:
    sl, sc = index.position(start)
    el, ec = index.position(end)
    return {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec, "charOffset": start, "charLength": end - start}


def _rule_descriptor(rule) -> dict[str, Any]:
    ex = explain(rule.id)
    help_text = f"{ex.why} Source: {ex.source}. Switch it off with {ex.disable}."
    help_md = f"{ex.why}\n\n*Source:* {ex.source}.\n\nSwitch it off with `--disable {rule.id}`; `refernlp explain {rule.id}` shows examples."
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": ex.checks},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "help": {"text": help_text, "markdown": help_md},
        "properties": {"tags": ["prose", rule.id.split(".")[0]], "problem.severity": _GITHUB_SEVERITY[rule.severity]},
    }


def sarif_log(reports: Sequence[tuple[str, Any]], failures: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    """One SARIF 2.1.0 log for every input: ``reports`` are ``(source, Critique)``, ``failures`` ``(source, message)``."""
    from ..findings import RULES

    rule_index = {rid: i for i, rid in enumerate(RULES)}
    artifacts: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for source, critique in reports:
        art = len(artifacts)
        artifacts.append({"location": {"uri": source_uri(source)}, "length": len(critique.text)})
        index = LineIndex(critique.text)
        for f in critique.findings:
            start, end = finding_span(critique.text, f.start, f.end)
            text = f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")
            result: dict[str, Any] = {
                "ruleId": f.id,
                "level": SARIF_LEVEL[f.severity],
                "message": {"text": text},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": source_uri(source), "index": art}, "region": _region(index, start, end)}}],
                "properties": {"scope": "span" if f.start is not None else "draft"},
            }
            if f.id in rule_index:
                result["ruleIndex"] = rule_index[f.id]
            results.append(result)
    notifications = [
        {"level": "error", "message": {"text": message}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": source_uri(source)}}}]}
        for source, message in failures
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "refernlp",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule_descriptor(r) for r in RULES.values()],
            }
        },
        "columnKind": COLUMN_KIND,
        "artifacts": artifacts,
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
