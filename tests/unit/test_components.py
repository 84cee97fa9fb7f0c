"""The spaCy components: sentences, politeness strategies, cues and slots, with spans."""

from __future__ import annotations

import pytest

from refernlp.pipeline import make_nlp
from refernlp.resources import lexicon


@pytest.fixture(scope="module")
def nlp():
    return make_nlp()


STRATEGY_EXAMPLES = [
    ("please", "Could you please take a look?", "please"),
    ("please_start", "Please refer me for the role.", "Please"),
    ("hedges", "I was wondering if you might know anyone there.", "I was wondering"),
    ("indirect_btw", "By the way, are they hiring?", "By the way"),
    ("factuality", "In fact, I am the best candidate.", "In fact"),
    ("deference", "Great talk at the meetup. Hope you are well.", "Great"),
    ("gratitude", "Thanks so much for your help.", "Thanks"),
    ("apologizing", "Sorry to bother you with this.", "Sorry to bother"),
    ("first_person", "The team liked my work.", "my"),
    ("first_person_plural", "Could we talk this week?", "we"),
    ("first_person_start", "I am applying to Acme.", "I"),
    ("second_person", "It depends on your schedule.", "your"),
    ("second_person_start", "You said they were hiring.", "You"),
    ("greeting", "Hi Maya, how are things?", "Hi"),
    ("direct_question", "Why did you not reply?", "Why did you not reply?"),
    ("direct_start", "So can you do it or not?", "So"),
    ("positive_lexicon", "That was an excellent launch.", "excellent"),
    ("negative_lexicon", "The process was terrible.", "terrible"),
    ("subjunctive", "Would you be able to help?", "Would you"),
    ("indicative", "Can you refer me?", "Can you"),
    ("bare_imperative", "Refer me for the analyst role.", "Refer me for the analyst role."),
    ("bare_imperative", "Hey, send my CV to HR today.", "send my CV to HR today."),
    ("demand", "I need you to do this ASAP.", "I need you to"),
    ("guilt", "After everything I did for you, you owe me.", "you owe me"),
    ("presumption", "I already told the recruiter you'd vouch for me.", "told the recruiter you"),
    ("sarcasm", "Thanks for nothing, I guess.", "Thanks for nothing"),
    ("swearing", "This job hunt is shit.", "shit"),
    ("shouting", "PLEASE ANSWER ME today.", "PLEASE ANSWER ME"),
    ("grovelling", "I humbly request your kind help, I am not worthy.", "I am not worthy"),
    ("easy_out", "No worries if not, I understand.", "No worries if not"),
    ("offer_help", "Happy to return the favour any time.", "Happy to return the favour"),
    ("compliment", "Congrats on the promotion, well deserved!", "Congrats on"),
]


def _marks(nlp, text, name):
    return [m for m in nlp(text)._.strategies if m.name == name]


@pytest.mark.parametrize("name,text,expected", STRATEGY_EXAMPLES)
def test_strategy_detected_with_span(nlp, name, text, expected):
    marks = _marks(nlp, text, name)
    assert any(m.text == expected for m in marks), [m.text for m in marks]
    for m in marks:
        assert text[m.start : m.end] == m.text


def test_every_lexicon_strategy_has_an_example():
    names = set(lexicon("strategies")["strategies"])
    covered = {n for n, _, _ in STRATEGY_EXAMPLES}
    assert names <= covered, sorted(names - covered)


@pytest.mark.parametrize(
    "text,name",
    [
        ("Let me know if you hear of anything.", "bare_imperative"),
        ("Could you refer me for the role?", "bare_imperative"),
        ("Talk soon!", "bare_imperative"),
        ("I work with the NHS and the CEO of IBM.", "shouting"),
        ("Thank you for the advice last week.", "demand"),
        ("You must be busy with the launch.", "demand"),
    ],
)
def test_strategy_not_detected(nlp, text, name):
    assert not _marks(nlp, text, name)


