"""The rules of the critique, each with the drafts it must flag and must pass beside it.

The politeness rules come from the strategy lexicon (see :mod:`refernlp.findings.politeness`).
"""

from __future__ import annotations

import re
from typing import Iterator

from ..components.patterns import THIRD_PARTY_ASK
from ..results import Finding
from ..schema import LENGTH
from .engine import Context, Example, finding, rule

#: filler for the length and buried-ask examples
LONG_BACKGROUND = 'I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. '
GOOD_TARGETED = "Hi Sam, I'm applying for the Data Analyst role at Acme (job ID JR-1234). Would you be open to referring me? My resume is attached. No worries if not, and thanks either way!"


_WORD = re.compile(r"[^\W_]+")
JOB_LINK = "https://boards.greenhouse.io/acme/jobs/4455667"
IMPLIED = "Hi Sam, I saw the Data Analyst opening at Acme and I'm applying. My resume is attached. Thanks!"


def link_only(ctx: Context) -> bool:
    """A draft that is a job link and at most three other words, with no ask."""
    urls = ctx.slot_spans.get("urls") or ()
    if not urls or ctx.explicit_ask:
        return False
    rest, last = [], 0
    for a, b in sorted(urls):
        rest.append(ctx.text[last:a])
        last = b
    rest.append(ctx.text[last:])
    return len(_WORD.findall(" ".join(rest))) <= 3


def implied_ask(ctx: Context) -> bool:
    """No ask in so many words, but a resume or a job link or ID beside a role or an "I'm applying"."""
    if ctx.explicit_ask:
        return False
    offer = bool(ctx.cue("resume") or ctx.slot_spans.get("urls") or ctx.slot_spans.get("job_ids"))
    target = bool(ctx.cue("goal_statement") or ctx.slot_spans.get("role"))
    return offer and target


# --- the ask -----------------------------------------------------------------
@rule("ask.none", "info", "No referral ask was found.", flags=[('Congrats on the new job, so happy for you!', 'none', 'strong')],
      passes=[(GOOD_TARGETED, 'targeted', 'strong'), (IMPLIED, 'none', 'strong'), (JOB_LINK, 'none', 'strong')])
