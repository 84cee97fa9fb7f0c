"""Rewrites that keep the sender's request: recast openings, hints made plain, moved asks that name their target."""

from __future__ import annotations

import pytest

from refernlp.rewrite.spot import recast_lead_ins


def test_the_least_you_can_do_opening_goes_and_the_request_after_it_is_hedged(critic):
    draft = ("I covered your shifts for THREE weeks when your dad was sick. The least you can do is put my name in for "
             "the apron lead job at Heathrow. Don't make me ask twice.")
    text = critic.rewrite(draft, relationship="strong", n=1)[0].text
    assert "least you can do" not in text.lower() and "ask twice" not in text, text
    # the sender's own request, as a question, with its facts; not a statement of interest in its place
    assert "put my name in for the apron lead job at Heathrow?" in text, text


def test_recast_lead_ins_leaves_a_lead_in_naming_someone_alone():
    from refernlp.components.base import Mark

    text = "Told Linda at the Jubilee you'd give her a ring about me."
    marks = (Mark(0, 4, "guilt", "strategy", "negative", "Told"),)
    assert recast_lead_ins(text, [(0, len(text))], marks) == marks


def test_a_shouted_demand_before_the_request_keeps_the_request(critic):
    draft = "NEED U TO REFER ME FOR THE NORDSTROM STOCK ASSOCIATE THING BY TMRW. link in email. pls"
    text = critic.rewrite(draft, n=1)[0].text
    assert "refer me for the nordstrom stock associate thing?" in text.lower(), text
    assert "TMRW" not in text and "tmrw" not in text.lower().split("?")[0], text


@pytest.mark.parametrize(
    "draft",
    [
        "Hi Declan, things are fairly quiet on our site, to put it mildly, and I've started to look around a bit. You'd "
        "know better than anyone what's out there at the moment, so if anything crossed your radar that you think I "
        "might suit, you know where I am.",
        "notice period ends on the 30th. just putting it out there that I'd make an excellent PM on anyone's payments team 😇",
    ],
)
def test_a_hinted_referral_ask_is_made_plain(critic, draft):
    top = critic.rewrite(draft, n=1)[0]
    assert top.plan != "polish", top.text
    assert any(e.reason == "ask.unclear" for e in top.edits), top.text
    assert "ask.unclear" not in {f.id for f in critic.critique(top.text, relationship=top.relationship).findings}, top.text


def test_news_of_a_job_taken_gains_no_ask(critic):
    draft = ("Hi Elena — wanted to share a quick update since we worked together briefly on the Cisco partner summit a "
             "few years ago: I've just joined Zscaler as Senior Partner Marketing Manager for EMEA. If you're ever "
             "working on joint programs in the security space, I'd love to reconnect. All the best, Tobias")
    for r in critic.rewrite(draft, n=3):
        assert "refer me" not in r.text and "resume" not in r.text, r.text


def test_a_moved_ask_that_pointed_back_names_the_role_it_pointed_at(critic):
    draft = (
        "Subject: Hello after all this time!\n\nDear Marguerite,\n\nI hope you and Philippe are both keeping well. I was "
        "clearing out a drawer last week and found the card you gave me when I left the Novotel, the one with the little "
        "drawing of the linen cupboard, and it made me laugh and then made me realise it's been almost eight years. Where "
        "does the time go?\n\nA lot has happened. After the Novotel I did three years cleaning at the university halls, "
        "which I actually loved. Then my husband's job moved us to Reading, and I started my own little domestic cleaning "
        "round. It went well at first, I had eleven regular clients at one point. But since the cost of living went up, "
        "half of them cut back to fortnightly or stopped altogether, and honestly with petrol and products I'm barely "
        "breaking even some weeks. My back isn't what it was either.\n\nMy daughter keeps telling me to get something "
        "with a proper contract and sick pay, and I think she's right. I saw that Sodexo has an opening for a cleaning "
        "supervisor on the hospital contract at the Royal Berkshire. I noticed on LinkedIn that you're an account "
        "manager with Sodexo now – congratulations, you always deserved it. I feel a bit cheeky asking after so long, "
        "but would you consider referring me for it?\n\nWith love,\nGrace"
    )
    assert "ask.buried" in {f.id for f in critic.critique(draft, relationship="weak").findings}
    top = critic.rewrite(draft, relationship="weak", n=1)[0]
    assert any(e.reason == "ask.buried" for e in top.edits), top.text
    at = top.text.find("would you consider referring me for")
    assert 0 <= at < len(top.text) // 3, top.text
    assert top.text[at:].startswith("would you consider referring me for the cleaning supervisor role"), top.text
    # it follows the paragraph it was put in, not the middle of a thought ("... eight years. [ask] Where does ...")
    assert top.text.index("Where does the time go?") < at, top.text


