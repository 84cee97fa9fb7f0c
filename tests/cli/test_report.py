"""The text report: a verdict first, plain words beside labels and strategies, trimmed quotes, counts that agree."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from helpers import DATA

from refernlp.cli import main
from refernlp.cli.render import plural, verdict_line
from refernlp.explain import label_gloss, strategy_gloss
from refernlp.findings.engine import trim_quote

EXAMPLE = str(DATA / "examples" / "targeted_demanding.txt")


@pytest.fixture(scope="module")
def report():
    res = CliRunner().invoke(main, ["critique", "--no-color", "--format", "text", EXAMPLE])
    assert res.exit_code == 0
    return res.output


def test_verdict_comes_first(report):
    lines = report.splitlines()
    assert lines[0] == EXAMPLE
    assert lines[1].startswith("  verdict        fix ") and lines[1].rstrip().endswith("first")


def test_labels_and_strategies_have_plain_words(report):
    assert f"targeted (1.00) — {label_gloss('request_type', 'targeted')}" in report
    assert f"impolite (score 0.01) — {label_gloss('politeness', 'impolite')}" in report or label_gloss("politeness", "impolite") in report
    assert f"- bare_imperative: {strategy_gloss('bare_imperative')}" in report
    assert f"- demand: {strategy_gloss('demand')}" in report


def test_quotes_are_trimmed_at_word_boundaries(report):
    draft = open(EXAMPLE, encoding="utf-8").read()
    quotes = re.findall(r"“([^”]+)”\)", report)
    assert quotes
    flat = " ".join(draft.split())
    for q in quotes:
        if q.endswith("…"):
            body = q[:-1]
            assert flat.find(body) >= 0
            after = flat[flat.find(body) + len(body) :]
            assert after[:1] in (" ", ",", ".", ";", ":") or after == "", q  # cut between words
        else:
            assert q in flat


def test_trim_quote():
    assert trim_quote("Refer me now") == "Refer me now"
    long = "put it through your internal portal and say I'm a strong candidate."
    cut = trim_quote(long, 40)
    assert cut.endswith("…") and len(cut) <= 41 and long.startswith(cut[:-1]) and long[len(cut) - 1] == " "
    assert trim_quote("x" * 80, 10) == "x" * 10 + "…"
    assert trim_quote("two\n  lines") == "two lines"


def test_counts_and_plurals(tmp_path):
    assert plural(1, "word") == "1 word" and plural(2, "word") == "2 words" and plural(0, "question") == "0 questions"
    p = tmp_path / "one.txt"
    p.write_text("Thanks!\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["critique", "--no-color", str(p)]).output
    assert "  length         1 word, 7 characters, 1 sentence, 0 questions" in out
    assert "(s)" not in out


def test_character_count_agrees_with_findings(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("I have been working on many projects across teams. " * 20 + "\n\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["critique", "--no-color", "--channel", "linkedin", str(p)]).output
    stats = re.search(r"words, ([\d,]+) characters", out).group(1)
    quoted = re.search(r"([\d,]+) characters(?: is|:)", out).group(1)
    assert stats == quoted


class _Result:
    def __init__(self, findings, verdict=None):
        self.findings = findings
        if verdict is not None:
            self.verdict = verdict


class _F:
    def __init__(self, severity):
        self.severity = severity


def test_verdict_line_prefers_the_critique_verdict():
    assert verdict_line(_Result([], {"ready": True, "summary": "ready to send"})) == "ready to send"
    assert verdict_line(_Result([_F("error"), _F("warning"), _F("info")])) == "fix 2 things first (1 error, 1 warning)"
    assert verdict_line(_Result([_F("warning")])) == "fix 1 thing first (1 warning)"
    assert verdict_line(_Result([_F("info")])) == "ready to send (1 suggestion to consider)"
    assert verdict_line(_Result([])) == "ready to send"
