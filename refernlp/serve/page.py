"""The web page: its local assets (package data in ``static/``) and the plain-language words it shows.

The page is one HTML file, one stylesheet and one script, all served by the
same process (no CDN: it works offline, and the Content-Security-Policy
forbids anything else). The pickers' choices and every label's explanation
come from :mod:`refernlp.schema`'s vocabulary, with the explanations here.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from importlib import resources

from ..schema import (
    CHANNELS,
    GIVEN_RELATIONSHIPS,
    MISSING_GENERAL,
    MISSING_TARGETED,
    POLITENESS,
    PURPOSES,
    RELATIONSHIPS,
    REQUEST_TYPES,
    SEVERITIES,
    TRANSPARENCY,
)

#: assets the page may load, by extension
ASSET_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml"}
ASSETS = ("app.js", "style.css", "icon.svg")
#: only this origin's own files: no CDN, no inline script, no third-party anything
PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

#: a short, plain-language explanation of every label the page shows, keyed by (field, label)
EXPLANATIONS: dict[str, dict[str, str]] = {
    "relationship": {
        "strong": "A close friend or colleague: you can ask directly, and make it easy for them.",
        "weak": "Someone you know a little or have not talked to for a while: reconnect first, then ask softly.",
        "second_degree": "Someone you have never met: ask a mutual contact to introduce you instead.",
        "unknown": "The message gives no clue how well you know them.",
    },
    "channel": {
        "linkedin": "A LinkedIn message: short ones (under 400 characters) get the most replies.",
        "linkedin_note": "A LinkedIn connection note: limited to 200 characters on free accounts.",
        "email": "An email: 50 to 125 words get the most replies.",
        "chat": "A chat message (Slack, WhatsApp...): keep it short.",
        "sms": "A text message: keep it very short.",
    },
    "request_type": {
        "targeted": "You ask for a referral at one company.",
        "general": "You ask them to keep you in mind for roles like the one you want.",
        "none": "There is no referral request in this message.",
    },
    "transparency": {
        "high": "It says clearly what you want: the company, the role and a job link or ID (or, for a general ask, the kind of role).",
        "low": "It leaves out things your contact needs to help you.",
    },
    "politeness": {
        "polite": "It reads as a considerate request.",
        "neutral": "Neither warm nor rude: a thank-you or an easy way to say no would help.",
        "impolite": "It reads as pushy or demanding.",
    },
    "severity": {
        "error": "Likely to hurt your chances: fix this first.",
        "warning": "Worth fixing.",
        "info": "A tip.",
    },
    "missing": {
        "company": "the company's name",
        "role_or_job_link": "the role, or a job ID or link",
        "goal_statement": "a plain statement that you want to work there",
        "role_or_field": "the kind of role or field you want",
        "level": "the level (junior, senior...)",
        "location": "where you want to work, or remote",
        "clear_ask": "a clear ask",
    },
    "purpose": {
        "referral_ask": "Asks for a referral.",
        "intro_request": "Asks to be introduced to someone.",
        "thanks": "Says thank you.",
        "catch_up": "Catches up with someone.",
        "advice": "Asks for advice.",
        "informational": "Asks for a short informational chat.",
        "congratulations": "Congratulates someone.",
        "reference_request": "Asks someone to be a reference.",
        "announcement": "Announces news (a new job, a layoff...).",
        "other": "Something else.",
    },
}
#: the vocabulary each explanation table must cover (a test checks it)
VOCABULARY = {
    "relationship": RELATIONSHIPS,
    "channel": CHANNELS,
    "request_type": REQUEST_TYPES,
    "transparency": TRANSPARENCY,
    "politeness": POLITENESS,
    "severity": SEVERITIES,
    "purpose": PURPOSES,
    "missing": MISSING_TARGETED + MISSING_GENERAL,
}
_LABELS = {"strong": "Strong tie", "weak": "Weak tie", "second_degree": "Never met (second-degree)", "linkedin": "LinkedIn message",
           "linkedin_note": "LinkedIn connection note", "email": "Email", "chat": "Chat", "sms": "Text message (SMS)"}


def _static(name: str) -> bytes:
    return resources.files("refernlp.serve").joinpath("static", name).read_bytes()


def asset_bytes(name: str) -> bytes | None:
    """One of the page's assets, or None for a name that is not one."""
    return _static(name) if name in ASSETS else None


def _options(values, field: str, none_label: str) -> str:
    out = [f'<option value="">{html.escape(none_label)}</option>']
    for v in values:
        out.append(f'<option value="{html.escape(v)}">{html.escape(_LABELS.get(v, v))}</option>')
    return "\n".join(out)


@lru_cache(maxsize=2)
def render_index(*, channels: bool = True) -> str:
    """The page's HTML: the template with the pickers' choices and the explanations filled in."""
    page = _static("index.html").decode("utf-8")
    fills = {
        "{{RELATIONSHIP_OPTIONS}}": _options(GIVEN_RELATIONSHIPS, "relationship", "Not sure: let refernlp guess"),
        "{{CHANNEL_OPTIONS}}": _options(CHANNELS, "channel", "Not sure"),
        "{{CHANNEL_DISABLED}}": "" if channels else " disabled",
        "{{CHANNEL_NOTE}}": "" if channels else "This build of refernlp does not use the channel yet.",
        # JSON in a non-executed script element; "<" escaped so no text can close the element
        "{{VOCABULARY_JSON}}": json.dumps({"explanations": EXPLANATIONS, "labels": _LABELS}, ensure_ascii=False).replace("<", "\\u003c"),
    }
    for key, value in fills.items():
        page = page.replace(key, value)
    return page
