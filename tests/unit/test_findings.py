"""Every finding rule carries should-flag and should-pass examples beside it; this runs them all."""

from __future__ import annotations

import pytest

from refernlp.critic import Critic
from refernlp.findings import RULES, Context, hide, is_disabled, run_rules
from refernlp.textio import prepare


def context(critic, text: str, request_type: str, relationship: str = "unknown") -> Context:
    prepared = prepare(text)
    doc = critic.nlp(prepared.text)
    return Context.build(prepared, doc, request_type=request_type, relationship=relationship, relationship_source="given", politeness="neutral")


def test_every_rule_has_examples():
    assert RULES
    assert [r.id for r in RULES.values() if not (r.flags and r.passes)] == []


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_flags(critic, rule_id):
    for ex in RULES[rule_id].flags:
        ids = [f.id for f in RULES[rule_id].check(context(critic, ex.text, ex.request_type, ex.relationship))]
        assert rule_id in ids, ex.text


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_passes(critic, rule_id):
    for ex in RULES[rule_id].passes:
        ids = [f.id for f in RULES[rule_id].check(context(critic, ex.text, ex.request_type, ex.relationship))]
        assert rule_id not in ids, ex.text


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_finding_spans_inside_text(critic, rule_id):
    for ex in RULES[rule_id].flags:
        for f in RULES[rule_id].check(context(critic, ex.text, ex.request_type, ex.relationship)):
            assert f.severity in {"error", "warning", "info"}
            if f.start is not None:
                assert 0 <= f.start < f.end <= len(ex.text)


def test_politeness_rules_come_from_the_lexicon():
    from refernlp.resources import lexicon

    flagged = {s["finding"]["id"] for s in lexicon("strategies")["strategies"].values() if "finding" in s}
    assert flagged == {rid for rid in RULES if rid.startswith("politeness.")}
    assert "politeness.command" in flagged


def test_disable_by_prefix(critic):
    ctx = context(critic, "Refer me for the analyst role at Acme ASAP.", "targeted", "strong")
    all_found = run_rules(ctx)
    assert {"politeness.command", "politeness.demand"} <= {f.id for f in all_found}
    kept = {f.id for f in hide(all_found, ["politeness."])}
    assert not any(i.startswith("politeness.") for i in kept)
    assert "courtesy.no_thanks" in kept
    assert is_disabled("politeness.command", ["politeness"])
    assert not is_disabled("politeness.command", ["polite"])
    assert is_disabled("courtesy.no_thanks", ["courtesy.no_thanks"])


def test_critic_disable_option():
    critic = Critic.load(disable=["courtesy", "length."])
    r = critic.critique("Could you refer me for the Data Analyst role at Acme?")
    assert not any(f.id.startswith(("courtesy.", "length.")) for f in r.findings)
