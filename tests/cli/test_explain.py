"""refernlp explain and refernlp rules: every rule explained with its own examples; unknown ids suggest the nearest."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from refernlp.cli import main
from refernlp.errors import ConfigError, InputError
from refernlp.explain import check_disable, explain, explain_strategy, label_gloss, nearest, strategy_gloss
from refernlp.findings import RULES
from refernlp.resources import lexicon
from refernlp.schema import CHANNELS, NOTABLE_STRATEGIES, POLITENESS, RELATIONSHIPS, REQUEST_TYPES, TRANSPARENCY


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@pytest.mark.parametrize("rule_id", list(RULES))
def test_explain_every_rule(runner, rule_id):
    rule = RULES[rule_id]
    res = runner.invoke(main, ["explain", rule_id])
    assert res.exit_code == 0, res.output
    out = res.output
    assert out.startswith(f"{rule_id}  ({rule.severity})")
    ex = explain(rule_id)
    for needle in ("What it checks:", ex.checks, "Why:", ex.why, f"Source: {ex.source}", "Flagged", "Passes", f"--disable {rule_id}"):
        assert needle in out, needle
    # the examples shown are the rule's own, the ones tests/unit/test_findings.py runs
    assert " ".join(rule.flags[0].text.split())[:40] in " ".join(out.replace("│", " ").split())
    assert " ".join(rule.passes[0].text.split())[:40] in " ".join(out.replace("│", " ").split())


@pytest.mark.parametrize("rule_id", list(RULES))
def test_every_rule_has_its_own_explanation(rule_id):
    prose = lexicon("explanations")["rules"].get(rule_id)
    assert prose, f"add {rule_id} to refernlp/lexicons/explanations.json"
    assert all(prose.get(k, "").strip() for k in ("checks", "why", "source"))
    assert prose["checks"] != prose["why"]


def test_explanations_name_no_missing_rule():
    assert set(lexicon("explanations")["rules"]) == set(RULES)


def test_explain_json(runner):
    res = runner.invoke(main, ["explain", "length.note_limit", "--format", "json"])
    d = json.loads(res.output)
    assert d["id"] == "length.note_limit" and d["severity"] == "error"
    assert d["flagged"]["channel"] == "linkedin_note" and len(d["flagged"]["text"]) > 300
    assert len(d["passing"]["text"]) <= 300


def test_explain_unknown_id_suggests_nearest(runner):
    res = runner.invoke(main, ["explain", "politness.comand"])
    assert res.exit_code == 2
    assert len(res.output.strip().splitlines()) == 1
    assert res.output.startswith("refernlp: error: unknown rule id 'politness.comand'")
    assert "politeness.command" in res.output
    res = runner.invoke(main, ["explain", "zzzz"])
    assert res.exit_code == 2 and "did you mean" not in res.output and "refernlp rules" in res.output
    with pytest.raises(InputError, match="courtesy.no_thanks"):
        explain("courtesy.no_thank")


def test_nearest():
    ids = list(RULES)
    assert nearest("length", ids)[:2] == ["length.too_long", "length.long"]
    assert nearest("command", ids)[0] == "politeness.command"
    assert nearest("politeness.comand", ids)[0] == "politeness.command"
    assert nearest("", ids) == [] and nearest("qqqqqq", ids) == []


def test_explain_strategy(runner):
    res = runner.invoke(main, ["explain", "please_start"])
    assert res.exit_code == 0
    assert "please_start" in res.output and strategy_gloss("please_start") in res.output
    res = runner.invoke(main, ["explain", "bare_imperative"])
    assert "politeness.command" in res.output
    assert explain_strategy("bare_imperative").rule == "politeness.command"
    assert explain_strategy("no_such_strategy") is None


def test_every_strategy_has_a_gloss():
    names = set(lexicon("strategies")["strategies"])
    assert NOTABLE_STRATEGIES <= names
    assert [n for n in names if not strategy_gloss(n)] == []


def test_every_label_has_plain_words():
    for kind, labels in (("request_type", REQUEST_TYPES), ("relationship", RELATIONSHIPS), ("transparency", TRANSPARENCY), ("politeness", POLITENESS), ("channel", CHANNELS)):
        assert [x for x in labels if not label_gloss(kind, x)] == [], kind


def test_rules_text_and_json(runner):
    res = runner.invoke(main, ["rules"])
    assert res.exit_code == 0
    assert all(rid in res.output for rid in RULES)
    res = runner.invoke(main, ["rules", "--format", "json"])
    listed = json.loads(res.output)
    assert [r["id"] for r in listed] == list(RULES)
    assert all(r["severity"] == RULES[r["id"]].severity and r["checks"] and r["source"] for r in listed)


def test_check_disable():
    check_disable(["courtesy", "courtesy.", "length.note_limit", "politeness.command"])
    with pytest.raises(ConfigError, match=r"'court'.*courtesy\."):
        check_disable(["court"])
    with pytest.raises(ConfigError, match="politeness.command"):
        check_disable(["politeness.comand"])
    with pytest.raises(ConfigError):
        check_disable(["."])
