"""refernlp.rewrite.spot: commands inside a sentence and hostile phrasings become marks, and ordinary sentences do not."""

from __future__ import annotations

import re

import pytest

from refernlp.rewrite import rewrite
from refernlp.rewrite.spot import hostile_marks, inner_commands


def spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^.!?\s][^.!?\n]*[.!?]*", text)]


def names(text: str, impolite: bool = False) -> list[tuple[str, str]]:
    return [(m.name, text[m.start : m.end]) for m in hostile_marks(text, spans(text), [], impolite)]


@pytest.mark.parametrize(
    ("text", "strategy", "phrase"),
    [
        ("it's the least u can do tbh", "guilt", "the least u can do"),
        ("I'm not asking again.", "demand", "I'm not asking again"),
        ("dont leave me on read", "demand", "dont leave me on read"),
        ("I already told my mum you'd be my referral.", "presumption", "I already told my mum you'd be my referral"),
        ("Well?? Can you refer me or not", "sarcasm", "Well??"),
        ("do it today or dont bother", "demand", "or dont bother"),
        ("This is not optional.", "demand", "This is not optional"),
        ("I have been waiting for your response for two weeks.", "guilt", "I have been waiting for your response for two weeks"),
        ("Why haven't you sent it to Kasia yet??", "guilt", "Why haven't you sent it to Kasia yet"),
        ("I only asked you to refer me, not lend me money.", "sarcasm", "I only asked you to refer me, not lend me money"),
    ],
)
def test_hostile_phrasings_are_marked(text, strategy, phrase):
    assert (strategy, phrase) in names(text)


@pytest.mark.parametrize(
    "text",
    [
        "We must do it again before the summer.",
        "Would you do it?",
        "If you don't remember the thesis well enough, say so and I'll ask someone else.",
        "I moved to Dubai last month and am looking for guest relations roles.",
        "Is it realistic to find a job from Istanbul, or do I have to come on a visit visa?",
        "Officially redundant from August 🙃 but weirdly fine.",
        "In case you forgot, we met at the Leeds JS meetup last spring.",
        "After all that rain at the offsite I hope you dried out!",
    ],
)
def test_ordinary_sentences_are_not_marked(text):
    assert names(text) == []


def test_lead_ins_are_cut_and_the_request_kept_as_a_command():
    text = "least u can do is refer me at Monzo"
    assert names(text) == [("demand", "least u can do is "), ("bare_imperative", "refer me at Monzo")]
    # a promise made for the contact is one mark over the sentence, rewritten whole (refernlp.rewrite.promise)
    told = "told my recruiter u'd refer me for whatever she finds."
    assert names(told) == [("presumption", told)]
    linda = "Told Linda at the Jubilee you'd give her a ring about me."
    assert names(linda) == [("presumption", linda)]
    # one made to family is no hiring lead: the lead-in is cut and the request hedged
    assert names("told my mum u'd refer me for whatever she finds.")[0] == ("demand", "told my mum u'd ")
    fair = "Now I think it is only fair that you forward my CV to the hiring lead."
    assert names(fair) == [("demand", "Now I think it is only fair that you "), ("bare_imperative", "forward my CV to the hiring lead.")]
    # no command after the opening: the guilt pattern instead
    assert names("The least you can do is reply.")[0][0] in {"guilt", "demand"}


def test_a_reminder_of_an_earlier_ask_is_guilt_only_in_a_hostile_draft():
    assert names("I asked you on Monday whether the posting was still open.") == []
    assert ("guilt", "I asked you on Monday") in names("I asked you on Monday.", impolite=True)
    # "u said u would", "dont flake": banter among friends, hostile only in a hostile draft
    assert names("Dinner at ours on Friday, don't flake. You said you would come.") == []
    assert ("demand", "dont flake") in names("u said u would. dont flake", impolite=True)
    assert ("guilt", "u said u would") in names("u said u would. dont flake", impolite=True)


def test_context_patterns_need_a_hostile_draft():
    text = "It's been two weeks. Can you refer me for the Ops Lead role at Deliveroo?"
    assert names(text) == []
    assert ("guilt", "It's been two weeks.") in names(text, impolite=True)
    # another hostile mark in the draft is enough
    assert [n for n, _ in names(text + " Least you can do.")] == ["guilt", "guilt"]


def test_inner_commands():
    text = "Now that you're at Stripe, refer me for the SRE role. If you can, refer me. Jess forward my CV to Tom."
    found = [text[m.start : m.end] for m in inner_commands(text, spans(text), [])]
    assert found == ["refer me for the SRE role.", "forward my CV to Tom."]
    question = "Now that you're at Stripe, refer me for the SRE role?"
    assert inner_commands(question, spans(question), []) == []


def test_hostile_draft_rewritten_without_its_hostility():
    draft = (
        "Hey Sam. I applied for the Data Analyst role at Monzo (job 4471). The least you can do is refer me, "
        "after everything I've done for you. I'm not asking again."
    )
    top = rewrite(draft, relationship="strong")[0]
    low = top.text.lower()
    for phrase in ("least you can do", "after everything", "not asking again"):
        assert phrase not in low
    for fact in ("Data Analyst", "Monzo", "4471"):
        assert fact in top.text
    assert all(e.reason for e in top.edits)