def test_sentences_split_on_lines_and_punctuation(nlp):
    doc = nlp("Hi Sam,\n\nHope you're well!! Are they hiring? I'd love to know.\nThanks,\nAna")
    sents = [s.text.strip() for s in doc.sents if s.text.strip()]
    assert sents == ["Hi Sam,", "Hope you're well!!", "Are they hiring?", "I'd love to know.", "Thanks,", "Ana"]


@pytest.mark.parametrize(
    "text,kind",
    [
        ("Would you be open to referring me? Could you refer me?", "referral"),
        ("Could you put in a good word with the hiring manager?", "referral"),
        ("Please keep me in mind if anything comes up.", "keep_in_mind"),
        ("Would you introduce me to your colleague Dana?", "introduction"),
        ("Could I pick your brain over a quick chat?", "advice"),
        ("It's been ages since we last spoke!", "reconnect"),
        ("We met at the career fair in March.", "met_once"),
        ("I came across your profile and we haven't met.", "cold"),
        ("Priya suggested I reach out to you.", "mutual"),
        ("Hey bro, you know me.", "close"),
    ],
)
def test_cues(nlp, text, kind):
    assert any(m.name == kind for m in nlp(text)._.cues)


def test_slots_urls_job_ids_and_url_company(nlp):
    text = "Hi Jo, I applied at https://boards.greenhouse.io/acme-robotics/jobs/4455667 (Job ID: JR-20391). Thanks, Ana"
    slots = nlp(text)._.slots
    assert slots["urls"] == ["https://boards.greenhouse.io/acme-robotics/jobs/4455667"]
    assert slots["job_ids"] == ["JR-20391"]
    assert slots["recipient_name"] == "Jo"


@pytest.mark.parametrize(
    "text,recipient,sender",
    [
        ("Hi Priya,\n\nCould you refer me?\n\nThanks,\nTom Baker", "Priya", "Tom Baker"),
        ("Dear Dr. Okafor,\nI hope you are well.\nBest regards,\nLena Hoffmann\nData Scientist", "Dr. Okafor", "Lena Hoffmann"),
        ("hey sam! any openings at your place?\n- jay", "sam", "jay"),
        ("Hello there, my name is Carlos, a nurse in Leeds.", None, "Carlos"),
    ],
)
def test_names(nlp, text, recipient, sender):
    slots = nlp(text)._.slots
    assert slots["recipient_name"] == recipient
    assert slots["sender_name"] == sender


@pytest.mark.parametrize(
    "text,mutual",
    [
        ("Hi Ana, Marcus Lee suggested I reach out about roles at Acme.", "Marcus Lee"),
        ("Would you be willing to introduce me to Dana at Stripe?", "Dana"),
        ("I found you through our mutual friend Kemi.", "Kemi"),
        ("Could you refer me for the analyst role?", None),
    ],
)
def test_mutual_contact(nlp, text, mutual):
    assert nlp(text)._.slots["mutual_contact"] == mutual


def test_company_and_role_from_rankers(critic):
    r = critic.critique("Hi Sam, I'm applying for the Senior Data Engineer role at Stripe. Could you refer me? I worked at Deloitte for 4 years. Thanks!")
    assert r.slots.company == "Stripe"
    assert r.slots.role == "Senior Data Engineer"


def test_spacy_factory_entry_point_adds_everything():
    import spacy

    import refernlp.pipeline  # noqa: F401  (registers the factories)

    nlp = spacy.blank("en")
    nlp.add_pipe("refernlp_sentences")
    nlp.add_pipe("refernlp")
    doc = nlp("Hi Jo, thanks! Could you refer me?")
    assert any(m.name == "gratitude" for m in doc._.strategies)
    assert any(m.name == "referral" for m in doc._.cues)


