"""Every finding rule carries should-flag and should-pass examples beside it; this runs them all."""

from __future__ import annotations

import pytest

from refernlp.critic import Critic
from refernlp.findings import RULES, Context, hide, is_disabled, run_rules
from refernlp.textio import prepare


def context(
    critic, text: str, request_type: str, relationship: str = "unknown", channel: str | None = None, *,
    transparency: str | None = None, politeness: str = "neutral", relationship_source: str = "given",
) -> Context:
    prepared = prepare(text)
    doc = critic.nlp(prepared.text)
    return Context.build(
        prepared, doc, request_type=request_type, relationship=relationship, relationship_source=relationship_source, politeness=politeness,
        channel=channel, transparency=transparency,
    )


def example_context(critic, ex) -> Context:
    """The context of a rule's example, judged with the labels the example gives."""
    return context(critic, ex.text, ex.request_type, ex.relationship, ex.channel, transparency=ex.transparency, politeness=ex.politeness)


def test_every_rule_has_examples():
    assert RULES
    assert [r.id for r in RULES.values() if not (r.flags and r.passes)] == []


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_flags(critic, rule_id):
    for ex in RULES[rule_id].flags:
        ids = [f.id for f in RULES[rule_id].check(example_context(critic, ex))]
        assert rule_id in ids, ex.text


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_passes(critic, rule_id):
    for ex in RULES[rule_id].passes:
        ids = [f.id for f in RULES[rule_id].check(example_context(critic, ex))]
        assert rule_id not in ids, ex.text


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_finding_spans_inside_text(critic, rule_id):
    for ex in RULES[rule_id].flags:
        for f in RULES[rule_id].check(example_context(critic, ex)):
            assert f.severity in {"error", "warning", "info"}
            if f.start is not None:
                assert 0 <= f.start < f.end <= len(ex.text)


def test_politeness_rules_come_from_the_lexicon():
    from refernlp.resources import lexicon

    flagged = {s["finding"]["id"] for s in lexicon("strategies")["strategies"].values() if "finding" in s}
    # politeness.impolite is the one politeness rule made in code: it explains an impolite label no strategy explains
    assert flagged | {"politeness.impolite"} == {rid for rid in RULES if rid.startswith("politeness.")}
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


# --- the second-degree error: the ask's span, and a known recipient -------------------------------------------
def test_second_degree_points_at_the_body_ask_not_the_subject(critic):
    from refernlp.findings.rules import SUBJECT_ASK

    found = [f for f in RULES["relationship.second_degree_direct_ask"].check(context(critic, SUBJECT_ASK, "targeted", "second_degree"))]
    assert len(found) == 1
    assert SUBJECT_ASK[found[0].start : found[0].end] == "refer me"
    assert found[0].start > SUBJECT_ASK.index("\n")


@pytest.mark.parametrize(
    "text",
    [
        "Hi Leo! Hannah told me you're hiring a Data Scientist at Ritual. We were in the same stats classes at U of T. Would you be open to referring me?",
        "Hi all, I was laid off this week. If anyone could refer me for analyst roles in Leeds, I'd be grateful.",
    ],
)
def test_second_degree_inferred_not_fired_for_a_known_recipient_or_a_group(critic, text):
    rule = RULES["relationship.second_degree_direct_ask"]
    assert not list(rule.check(context(critic, text, "targeted", "second_degree", relationship_source="inferred")))
    assert list(rule.check(context(critic, text, "targeted", "second_degree", relationship_source="given")))  # the user is believed


# --- labels, scores and findings agree -----------------------------------------------------------------------
def test_reconcile_missing_follows_the_label():
    from refernlp.findings.engine import reconcile_missing

    assert reconcile_missing(("company", "goal_statement"), "targeted", "high") == (("goal_statement",), ("company",))
    assert reconcile_missing(("company", "goal_statement"), "targeted", "low") == (("company", "goal_statement"), ())
    assert reconcile_missing(("role_or_field", "level"), "general", "high") == (("level",), ("role_or_field",))
    assert reconcile_missing(("company",), "targeted", None) == (("company",), ())


def test_verdict_counts_errors_and_warnings():
    from refernlp.analysis import verdict
    from refernlp.results import Finding

    info, warn, err = Finding("a.b", "info", "m"), Finding("c.d", "warning", "m"), Finding("e.f", "error", "m")
    assert verdict([info]).to_dict() == {"ready": True, "summary": "ready to send"}
    assert verdict([info, warn]).to_dict() == {"ready": False, "summary": "fix 1 thing first"}
    assert verdict([warn, err, info]).to_dict() == {"ready": False, "summary": "fix 2 things first"}


def test_unknown_relationship_confidence_is_that_of_the_likeliest_tie():
    from refernlp.analysis import inferred_relationship

    rel = inferred_relationship({"unknown": 0.97, "strong": 0.02, "weak": 0.006, "second_degree": 0.004})
    assert (rel.label, rel.confidence, rel.source) == ("unknown", 0.02, "inferred")
    assert inferred_relationship({"unknown": 0.1, "strong": 0.7, "weak": 0.1, "second_degree": 0.1}).confidence == 0.7


ESSENTIAL_IDS = {"company", "role_or_job_link", "role_or_field", "clear_ask"}


def test_labels_and_findings_agree_on_corpus_drafts(critic, train_rows):
    """On 300 training drafts: high transparency lists nothing essential; impolite says why; verdict = no warning shown."""
    for row in train_rows[:300]:
        r = critic.critique(row["text"])
        ids = {f.id for f in r.findings}
        blocking = [f for f in r.findings if f.severity in ("error", "warning")]
        if r.transparency.label == "high":
            assert not set(r.transparency.missing) & ESSENTIAL_IDS, row["id"]
        if r.transparency.label == "low":  # a warning that says what to add, or the info that nothing is missing
            assert any(f.id.startswith(("transparency.", "ask.link_only", "input.placeholder")) for f in r.findings), row["id"]
        if r.politeness.label == "impolite":
            assert any(f.id.startswith("politeness.") and f.severity in ("warning", "error") for f in r.findings), row["id"]
        if r.relationship.label == "unknown":
            assert r.relationship.confidence <= 0.5, row["id"]
        assert r.verdict.ready is (not blocking), row["id"]
        assert r.verdict.ready is (r.verdict.summary == "ready to send")
        assert not ({"ask.none", "ask.unclear"} <= ids)


def test_a_polite_transparent_draft_is_ready_to_send(critic):
    from refernlp.findings.rules import GOOD_TARGETED

    r = critic.critique(GOOD_TARGETED, relationship="strong")
    assert (r.politeness.label, r.transparency.label) == ("polite", "high")
    assert r.to_dict()["verdict"] == {"ready": True, "summary": "ready to send"}
    rude = critic.critique("Refer me for the Data Analyst role at Acme ASAP.", relationship="strong")
    assert rude.verdict.ready is False and rude.verdict.summary.startswith("fix ")