def _ask_none(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.request_type == "none" and not implied_ask(ctx) and not link_only(ctx):
        yield finding(id, sev, "No referral ask found. Fine for a thank-you, a catch-up or a bond-building first message; if you meant to ask, say plainly what you want.")


@rule("ask.unclear", "warning", "A referral request whose ask is only implied.",
      flags=[("I'm looking at the analyst opening at Acme.", 'targeted', 'strong'), (IMPLIED, 'none', 'strong'),
             ("hey, applied to the backend role at stripe last night, resume attached", 'targeted', 'strong')],
      passes=[(GOOD_TARGETED, 'targeted', 'strong'), ('Congrats on the new job, so happy for you!', 'none', 'strong'),
              ("Would you be open to a quick chat about the Data Engineer team at Stripe?", 'targeted', 'second_degree'),
              ("I am writing to humbly request your kind perusal of my resume for the Software Engineer position at Infosys.", 'targeted', 'second_degree'),
              ("need u to put in a word for me at stripe, backend role", 'targeted', 'strong'),
              ("Thanks so much for referring me for the analyst role at Acme, I got the interview!", 'none', 'strong'),
              (JOB_LINK, 'targeted', 'strong')])
def _ask_unclear(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if link_only(ctx):
        return
    if (ctx.request_type != "none" and not ctx.explicit_ask) or (ctx.request_type == "none" and implied_ask(ctx)):
        yield finding(id, sev, "The request is implied but never stated: your contact has to guess what you want.", None, "Ask plainly, e.g. “Would you be open to referring me for …?” or “Could you keep me in mind for …?”")


@rule("ask.link_only", "warning", "The message is only a job link.", flags=[(JOB_LINK, 'targeted', 'strong'), (JOB_LINK + " 👀 ??", 'none', 'strong')],
      passes=[(GOOD_TARGETED + " " + JOB_LINK, 'targeted', 'strong'), ("Could you refer me? " + JOB_LINK, 'targeted', 'strong')])
def _link_only(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if link_only(ctx):
        yield finding(id, sev, "The message is only a link: your contact has to guess who you are and what you want.", tuple(sorted(ctx.slot_spans["urls"])[0]), "Say who you are, which role this is, that you'd like a referral, and one line on why you fit; then add the link.")


@rule("ask.buried", "warning", "The ask comes at the very end of a long message.", flags=[(LONG_BACKGROUND + 'Could you refer me for the analyst role at Acme?', 'targeted', 'strong')], passes=[('Could you refer me for the analyst role at Acme? ' + LONG_BACKGROUND, 'targeted', 'strong')])
def _ask_buried(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    ask = ctx.first_ask
    n = len(ctx.text.strip())
    if ctx.request_type != "none" and ask is not None and n >= LENGTH.buried_min_chars and ask.start >= LENGTH.buried_fraction * n:
        yield finding(id, sev, f"The ask starts {ask.start:,} characters into a {n:,}-character message: a busy reader may never reach it.", ask, "Put the ask in the first two or three sentences and cut the background.")


# --- transparency ------------------------------------------------------------
@rule("transparency.no_company", "warning", "A targeted request that never names the company.", flags=[('Could you refer me for job 88123? Thanks!', 'targeted', 'strong'), Example('Could you refer me for job 88123? Thanks!', transparency='low')], passes=[(GOOD_TARGETED, 'targeted', 'strong'), Example('Could you refer me for job 88123? Thanks!', transparency='high')])
def _no_company(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.request_type == "targeted" and "company" in ctx.missing:
        yield finding(id, sev, "Targeted request, but the company is never named.", ctx.first_ask, "Say which company you want to join, e.g. “I'm applying to the … role at <company>”.")


@rule("transparency.no_role_or_job", "warning", "A targeted request with no role, job ID or job link.", flags=[('Could you refer me at Acme? Thanks!', 'targeted', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _no_role(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.request_type == "targeted" and "role_or_job_link" in ctx.missing:
        span = ctx.slot_spans.get("company")
        yield finding(id, sev, "Targeted request without the role, a job ID or a link to the posting.", span, "Add the exact job title and the job ID or link, so your contact can refer you in one step.")


@rule("transparency.no_goal", "info", "A targeted request that never says plainly that the goal is to work there.", flags=[('Hi Sam, there is a Data Analyst opening at Acme. Could you put in a good word?', 'targeted', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _no_goal(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.request_type == "targeted" and "goal_statement" in ctx.missing:
        yield finding(id, sev, "Say plainly that you want to work there and are applying.", None, "e.g. “I'm applying for … at … and would love to join the team.”")


@rule("transparency.vague_general", "warning", "A general request with no role type or field.", flags=[('Let me know if anything comes up!', 'general', 'strong')], passes=[('Could you keep me in mind for senior data analyst roles in London or remote?', 'general', 'strong')])
def _vague_general(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.request_type == "general" and "role_or_field" in ctx.missing:
        yield finding(id, sev, "General request without the kind of role you want: your contact cannot spot openings for you.", ctx.first_ask, "Give an overview: function or title, field, level and location or remote, e.g. “mid-level data analyst roles in fintech, London or remote”.")


@rule("transparency.general_incomplete", "info", "A general request missing the level or the location.", flags=[('Could you keep me in mind for data analyst roles?', 'general', 'strong')], passes=[('Could you keep me in mind for senior data analyst roles in London or remote?', 'general', 'strong')])
def _general_incomplete(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.request_type == "general" and "role_or_field" not in ctx.missing:
        gaps = [g for g in ("level", "location") if g in ctx.missing]
        if gaps:
            yield finding(id, sev, "The role overview lacks the " + " and the ".join(gaps) + ".", ctx.slot_spans.get("role"), "Add your level (junior, senior, lead…) and where you want to work (city, region or remote).")


_ELEMENT = {"company": "the company", "role_or_job_link": "the role, a job ID or a link", "role_or_field": "the kind of role you want", "clear_ask": "a plain ask"}
_ADVICE = {"goal_statement": "say plainly that you want to work there", "level": "give your level", "location": "say where you want to work", "clear_ask": "say plainly what you are asking for"}


@rule("transparency.unconfirmed", "info", "The transparency label and the elements refernlp finds disagree: rated high with an essential element not found, or low with every element found.",
      flags=[Example('Could you refer me for job 88123? Thanks!', transparency='high'), Example(GOOD_TARGETED, transparency='low')],
      passes=[Example(GOOD_TARGETED, transparency='high'), Example('Could you refer me for job 88123? Thanks!', transparency='low')])
def _unconfirmed(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.unconfirmed:
        what = " or ".join(_ELEMENT[m] for m in ctx.unconfirmed)
        yield finding(id, sev, f"The request reads as transparent, but refernlp could not find {what} in it: check that it is there, written out.", ctx.first_ask)
    elif ctx.transparency == "low" and ctx.request_type != "none" and not ctx.missing and not ctx.placeholders and not link_only(ctx):
        yield finding(id, sev, "The request reads as vague to the model, though refernlp finds every element in it: check that the company, the exact job title and the job ID or link are all there.", ctx.first_ask)


@rule("transparency.low", "warning", "Rated low on transparency although the company and role are there: says what to add.",
      flags=[Example("Hi Sam, could you refer me for the Data Analyst role at Acme?", transparency='low'), Example("Could you keep me in mind for data analyst roles?", 'general', transparency='low')],
      passes=[Example(GOOD_TARGETED, transparency='high'), Example(GOOD_TARGETED, transparency='low'), Example("Could you refer me at Acme? Thanks!", transparency='low')])
def _transparency_low(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    # a missing company, role or field has its own warning; this one says why when nothing essential is missing
    # with nothing missing at all, the label alone is not enough for a warning: transparency.unconfirmed (info) says so
    if ctx.transparency != "low" or ctx.request_type == "none" or set(ctx.missing) & {"company", "role_or_job_link", "role_or_field"} or link_only(ctx):
        return
    todo = [_ADVICE[m] for m in ctx.missing if m in _ADVICE]
    if not todo:
        # unfilled [placeholders] alone have their own warning (input.placeholder): one problem, one finding
        return
    if ctx.placeholders:
        todo.insert(0, "fill in the placeholders")
    yield finding(id, sev, "The request is not specific enough for your contact to act on.", ctx.first_ask, "To make it concrete: " + "; ".join(todo) + ".")


# --- relationship ------------------------------------------------------------
def _bonded(ctx: Context) -> bool:
    """Reconnection (a reminder of how they know each other counts), a compliment, congratulations or an offer to help."""
    return bool(ctx.cue("reconnect", "met_once", "known", "bond") or ctx.strat("compliment", "offer_help"))


@rule("relationship.ask_before_bond", "warning", "A weak tie asked directly for a referral with no bond-building.", flags=[('Could you refer me for the Data Analyst role at Acme?', 'targeted', 'weak')], passes=[("It's been ages! Congrats on the promotion. Could you refer me for the Data Analyst role at Acme?", 'targeted', 'weak'),
              ("Hi Raj, we met on the CIOB site tour of the depot last spring. Could you refer me for the Site Manager role at CPB?", 'targeted', 'weak'),
              ("Tobias, long time since the Frankfurt secondment! Could you refer me for JR-20391 at Deutsche Bahn?", 'targeted', 'weak')])
def _ask_before_bond(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.relationship == "weak" and ctx.request_type != "none" and not _bonded(ctx):
        yield finding(id, sev, "Weak or dormant tie asked for a referral with no reconnection, compliment or offer to help: such requests are often ignored.", ctx.first_ask, "Build the bond first: reconnect, congratulate them or offer help, and ask for a short chat before asking for a referral.")


SUBJECT_CHAT = "Subject: Referral for the Data Engineer role at Stripe\n\nHi Dana, we haven't met, but Marcus suggested I reach out. Would you be open to a quick chat about the team? Thanks, Ana"
SUBJECT_ASK = "Subject: Referral for the Data Engineer role at Stripe\n\nHi Dana, we haven't met. I'm applying for the Data Engineer role. Could you refer me? Thanks, Ana"
KNOWN = "Hi Leo! Hannah told me you're hiring a Data Scientist at Ritual. We were in the same stats classes at U of T. Would you be open to referring me?"


@rule("relationship.second_degree_direct_ask", "error", "A second-degree contact asked directly for a referral.",
      flags=[('I came across your profile. Could you refer me for the Data Analyst role at Acme?', 'targeted', 'second_degree'), (SUBJECT_ASK, 'targeted', 'second_degree'), (KNOWN, 'targeted', 'second_degree')],
      passes=[('Would you be willing to introduce me to Dana, and maybe she could refer me for the analyst role at Acme?', 'targeted', 'second_degree'), (SUBJECT_CHAT, 'targeted', 'second_degree'),
              ("Would you be willing to ask your husband Jon if he'd refer me for the analyst role at Acme?", 'targeted', 'second_degree')])
def _second_degree(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.relationship != "second_degree" or ctx.request_type == "none" or ctx.asks_introduction:
        return
    # the ask is in the body: a "Referral for …" subject line over a request for a chat is not a referral ask
    body_asks = [m for m in ctx.cue("referral", "keep_in_mind", "introduction", "advice", "request") if m.start >= ctx.subject_end]
    referral = [m for m in ctx.cue("referral") if m.start >= ctx.subject_end] if body_asks else ctx.cue("referral")
    if not referral:
        return
    # an inferred tie: a third party named in a message to someone the sender knows ("we were in the same class"),
    # or a post to a group, is no cold ask (the writer who gives --relationship second-degree is believed)
    if ctx.relationship_source != "given" and ctx.cue("known", "group"):
        return
    # the recipient is asked to ask the one who can refer ("ask your husband Jon if he'd refer me"): routed already
    if THIRD_PARTY_ASK.search(ctx.text):
        return
    via = ctx.slot_spans.get("mutual_contact")
    hint = "Ask your mutual contact whether they know this person well and would make an introduction." if via else "Find a mutual contact who can introduce you, and build the relationship before asking for a referral."
    yield finding(id, sev, "You are asking someone you do not know for a referral.", referral[0], hint)


# --- courtesy --------------------------------------------------------------
@rule("courtesy.no_thanks", "info", "A request with no thanks.", flags=[('Could you refer me for the Data Analyst role at Acme?', 'targeted', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _no_thanks(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.request_type != "none" and not ctx.strat("gratitude"):
        yield finding(id, sev, "No thanks anywhere in the request.", None, "Thank them, whatever the outcome.")


@rule("courtesy.no_easy_out", "info", "A request that does not make declining easy.", flags=[('Could you refer me for the Data Analyst role at Acme? Thanks!', 'targeted', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _no_easy_out(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.request_type != "none" and not ctx.strat("easy_out"):
        yield finding(id, sev, "No easy out: your contact may feel cornered.", None, "Add a line such as “No worries at all if it's not a good fit.”")


@rule("targeted.no_resume", "info", "A targeted request that offers no resume, profile or blurb.", flags=[('Could you refer me for the Data Analyst role at Acme? Thanks!', 'targeted', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _no_resume(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.request_type == "targeted" and not ctx.cue("resume"):
        yield finding(id, sev, "No resume, profile link or ready-to-forward blurb offered.", None, "Attach your resume or offer a two-line blurb they can forward with the job ID.")


# --- length (per channel: schema.LENGTH, from shared/DOMAIN.md) -------------------
#: what a draft is called, per channel, in the length messages
_KIND = {"linkedin": "LinkedIn message", "chat": "chat message", "sms": "text message"}
_REPLY_RATES = "on LinkedIn, messages under 400 characters get about 22% more replies than average and those over 1,200 about 11% fewer"
NOTE = "Hi Sam, I enjoyed your talk on data quality at PyData. I'm applying for the Data Analyst role at Acme and would love to connect."


@rule("length.too_long", "warning", "Too long for a message (over 1,200 characters): LinkedIn, chat or text.", flags=[(LONG_BACKGROUND + LONG_BACKGROUND[:300], 'targeted', 'strong', 'linkedin'), (LONG_BACKGROUND + LONG_BACKGROUND[:300], 'targeted', 'strong', 'sms')], passes=[(GOOD_TARGETED, 'targeted', 'strong', 'linkedin'), (LONG_BACKGROUND + LONG_BACKGROUND[:300], 'targeted', 'strong', 'email')])
def _too_long(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    n = ctx.characters
    if ctx.channel in _KIND and n > LENGTH.message_too_long:
        yield finding(id, sev, f"{n:,} characters is too long for a {_KIND[ctx.channel]}: {_REPLY_RATES}.", None, "Cut to the ask, the role and one line on why you fit.")


@rule("length.long", "info", "Long for a LinkedIn or chat message (800 to 1,200 characters).", flags=[(LONG_BACKGROUND[:950], 'targeted', 'strong', 'linkedin'), (LONG_BACKGROUND[:950], 'targeted', 'strong', 'chat')], passes=[(GOOD_TARGETED, 'targeted', 'strong', 'linkedin'), (LONG_BACKGROUND[:950], 'targeted', 'strong', 'email')])
def _long(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    n = ctx.characters
    if ctx.channel in ("linkedin", "chat") and LENGTH.message_long < n <= LENGTH.message_too_long:
        yield finding(id, sev, f"{n:,} characters: on LinkedIn, messages of 800–1,200 characters get about 6% fewer replies than average; under 400 get about 22% more.", None, "Trim to under 400 characters if you can.")


@rule("length.text_long", "info", "Long for a text message (over 400 characters).", flags=[(LONG_BACKGROUND[:500], 'targeted', 'strong', 'sms')], passes=[(GOOD_TARGETED, 'targeted', 'strong', 'sms'), (LONG_BACKGROUND[:500], 'targeted', 'strong', 'linkedin')])
def _text_long(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    n = ctx.characters
    if ctx.channel == "sms" and LENGTH.text_long < n <= LENGTH.message_too_long:
        yield finding(id, sev, f"{n:,} characters is long for a text: keep it to a few lines ({_REPLY_RATES}).", None, "Send the ask, the role and the link; offer to email the details.")


@rule("length.note_limit", "error", "A LinkedIn connection note over the 300-character limit.", flags=[(GOOD_TARGETED + " " + GOOD_TARGETED, 'targeted', 'strong', 'linkedin_note')], passes=[(NOTE, 'targeted', 'strong', 'linkedin_note'), (GOOD_TARGETED + " " + GOOD_TARGETED, 'targeted', 'strong', 'linkedin')])
def _note_limit(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    n = ctx.characters
    if ctx.channel == "linkedin_note" and n > LENGTH.note_limit:
        yield finding(id, sev, f"{n:,} characters: LinkedIn connection notes stop at {LENGTH.note_limit} characters ({LENGTH.note_free_limit} on free accounts), so this note cannot be sent.", None, "Keep the note to who you are and why you want to connect; make the ask once they accept.")


@rule("length.note_free_limit", "warning", "A LinkedIn connection note over the 200-character limit of free accounts.", flags=[(GOOD_TARGETED + " I enjoyed your talk on data quality at PyData last spring.", 'targeted', 'strong', 'linkedin_note')], passes=[(NOTE, 'targeted', 'strong', 'linkedin_note'), (GOOD_TARGETED + " I enjoyed your talk on data quality at PyData last spring.", 'targeted', 'strong', 'linkedin')])
def _note_free_limit(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    n = ctx.characters
    if ctx.channel == "linkedin_note" and LENGTH.note_free_limit < n <= LENGTH.note_limit:
        yield finding(id, sev, f"{n:,} characters: free LinkedIn accounts limit connection notes to {LENGTH.note_free_limit} characters (premium ones to {LENGTH.note_limit}).", None, f"Cut to under {LENGTH.note_free_limit} characters unless you have a premium account.")


@rule("length.email_words", "info", f"An email outside the {LENGTH.email_words[0]}–{LENGTH.email_words[1]} word range that gets the most replies.", flags=[('Subject: referral\n\nDear Sam,\n' + LONG_BACKGROUND, 'targeted', 'strong'), (LONG_BACKGROUND, 'targeted', 'strong', 'email')], passes=[("Subject: referral\n\nDear Sam,\nHi Sam, I'm applying for the Data Analyst role at Acme (job ID JR-1234). Would you be open to referring me? My resume is attached. No worries if not, and thanks either way!", 'targeted', 'strong'), (LONG_BACKGROUND, 'targeted', 'strong', 'linkedin')])
def _email_words(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    lo, hi = LENGTH.email_words
    if ctx.channel == "email" and ctx.words > hi:
        yield finding(id, sev, f"{ctx.words} words: emails of {lo}–{hi} words get the most replies (above 50%).", None, "Cut background and keep the ask, the role and your fit.")


# --- input notes ---------------------------------------------------------------
@rule("input.placeholder", "warning", "An unfilled template placeholder ([Name], {company}, <role>).",
      flags=["Hi [Name], could you refer me for the [Role] role at {company}? Thanks!", "Hi <First Name>, I'm applying for the ____ role. Could you refer me?"],
      passes=[GOOD_TARGETED, "Hi Sam, <b>could you</b> refer me for the [role](https://acme.com/jobs/1) at Acme?"])
def _placeholder(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.placeholders:
        texts = list(dict.fromkeys(ctx.text[a:b] for a, b in ctx.placeholders))
        shown = ", ".join(texts[:4]) + (", …" if len(texts) > 4 else "")
        yield finding(id, sev, f"Unfilled template placeholder{'s' if len(texts) > 1 else ''}: {shown}.", ctx.placeholders[0], "Fill in every placeholder before sending: a “[Name]” tells your contact this is a mass mailing.")


@rule("language.not_english", "info", "The draft does not look like English.", flags=[('Hola Marta, ¿podrías recomendarme para el puesto de analista en tu empresa? Muchas gracias.', 'targeted', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _not_english(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.english is False:
        yield finding(id, sev, "This draft does not look like English: refernlp's models are trained on English, so treat the labels with caution.")


@rule("input.quoted_reply", "info", "A quoted reply chain was ignored.", flags=[('Sounds good, thanks!\n\nOn Mon, 3 Jun 2024, Sam wrote:\n> Could you send your CV?', 'none', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _quoted(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.quoted_from is not None:
        yield finding(id, sev, "A quoted reply chain was found and ignored; only your own text was critiqued.", (ctx.quoted_from, len(ctx.text.rstrip())))


@rule("input.html", "info", "HTML markup was stripped before analysis.", flags=[('<html><body><p>Could you <b>refer</b> me at Acme?</p></body></html>', 'targeted', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _html(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.html:
        yield finding(id, sev, "HTML markup was stripped before analysis; spans still point into your original text.")