def test_a_chat_ask_to_a_stranger_names_the_role_posted_in_the_sentence_before(critic):
    draft = ("Mr. Patel - 30 years running stamping lines in Vandalia. Saw Fuyao posted a Production Supervisor opening. "
             "Would appreciate a referral if you think I fit. - Dennis Hollenbeck")
    top = critic.rewrite(draft, relationship="second_degree", n=1)[0]
    assert "short chat about the Production Supervisor" in top.text and "at Fuyao?" in top.text, top.text
    assert "referral" not in top.text, top.text


@pytest.mark.parametrize(
    ("draft", "gone", "kept"),
    [
        ("Guess my message got lost. Again. Third time, Pete: we worked together at Oracle for four years. Can you refer "
         "me to anything VP Sales level or not?", ["or not", "Guess my message", "Again."], ["Oracle", "VP Sales level?"]),
        ("Subject: A matter of some importance\n\nBongani,\n\nI trained you from a first-year article clerk to a qualified "
         "CA. I therefore expect that you will refer me should a controller position arise at your firm.\n\nH.J. Botha",
         ["expect"], ["refer me should a controller position arise at your firm?"]),
        ("I'm applying for the Assistant Head post at Kingsmead Academy. Could you refer me? I trust that won't be a problem.",
         ["I trust"], ["Kingsmead Academy"]),
    ],
)
def test_ultimatums_expectations_and_presumptions_go_and_the_request_stays(critic, draft, gone, kept):
    text = critic.rewrite(draft, n=1)[0].text
    for g in gone:
        assert g not in text, text
    for k in kept:
        assert k in text, text


def test_what_only_follows_from_a_dropped_favour_ledger_goes_with_it(critic):
    draft = ("Hola Dani! I remember perfectly when I covered your interviews at Kavak in December 2021 so you could go to "
             "Cancún. Could you refer me for the UX Researcher role at Netflix?")
    text = critic.rewrite(draft, relationship="weak", n=1)[0].text
    assert "Cancún" not in text and "covered your interviews" not in text, text
    assert "UX Researcher role at Netflix?" in text, text


def test_a_status_ultimatum_goes_whole_and_a_request_is_made_in_its_place(critic):
    text = critic.rewrite("babe the Nedbank job. did you refer me or not?? it's been a WEEK", relationship="strong", n=1)[0].text
    assert "or not" not in text and "did you refer me" not in text and "WEEK" not in text, text
    assert "refer me" in text and "?" in text, text


def test_a_cold_chat_ask_leaves_no_fragment_of_the_referral_clause(critic):
    draft = ("hi, i wrote to you on the pw alumni list two weeks ago about the intel gdańsk sre role. i know you're busy. "
             "everyone is. a yes or no on the referral would be nice.")
    text = critic.rewrite(draft, relationship="second_degree", n=1)[0].text
    assert "on the." not in text and "referral" not in text and "short chat" in text, text


def test_a_humble_request_loses_only_its_grovelling_adverb_and_a_well_wish_is_not_doubled(critic):
    draft = ("Dear Advocate Mokgoro,\n\nI hope this letter finds you well. You may recall that I served as a candidate "
             "attorney in your chambers for a brief period in 2015.\n\nI humbly write to request that you consider me for "
             "any vacancies in legal services within the provincial government. I have spent the intervening years in "
             "litigation.\n\nYours faithfully,\nThandeka Nkosi")
    text = critic.rewrite(draft, relationship="weak", n=1)[0].text
    assert "humbly" not in text and "I write to request that you consider me for any vacancies in legal services" in text, text
    assert "I hope you've been" not in text and text.count("I hope") == 1, text