# --- misfires seen on drafts from outside the corpus: each with a should-detect twin ---------------------------
@pytest.mark.parametrize(
    "text,name",
    [
        ("yo, gotta ask u something about the role", "gratitude"),  # the tokenizer's "got" + "ta" is not thanks
        ("I'm gonna apply for the analyst role.", "gratitude"),
        ("I'm really interested in the analyst role and really appreciate it.", "factuality"),
        ("Regards,\nRamesh Kumar\nEmail: ramesh.kumar@gmail.com\nPhone: +91 98765 43210", "bare_imperative"),
        ("Please don't be offended if you say no, it's fine if you can't.", "bare_imperative"),
        ("Don't hesitate to say no.", "bare_imperative"),
        ("Hi [Name], I'm applying for the [JOB TITLE] role at {COMPANY NAME}.", "shouting"),
        ("Now that you're at Acme, could you refer me?", "sarcasm"),
        ("Whatever works for you is fine, and whatever happens, thank you.", "sarcasm"),
        ("I'm available to start immediately.", "demand"),
        ("I can start asap if needed.", "demand"),
        ("At the end of the day it's your call.", "demand"),
        # a closing date is information ("the posting closes Friday"), not pressure
        ("The posting closes tomorrow, so I wanted to reach out today.", "demand"),
        ("Applications are due tonight; I've already submitted mine.", "demand"),
        # capitals that are acronyms, not a raised voice ("NSW/ACT", "APICS CSCP", "SDE II")
        ("I hold the APICS CSCP and have led DCs across NSW/ACT.", "shouting"),
        ("I'm an SDE II at JPMC, ex-TCS.", "shouting"),
    ],
)
def test_strategy_misfires_fixed(nlp, text, name):
    assert not _marks(nlp, text, name), [m.text for m in _marks(nlp, text, name)]


@pytest.mark.parametrize(
    "name,text,expected",
    [
        ("gratitude", "Ta, mate!", "Ta"),
        ("factuality", "Do you really think they would hire me?", "Do you really"),
        ("bare_imperative", "Email the recruiter about me today.", "Email the recruiter about me today."),
        ("bare_imperative", "Do send my CV to HR today.", "Do send my CV to HR today."),
        ("easy_out", "Please don't be offended, it's fine if you can't.", "it's fine if you can't"),
        ("sarcasm", "Ok whatever, I'll ask someone else.", "Ok whatever"),
        ("demand", "I need you to start on it immediately.", "immediately"),
        ("demand", "need u to refer me at stripe", "need u to"),
        ("demand", "applications close tonight so pls hurry", "hurry"),
        ("demand", "can u do it by tmrw?", "by tmrw"),
        ("demand", "it closes by EOD", "by EOD"),
        ("demand", "lmk once it's submitted", "once it's submitted"),
        ("demand", "let me know once it's submitted", "let me know once it's submitted"),
        ("demand", "u gotta help me out", "u gotta"),
        ("grovelling", "I would be forever thankful for your help.", "forever thankful"),
        ("grovelling", "Please find my resume for your kind perusal.", "your kind perusal"),
        ("grovelling", "Awaiting your positive reply.", "Awaiting your positive reply"),
        ("shouting", "ANY LEADS YET", "ANY LEADS YET"),
        ("shouting", "THANK YOU so much", "THANK YOU"),
        ("shouting", "PLEASE REFER ME", "PLEASE REFER ME"),
        ("shouting", "YAAR KOI TOH KARO 3 MAHINE HO GAYE", "MAHINE HO GAYE"),  # a draft written in capitals
    ],
)
def test_strategy_detected_where_it_was_missed(nlp, name, text, expected):
    assert expected in [m.text for m in _marks(nlp, text, name)]


