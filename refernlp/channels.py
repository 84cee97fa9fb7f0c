"""Which channel a draft is for: given by the user, or inferred from how it is written.

The channel decides the length advice (``schema.LENGTH``): emails are judged in
words, LinkedIn and chat messages in characters, connection notes against
LinkedIn's 300-character limit, texts against a shorter bound.

Inference only tells an email from a message. Chat, SMS and LinkedIn messages
read alike (the corpus's own drafts of the three cannot be told apart by their
form), so a draft that does not look like an email is taken to be a LinkedIn
message, the channel the message figures come from. A connection note is never
inferred: say ``--channel linkedin-note``.
"""

from __future__ import annotations

import re

from .schema import normalise_channel
from .textio import Prepared

__all__ = ["infer_channel", "resolve_channel"]

_SUBJECT = re.compile(r"^\s*subject\s*:", re.I)
#: a greeting on a line of its own ("Dear Ms Okafor,\n", "Good afternoon,\n")
_OPENING = re.compile(r"^\s*(?:dear|good (?:morning|afternoon|evening)|hello|hi|hey|greetings)\b[^\n]{0,60}\n", re.I)
#: a sign-off on a line of its own followed by a name at the very end
_SIGNOFF = re.compile(
    r"\n\s*(?:best|best regards|kind regards|warm regards|regards|many thanks|thanks|thank you|sincerely|yours sincerely|"
    r"yours faithfully|cheers|warmly|all the best|respectfully|with thanks|thanks again|thanks so much)[^\n]{0,20}\n+\s*\S[^\n]{0,60}\s*$",
    re.I,
)
_PARAGRAPH = re.compile(r"\n[ \t]*\r?\n")


def infer_channel(prepared: Prepared) -> str:
    """``"email"`` when the draft is laid out like an email, else ``"linkedin"``.

    An email has a subject line, HTML markup, or the letter layout: a greeting
    line and a sign-off with a name, or several paragraphs with either.
    Measured on the corpus's dev split by ``scripts/channel_inference.py``.
    """
    text = prepared.text.strip().replace("\r\n", "\n").replace("\r", "\n")
    if prepared.html_stripped or _SUBJECT.search(text):
        return "email"
    opening, signoff = bool(_OPENING.search(text)), bool(_SIGNOFF.search(text))
    paragraphs = len(_PARAGRAPH.findall(text))
    if (opening and signoff) or (paragraphs >= 2 and (opening or signoff)):
        return "email"
    return "linkedin"


def resolve_channel(prepared: Prepared, given: str | None) -> tuple[str, str]:
    """``(channel, source)``: the given channel (any accepted spelling) or the inferred one."""
    label = normalise_channel(given)
    if label is not None:
        return label, "given"
    return infer_channel(prepared), "inferred"