@pytest.mark.parametrize(
    "draft",
    [
        "ok hear me out. Etsy's hiring a copywriter on my team and you literally write product descriptions for fun. if "
        "you want it, I'll put your name in — i'd get a bonus and you'd get to work with me again, win win 😌",
        "yo saw this and thought of u right away — Hanson Electric hiring journeyman electrician, 4 10s, union scale. "
        "link: hansonelectric.com/jobs",
        "btw since lumina studios is looking for a motion designer — have you seen Kofi's reel? he was my classmate and "
        "he's insanely good. you should def look at him.",
        "Hi Bogdan, my team at Zendesk has two Support Engineer openings in Dublin. If you want, I can submit a referral "
        "for you — just send me your latest CV. Best, Aoife",
    ],
)
def test_an_offer_to_refer_the_reader_or_a_posting_shared_for_them_gains_no_ask(critic, draft):
    for r in critic.rewrite(draft, n=3):
        assert "refer me" not in r.text and "join the team" not in r.text and "my resume" not in r.text, r.text


def test_a_referral_ask_that_offers_a_resume_if_wanted_keeps_its_plan(critic):
    top = critic.rewrite("Refer me for the Data Analyst role at Acme. If you want, I can send my resume tonight.",
                         relationship="strong", n=1)[0]
    assert top.plan == "direct", top.plan
    assert any(e.reason == "courtesy.no_easy_out" for e in top.edits), top.text  # the plan's additions, not a polish


def test_an_ask_that_answers_the_sentence_before_it_stays_right_after_it(critic):
    text = critic.rewrite("Quick q — is Monzo hiring data engineers at the moment? If so I'd love a referral. Cheers, Tom",
                          relationship="strong", n=1)[0].text
    assert "? If so I'd love a referral." in text, text


def test_an_or_not_statement_loses_only_its_ultimatum(critic):
    text = critic.rewrite("Stop ignoring me. I just want to know if you sent my CV over to Hannah or not. Yes or no.", n=1)[0].text
    assert "I just want to know if you sent my CV over to Hannah." in text, text
    assert "or not" not in text and "Yes or no" not in text, text


def test_a_sentence_after_the_greetings_comma_starts_with_a_capital_once_a_line_goes_before_it(critic):
    draft = ("Hi Declan, things are fairly quiet on our site and I've started to look around a bit. If anything crossed "
             "your radar that you think I might suit, you know where I am.")
    text = critic.rewrite(draft, relationship="weak", n=1)[0].text
    assert "] Things are fairly quiet" in text, text


@pytest.mark.parametrize(
    ("draft", "asked"),
    [
        ("After I covered your Christmas shifts two years running, the least you could do is have a word with the ward "
         "manager at St Thomas' about the band 6 post, Priya.", "have a word with the ward manager at St Thomas' about the band 6 post"),
        ("mate, I helped you move flat twice and fixed your bike, and now you can't pass my CV to your boss at Deliveroo?",
         "pass my CV to your boss at Deliveroo?"),
    ],
)
def test_a_favour_ledger_before_a_lead_in_goes_and_the_request_is_kept(critic, draft, asked):
    text = critic.rewrite(draft, relationship="strong", n=1)[0].text
    assert asked in text, text
    low = text.lower()
    assert "least you could do" not in low and "helped you move" not in low and "covered your" not in low, text
    assert text.count("?") == 1 or "Would you be willing to refer me" not in text, text  # no second ask tacked on


def test_a_shouted_count_and_a_one_word_jibe_go_from_a_hostile_draft(critic):
    draft = "I lent you my car for your whole move. 6 MONTHS. and you can't even tell me if Ocado has any warehouse shifts?? typical"
    text = critic.rewrite(draft, relationship="strong", n=1)[0].text
    assert "MONTHS" not in text and "typical" not in text.lower(), text
    assert "Ocado" in text, text