@pytest.mark.parametrize(
    "text,kind,present",
    [
        ("We were in the same stats classes at U of T.", "known", True),
        ("Hannah told me you're hiring.", "known", False),
        ("Hi all, I was laid off this week.", "group", True),
        ("Hi Sam, I was laid off this week.", "group", False),
        ("I am writing to humbly request your kind perusal of my resume.", "request", True),
        ("would you be comfortable introducing us?", "introduction", True),
        ("gotta ask u something", "request", True),
        ("Hi [Company] team, I'm applying for the [Job ID] role.", "goal_statement", True),  # "I'm applying", outside the holes
        ("Hi, please see the [Job ID] below.", "goal_statement", False),  # "job id" only inside a placeholder
    ],
)
def test_cue_kinds(nlp, text, kind, present):
    assert any(m.name == kind for m in nlp(text)._.cues) is present


DRAFTS = [
    "Hi Sam, I'm applying for the Senior Data Engineer role at Stripe. Could you refer me? Thanks!",
    "yo jay, gotta ask u smth. need u to refer me at stripe for the backend eng role tmrw, applications close tonight.",
    "Respected Sir,\n\nI humbly request your kind perusal of my resume for the Software Engineer position at Infosys. "
    "Awaiting your positive reply.\n\nRegards,\nRamesh Kumar\nEmail: ramesh.kumar@gmail.com",
    "Hi [Name], could you refer me for the <role> position at {company}? Thanks!",
    "<p>Hi Jo, could you <b>refer</b> me at Acme?</p>",
    "https://boards.greenhouse.io/acme/jobs/4455667",
]


def test_add_pipe_refernlp_sets_the_whole_critique(critic):
    import spacy

    import refernlp.pipeline  # noqa: F401  (registers the factories)

    nlp = spacy.blank("en")
    nlp.add_pipe("refernlp")
    for text in DRAFTS:
        doc = nlp(text)
        expected = critic.critique(text)
        assert doc._.critique == expected, text
        assert doc._.critique.to_dict() == expected.to_dict()
        assert [m.name for m in doc._.strategies] == [s.name for s in expected.politeness.strategies]
    doc = nlp(DRAFTS[0])
    assert doc._.critique.slots.company == "Stripe" and doc._.critique.slots.role == "Senior Data Engineer"
    assert doc._.slots["company"] == "Stripe"  # the slots the critique was built from, rankers included
    assert any(t.is_sent_start for t in doc[1:])
    assert nlp("   ")._.critique is None  # a text the critic refuses: no critique, no exception


def test_add_pipe_refernlp_config(critic):
    import spacy

    import refernlp.pipeline  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("refernlp", config={"relationship": "weak"})
    doc = nlp(DRAFTS[0])
    assert doc._.critique == critic.critique(DRAFTS[0], relationship="weak")
    assert doc._.critique.relationship.source == "given"


@pytest.mark.parametrize(
    "text,name,present",
    [
        ("Kindly refer me for any fresher vacancy. Kindly do the needful.", "bare_imperative", False),
        ("Please refer me for the analyst role.", "bare_imperative", True),  # a please does not rescue a command
        ("Kindly do the needful.", "demand", False),
        ("Don't make me ask twice.", "demand", True),
        ("Thanking you,\nRahul", "gratitude", True),
    ],
)
def test_formal_and_slang_registers(nlp, text, name, present):
    assert bool(_marks(nlp, text, name)) is present


def test_token_table_shared_per_doc_and_not_kept_alive(nlp):
    import gc
    import weakref

    from refernlp.components.base import TokenTable, sentence_texts, token_texts

    doc = nlp("Hi Ana. Could you refer me?\nThanks")
    tab = TokenTable.of(doc)
    same = TokenTable.of(doc) is tab
    assert same
    texts, sents = [t.text for t in doc], [s.text for s in doc.sents]
    assert token_texts(doc) == texts
    assert sentence_texts(doc) == sents
    with doc.retokenize() as retok:
        retok.merge(doc[0:2])
    merged = TokenTable.of(doc)
    assert merged is not tab
    assert merged.texts == ["Hi Ana"] + texts[2:]
    # the shared table holds its Doc weakly
    ref = weakref.ref(doc)
    del doc, tab, merged, retok
    gc.collect()
    alive = ref() is not None
    assert not alive
