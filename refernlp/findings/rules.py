"""The rules of the critique, each with the drafts it must flag and must pass beside it.

The politeness rules come from the strategy lexicon (see :mod:`refernlp.findings.politeness`).
"""

from __future__ import annotations

from typing import Iterator

from ..results import Finding
from ..schema import LENGTH
from .engine import Context, finding, rule

#: filler for the length and buried-ask examples
LONG_BACKGROUND = 'I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. I have spent the last few years working across many projects, learning a lot about teams. '
GOOD_TARGETED = "Hi Sam, I'm applying for the Data Analyst role at Acme (job ID JR-1234). Would you be open to referring me? My resume is attached. No worries if not, and thanks either way!"


# --- the ask -----------------------------------------------------------------
@rule("ask.none", "info", "No referral ask was found.", flags=[('Congrats on the new job, so happy for you!', 'none', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _ask_none(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.request_type == "none":
        yield finding(id, sev, "No referral ask found. Fine for a thank-you, a catch-up or a bond-building first message; if you meant to ask, say plainly what you want.")


@rule("ask.unclear", "warning", "A referral request whose ask is only implied.", flags=[("I'm looking at the analyst opening at Acme.", 'targeted', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _ask_unclear(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.request_type != "none" and ctx.first_ask is None:
        yield finding(id, sev, "The request is implied but never stated.", None, "Ask plainly, e.g. “Would you be open to referring me for …?” or “Could you keep me in mind for …?”")


@rule("ask.buried", "warning", "The ask comes at the very end of a long message.", flags=[(LONG_BACKGROUND + 'Could you refer me for the analyst role at Acme?', 'targeted', 'strong')], passes=[('Could you refer me for the analyst role at Acme? ' + LONG_BACKGROUND, 'targeted', 'strong')])
def _ask_buried(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    ask = ctx.first_ask
    n = len(ctx.text.strip())
    if ctx.request_type != "none" and ask is not None and n >= LENGTH.buried_min_chars and ask.start >= LENGTH.buried_fraction * n:
        yield finding(id, sev, f"The ask starts {ask.start:,} characters into a {n:,}-character message: a busy reader may never reach it.", ask, "Put the ask in the first two or three sentences and cut the background.")


# --- transparency ------------------------------------------------------------
@rule("transparency.no_company", "warning", "A targeted request that never names the company.", flags=[('Could you refer me for job 88123? Thanks!', 'targeted', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
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


# --- relationship ------------------------------------------------------------
def _bonded(ctx: Context) -> bool:
    return bool(ctx.cue("reconnect", "bond") or ctx.strat("compliment", "offer_help"))


@rule("relationship.ask_before_bond", "warning", "A weak tie asked directly for a referral with no bond-building.", flags=[('Could you refer me for the Data Analyst role at Acme?', 'targeted', 'weak')], passes=[("It's been ages! Congrats on the promotion. Could you refer me for the Data Analyst role at Acme?", 'targeted', 'weak')])
def _ask_before_bond(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.relationship == "weak" and ctx.request_type != "none" and not _bonded(ctx):
        yield finding(id, sev, "Weak or dormant tie asked for a referral with no reconnection, compliment or offer to help: such requests are often ignored.", ctx.first_ask, "Build the bond first: reconnect, congratulate them or offer help, and ask for a short chat before asking for a referral.")


@rule("relationship.second_degree_direct_ask", "error", "A second-degree contact asked directly for a referral.", flags=[('I came across your profile. Could you refer me for the Data Analyst role at Acme?', 'targeted', 'second_degree')], passes=[('Would you be willing to introduce me to Dana, and maybe she could refer me for the analyst role at Acme?', 'targeted', 'second_degree')])
def _second_degree(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    if ctx.relationship == "second_degree" and ctx.request_type != "none" and not ctx.asks_introduction and ctx.cue("referral"):
        via = ctx.slot_spans.get("mutual_contact")
        hint = "Ask your mutual contact whether they know this person well and would make an introduction." if via else "Find a mutual contact who can introduce you, and build the relationship before asking for a referral."
        yield finding(id, sev, "You are asking someone you do not know for a referral.", ctx.cue("referral")[0], hint)


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


# --- length ------------------------------------------------------------------
@rule("length.too_long", "warning", "Too long for a message (over 1,200 characters).", flags=[(LONG_BACKGROUND + LONG_BACKGROUND[:300], 'targeted', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _too_long(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    n = len(ctx.text.strip())
    if not ctx.is_email and n > LENGTH.message_too_long:
        yield finding(id, sev, f"{n:,} characters: LinkedIn messages over 1,200 characters get about 11% fewer replies than average; under 400 get about 22% more.", None, "Cut to the ask, the role and one line on why you fit.")


@rule("length.long", "info", "Long for a message (800 to 1,200 characters).", flags=[(LONG_BACKGROUND[:950], 'targeted', 'strong')], passes=[(GOOD_TARGETED, 'targeted', 'strong')])
def _long(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    n = len(ctx.text.strip())
    if not ctx.is_email and LENGTH.message_long < n <= LENGTH.message_too_long:
        yield finding(id, sev, f"{n:,} characters: messages of 800–1,200 characters get about 6% fewer replies; under 400 get about 22% more.", None, "Trim to under 400 characters if you can.")


@rule("length.email_words", "info", f"An email outside the {LENGTH.email_words[0]}–{LENGTH.email_words[1]} word range that gets the most replies.", flags=[('Subject: referral\n\nDear Sam,\n' + LONG_BACKGROUND, 'targeted', 'strong')], passes=[("Subject: referral\n\nDear Sam,\nHi Sam, I'm applying for the Data Analyst role at Acme (job ID JR-1234). Would you be open to referring me? My resume is attached. No worries if not, and thanks either way!", 'targeted', 'strong')])
def _email_words(ctx: Context, id: str, sev: str) -> Iterator[Finding]:
    lo, hi = LENGTH.email_words
    if ctx.is_email and ctx.words > hi:
        yield finding(id, sev, f"{ctx.words} words: emails of {lo}–{hi} words get the most replies (above 50%).", None, "Cut background and keep the ask, the role and your fit.")


# --- input notes ---------------------------------------------------------------
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