def test_a_request_the_purpose_model_files_as_other_is_planned_as_a_referral_ask(critic):
    from types import SimpleNamespace

    from refernlp.rewrite.compose import purpose_of

    draft = "Hi Tunde, we haven't met. I saw your post that your clinic is hiring a practice nurse. I'd like to be referred for it, CV attached."
    analysis, crit = critic.analyse(draft), critic.critique(draft)

    def as_read(purpose: str, request_type: str, intro: bool = False):
        return SimpleNamespace(purpose=SimpleNamespace(label=purpose), request_type=SimpleNamespace(label=request_type),
                               asks_introduction=intro, relationship=crit.relationship)

    # the catch-all "other" beside a request the request-type model reads is a referral ask; a named purpose is kept
    assert purpose_of(analysis, as_read("other", "targeted")) == "referral_ask"
    assert purpose_of(analysis, as_read("other", "general", intro=True)) == "intro_request"
    assert purpose_of(analysis, as_read("other", "none")) == "other"
    assert purpose_of(analysis, as_read("thanks", "targeted")) == "thanks"


def test_a_company_read_only_from_a_link_counts_as_unnamed(critic):
    from refernlp.rewrite.compose import written

    linked = critic.analyse("Hi! I applied here: https://apply.workable.com/tidewater-labs/j/8F3A2C91/ any chance you could refer me? thanks")
    assert linked.slot("company") == "tidewater-labs" and written(linked, "company") is None
    named = critic.analyse("Could you refer me for the analyst role at Acme? https://acme.com/jobs/1")
    assert written(named, "company") == "Acme"


def test_a_company_read_only_from_a_link_gets_a_placeholder_not_its_slug(critic):
    draft = ("Hello Dr Osei, I have not had the pleasure of meeting you. I applied for this post: "
             "https://careers.brightwaterhealth.org/jobs/renal-pharmacist-leeds-2291 . Would you consider referring me "
             "for the renal pharmacist role? I have four years in hospital pharmacy. Kind regards, Ama")
    top = critic.rewrite(draft, relationship="second_degree", n=1)[0]
    body = top.text.replace("https://careers.brightwaterhealth.org/jobs/renal-pharmacist-leeds-2291", "")
    assert "brightwaterhealth" not in body.lower(), top.text  # never the slug as a name
    ids = {f.id for f in critic.critique(top.text, relationship="second_degree").findings}
    assert "transparency.no_company" not in ids or "[company]" in top.text, top.text


@pytest.mark.parametrize(
    "draft",
    [
        "Hi Aisha, thanks for reaching out. I'm afraid I don't have any say in graduate hiring at Northwind, but every "
        "opening is on our careers site. Best of luck with your search!",
        "Hey Jo, just to confirm I submitted the referral for you this afternoon, so keep an eye on your inbox. Fingers crossed!",
        "Hi Sam, passing along a job posting I saw for your sister: Halfords is hiring a store manager in Leeds, "
        "https://careers.halfords.com/jobs/4471. Thought she might be interested.",
        "Evening all, our platform team is hiring two SREs. If you know anyone good, I'll refer them. Details: https://acme.example/careers/sre",
        "hey, my brother is looking for an electrician apprenticeship around bristol. u know anyone? no worries if not",
        "Hi Marta! My old teammate Ben just moved to Lisbon and loves climbing like you do. Ben, meet Marta. Marta, meet Ben 🙂",
    ],
)
def test_replies_referrals_made_and_help_for_someone_else_gain_no_ask(critic, draft):
    for r in critic.rewrite(draft, n=3):
        assert "refer me" not in r.text and "keep me in mind" not in r.text.lower() and "resume" not in r.text, r.text


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        # a softened demand inside a sentence is not capitalised as if it started one
        ("As someone I trained, I expect you'll be glad to refer me for the Staff Nurse post at Guy's.", "As someone I trained, you may be glad"),
        # the sender as the demand's subject goes with it, and fillers before it are no subject of their own
        ("heyyy 😅 sooo I kinda need you to refer me for the barista job at your cafe lol", "sooo, would you be willing to refer me for the barista job"),
        # a lead clause before the demand stays in front of the question
        ("I've filled in every form, I just need you to click approve in Greenhouse for the Ops Analyst role at Bolt.",
         "I've filled in every form, could you click approve in Greenhouse"),
        # a question that lost its question mark gets it back when the sentence is fixed
        ("hey so ur at figma now right. do they have like design internships. can u refer", "do they have like design internships?"),
    ],
)
def test_demands_are_cut_cleanly_around_the_request(critic, draft, expected):
    text = critic.rewrite(draft, relationship="strong", n=1)[0].text
    assert expected in text, text


