"""Every finding rule has should-flag and should-pass examples (and a test fails when one has none)."""

from __future__ import annotations

import pytest

from refernlp.analysis import missing_elements
from refernlp.critic import Critic
from refernlp.findings import RULES, Context, is_disabled, run_rules
from refernlp.pipeline import looks_english
from refernlp.textio import prepare


def context(critic, text: str, request_type: str, relationship: str = "unknown") -> Context:
    prepared = prepare(text)
    doc = critic.nlp(prepared.text)
    cues = tuple(doc._.cues)
    return Context(
        text=text, request_type=request_type, relationship=relationship, relationship_source="given",
        politeness="neutral", asks_introduction=any(m.name == "introduction" for m in cues),
        strategies=tuple(doc._.strategies), cues=cues, slot_spans=doc._.slot_spans,
        missing=missing_elements(request_type, doc._.slots, cues),
        words=sum(1 for t in doc if any(c.isalnum() for c in t.text)),
        is_email=text.lstrip().lower().startswith(("subject:", "dear")), english=looks_english(doc),
        html=prepared.html_stripped, quoted_from=prepared.quoted_from,
    )


LONG_BACKGROUND = "I have spent the last few years working across many projects, learning a lot about teams. " * 12
GOOD_TARGETED = "Hi Sam, I'm applying for the Data Analyst role at Acme (job ID JR-1234). Would you be open to referring me? My resume is attached. No worries if not, and thanks either way!"

# rule id -> (should-flag (text, type, relationship), should-pass (text, type, relationship))
EXAMPLES = {
    "ask.none": (("Congrats on the new job, so happy for you!", "none", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "ask.unclear": (("I'm looking at the analyst opening at Acme.", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "ask.buried": ((LONG_BACKGROUND + "Could you refer me for the analyst role at Acme?", "targeted", "strong"), ("Could you refer me for the analyst role at Acme? " + LONG_BACKGROUND, "targeted", "strong")),
    "transparency.no_company": (("Could you refer me for job 88123? Thanks!", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "transparency.no_role_or_job": (("Could you refer me at Acme? Thanks!", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "transparency.no_goal": (("Hi Sam, there is a Data Analyst opening at Acme. Could you put in a good word?", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "transparency.vague_general": (("Let me know if anything comes up!", "general", "strong"), ("Could you keep me in mind for senior data analyst roles in London or remote?", "general", "strong")),
    "transparency.general_incomplete": (("Could you keep me in mind for data analyst roles?", "general", "strong"), ("Could you keep me in mind for senior data analyst roles in London or remote?", "general", "strong")),
    "relationship.ask_before_bond": (("Could you refer me for the Data Analyst role at Acme?", "targeted", "weak"), ("It's been ages! Congrats on the promotion. Could you refer me for the Data Analyst role at Acme?", "targeted", "weak")),
    "relationship.second_degree_direct_ask": (("I came across your profile. Could you refer me for the Data Analyst role at Acme?", "targeted", "second_degree"), ("Would you be willing to introduce me to Dana, and maybe she could refer me for the analyst role at Acme?", "targeted", "second_degree")),
    "politeness.command": (("Refer me for the analyst role at Acme.", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "politeness.demand": (("I need you to refer me ASAP.", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "politeness.guilt": (("You owe me, so refer me at Acme.", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "politeness.presumption": (("I already told the recruiter you'd vouch for me at Acme.", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "politeness.sarcasm": (("Thanks for nothing. Guess you're too busy for old friends.", "none", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "politeness.swearing": (("Just refer me at Acme, this job hunt is shit.", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "politeness.shouting": (("PLEASE ANSWER ME about the Acme role!!", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "politeness.grovelling": (("I humbly request, I am not worthy, but could you refer me at Acme?", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "courtesy.no_thanks": (("Could you refer me for the Data Analyst role at Acme?", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "courtesy.no_easy_out": (("Could you refer me for the Data Analyst role at Acme? Thanks!", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "targeted.no_resume": (("Could you refer me for the Data Analyst role at Acme? Thanks!", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "length.too_long": ((LONG_BACKGROUND + LONG_BACKGROUND[:300], "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "length.long": ((LONG_BACKGROUND[:950], "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "length.email_words": (("Subject: referral\n\nDear Sam,\n" + LONG_BACKGROUND, "targeted", "strong"), ("Subject: referral\n\nDear Sam,\n" + GOOD_TARGETED, "targeted", "strong")),
    "language.not_english": (("Hola Marta, ¿podrías recomendarme para el puesto de analista en tu empresa? Muchas gracias.", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "input.quoted_reply": (("Sounds good, thanks!\n\nOn Mon, 3 Jun 2024, Sam wrote:\n> Could you send your CV?", "none", "strong"), (GOOD_TARGETED, "targeted", "strong")),
    "input.html": (("<html><body><p>Could you <b>refer</b> me at Acme?</p></body></html>", "targeted", "strong"), (GOOD_TARGETED, "targeted", "strong")),
}


def test_every_rule_has_examples():
    assert set(RULES) == set(EXAMPLES), {"missing": sorted(set(RULES) - set(EXAMPLES)), "stale": sorted(set(EXAMPLES) - set(RULES))}


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_rule_flags(critic, rule_id):
    text, rtype, rel = EXAMPLES[rule_id][0]
    ids = [f.id for f in RULES[rule_id].check(context(critic, text, rtype, rel))]
    assert rule_id in ids


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_rule_passes(critic, rule_id):
    text, rtype, rel = EXAMPLES[rule_id][1]
    ids = [f.id for f in RULES[rule_id].check(context(critic, text, rtype, rel))]
    assert rule_id not in ids


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_finding_spans_inside_text(critic, rule_id):
    text, rtype, rel = EXAMPLES[rule_id][0]
    for f in RULES[rule_id].check(context(critic, text, rtype, rel)):
        assert f.severity in {"error", "warning", "info"}
        if f.start is not None:
            assert 0 <= f.start < f.end <= len(text)


def test_disable_by_prefix(critic):
    ctx = context(critic, "Refer me for the analyst role at Acme ASAP.", "targeted", "strong")
    all_ids = {f.id for f in run_rules(ctx)}
    assert {"politeness.command", "politeness.demand"} <= all_ids
    kept = {f.id for f in run_rules(ctx, ["politeness."])}
    assert not any(i.startswith("politeness.") for i in kept)
    assert "courtesy.no_thanks" in kept
    assert is_disabled("politeness.command", ["politeness"])
    assert not is_disabled("politeness.command", ["polite"])
    assert is_disabled("courtesy.no_thanks", ["courtesy.no_thanks"])


def test_critic_disable_option():
    critic = Critic.load(disable=["courtesy", "length."])
    r = critic.critique("Could you refer me for the Data Analyst role at Acme?")
    assert not any(f.id.startswith(("courtesy.", "length.")) for f in r.findings)