def test_a_company_misread_inside_a_shouted_demand_is_not_kept_as_a_fact(critic):
    draft = "I NEED THIS REFERRAL BY MONDAY. Applications close Monday. Just submit it, I sent you my CV."
    top = critic.rewrite(draft, relationship="strong", n=1)[0]
    assert "NEED THIS" not in top.text and "I NEED" not in top.text, top.text
    assert "politeness.demand" not in {f.id for f in critic.critique(top.text, relationship="strong").findings}, top.text


def test_a_draft_asking_its_recipient_to_ask_a_named_relative_stays_addressed_to_the_recipient(critic):
    draft = ("Hi Carla, hope the new house is coming along! Would you be willing to ask your brother Matteo if he'd refer "
             "me at Ferrari? There's a Data Engineer opening (req 55102) and I know he's been there for years. I can send him my CV.")
    for r in critic.rewrite(draft, relationship="second_degree", n=3):
        assert r.text.startswith("Hi Carla"), r.text  # never re-addressed to Matteo
        assert "req 55102" in r.text, r.text


def test_an_ultimatum_and_a_complaint_about_silence_go(critic):
    draft = ("Honestly I was expecting more from you. I've messaged twice, I've called, and nothing. If you're not going to "
             "refer me for the Site Supervisor job at Kier, just say so.")
    text = critic.rewrite(draft, relationship="strong", n=1)[0].text
    assert "just say so" not in text and "expecting more" not in text and "and nothing" not in text, text
    assert "Site Supervisor" in text and "?" in text, text  # the request itself is made again, plainly


def test_plainly_named_companies():
    from refernlp.rewrite.plans import plainly_named

    assert plainly_named("Qatar Airways", "Saw you got the Qatar Airways job.")
    assert plainly_named("flutterwave", "saw you're at flutterwave 😊 any chance?")
    assert plainly_named("ey", "can u refer me at ey for the data intern thing")
    # lower-case words the slot reader took for a company: no "I'd love to join the team at hafte tak koi"
    assert not plainly_named("hafte tak koi", "yaar mujhe is hafte tak koi PM role chahiye, seriously.")


def test_a_two_word_remnant_of_a_demand_goes(critic):
    draft = "I've told their recruiter you'll refer me for the Planner role at Arup, so expect a call. Make sure you pick up."
    text = critic.rewrite(draft, relationship="strong", n=1)[0].text
    assert "pick up" not in text.lower() and "Make sure" not in text, text
    assert "Planner" in text and "Arup" in text, text


@pytest.mark.parametrize(
    "draft",
    [
        "Hi Auntie Grace! Hope you're keeping well. Mum said your son Kofi works at Deloitte Accra now. I've just finished my "
        "accounting degree. Could you please ask him if he can refer me for the audit graduate scheme? Thank you so much!",
        "Hey Dom, slightly cheeky one. Your flatmate Priya is still at Monzo, right? I'm applying for the Fincrime Analyst role. "
        "Would you be okay asking her if she'd have 15 min with me this week? Totally fine to say no on her behalf.",
    ],
)
def test_a_request_routed_through_the_recipient_is_no_cold_ask_and_keeps_its_recipient(critic, draft):
    ids = {f.id for f in critic.critique(draft, relationship="second_degree").findings}
    assert "relationship.second_degree_direct_ask" not in ids, ids
    for r in critic.rewrite(draft, relationship="second_degree", n=3):
        assert r.text.startswith(" ".join(draft.split()[:2])), r.text  # addressed to the recipient, never to the relative


@pytest.mark.parametrize(
    "draft",
    [
        "Hi Sofia, sorry, I can't refer you for the designer role: we only refer people we've worked with. The careers page has everything, good luck!",
        "Done! I've put your name in for the forklift driver opening. HR should ring you this week. Steel toes on the day 😄",
        "ok your referral for the line cook job is in. told them you're solid, don't let me down lol",
        "Thank you for your interest in our company. We are not hiring for that position at the moment, but we will keep your CV on file.",
        "Hello Priya, I lead recruiting for a boutique search firm. A client of ours, a Series B healthtech, needs a Head of Data. Open to a call?",
        "hey saw the council is hiring bin lorry drivers, ur brother was asking about driving jobs right? link's on their site",
        "hiya, thanks for the heads up about the nights opening at the depot! applied this morning 🤞",
        "Thanks for the call back, but I'm going to turn down the assistant manager job, I've found something nearer home.",
        "does next thurs work for that call? I'm free after 4",
        "Hi Tom, good news: I submitted you for the Night Shift Lead role on our referral portal this morning. Workday will email you.",
        "Hi Aisha, sadly the receptionist spot was filled last week, and we don't have any openings right now. Sorry I can't be more help!",
        "Hi Ben, I'm not on the hiring side, but I've forwarded your note to our grad recruiting team. Fingers crossed!",
        'You said, and I quote, "of course I\'ll refer you, just remind me". So I\'m reminding you: could you refer me for the QA role at Monzo?',
    ],
)
def test_notes_from_the_helpers_side_or_about_something_else_gain_no_referral_ask(critic, draft):
    quoted_ask = "could you refer me" in draft
    for r in critic.rewrite(draft, n=3):
        added = {e.reason for e in r.edits}
        if quoted_ask:  # the quoted promise does not hide the sender's own ask: the plan still runs
            assert r.purpose in {"referral_ask", "intro_request"}, r.text
            continue
        assert not added & {"ask.unclear", "targeted.no_resume", "courtesy.no_easy_out", "relationship.ask_before_bond"}, r.text
        assert "refer me" not in r.text and "keep me in mind" not in r.text.lower(), r.text


def test_a_shouted_ultimatum_keeps_its_request_and_loses_its_threat(critic):
    draft = "IM NOT ASKING AGAIN. YOU PROMISED. EITHER YOU FORWARD MY CV TO YOUR MANAGER TODAY OR DON'T BOTHER TEXTING ME AT CHRISTMAS."
    text = critic.rewrite(draft, relationship="strong", n=1)[0].text
    assert "forward my CV to your manager" in text and "?" in text, text
    assert "bother" not in text.lower() and "not asking again" not in text.lower(), text


@pytest.mark.parametrize(
    "draft",
    [
        "Hi Raj, this is my third message. I know you saw it because WhatsApp shows the blue ticks. It takes two minutes. "
        "Could you refer me for the Data Analyst role at Ocado?",
        "Sam, I've never asked you for anything before. Could you refer me for the Sous Chef job at Dishoom? Why is this so hard?",
    ],
)
def test_follow_up_jibes_go_and_the_request_stays(critic, draft):
    text = critic.rewrite(draft, relationship="strong", n=1)[0].text
    low = text.lower()
    for jibe in ("third message", "i know you saw", "takes two minutes", "never asked you", "so hard"):
        assert jibe not in low, text
    assert "refer me for the" in text, text


def test_a_past_referral_in_a_favour_ledger_is_no_reply_from_the_helper(critic):
    from refernlp.rewrite.replies import written_by_helper

    draft = "Hi Conor, I referred you into Janssen back in 2017 and you got the job. Could you refer me for the QA Lead role at Roche?"
    assert not written_by_helper(draft)
    top = critic.rewrite(draft, relationship="strong", n=1)[0]
    assert top.purpose in {"referral_ask", "intro_request"}, top.text
