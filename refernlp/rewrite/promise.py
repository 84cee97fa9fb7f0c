"""A promise made on the contact's behalf, rewritten as what it was meant to be: a request.

"I've told the Emirates Group recruiter that you will recommend me for the Senior
Accountant role" presumes a yes the contact never gave. Dropping the sentence
loses who the sender has been talking to (often the company itself) and the
request; keeping it keeps the presumption. :func:`reported_promise` keeps both
halves in the sender's own words and drops only the presumption::

    I mentioned your name to the Emirates Group recruiter. Would you be willing to
    recommend me for the Senior Accountant role?

The consequence the sender took for granted ("so expect a call this week", "so if
anyone rings just say yes") goes with it. Only a sentence that *opens* with the
report is rewritten; anything else is left to the clause-level fixes of
:mod:`refernlp.rewrite.edits`.
"""

from __future__ import annotations

import re

from .words import decap

#: how the rewritten request opens (:func:`refernlp.rewrite.plans.additions` reads such an edit as the draft's ask)
ASK_OPENING = "Would you be willing to"

_PROMISED = re.compile(
    r"^(?P<voc>(?!(?:So|And|Also|Btw|Fyi|Ok|Okay|Well|Just|Anyway|Oh|Yes|Yeah)\b)[A-Z][\w'’-]+,\s+|"
    r"(?i:sis|bro|bruv|bhai|yaar|mate|dude|man|babe|bestie|hun|fam|cuz|cousin|girl)\b,?\s+)?"
    r"(?P<pre>(?:(?:just\s+)?a\s+heads[\s-]up|(?:just\s+)?so\s+(?:you|u)\s+know|fyi|so|and|btw|also)[\s,:—–-]+)*"
    r"(?:(?:i|ive|i['’]ve|i\s+have|i['’]d|i\s+had)\s+)?(?:already\s+|just\s+|also\s+)*(?:told|informed|promised)\s+"
    r"(?P<who>[^.!?,;:\n]{1,60}?)\s+(?:that\s+)?"
    r"(?:you|u|ya)\s*(?:['’]?d|would|['’]?ll|will|are\s+going\s+to|r\s+gonna|are\s+gonna|were\s+going\s+to)\s+"
    r"(?P<vp>(?:be\s+)?[a-z][^\n]*?)\s*(?P<end>[.!?…]*)\s*$",
    re.IGNORECASE,
)
#: what the sender took for granted after the report: it goes
_CONSEQUENCE = re.compile(
    r"(?:(?:,\s*|\s+)(?:(?:and\s+)?so\s+|and\s+)(?:do\s+|just\s+)?(?=(?:expect|be\s+ready|pick\s+up|answer|if|when|make\s+sure|"
    r"say\s+yes|don['’]?t)\b)|,\s*(?:i\s+)?hope\s+(?:that['’]?s|thats|that\s+is|it['’]?s|you\s+don['’]?t)\b|,\s*(?:where|why|what|how)\b).*$",
    re.IGNORECASE | re.DOTALL,
)
#: "you'll be supporting my application": the request takes the plain verb
_PROGRESSIVE = {
    "supporting": "support", "referring": "refer", "recommending": "recommend", "vouching": "vouch", "backing": "back",
    "putting": "put", "giving": "give", "sending": "send", "passing": "pass", "forwarding": "forward", "writing": "write",
    "signing": "sign", "calling": "call", "emailing": "email", "speaking": "speak", "talking": "talk",
}
#: the verbs of the promised help: the rest ("you'd be thrilled", "you'll love it") is no request
_HELP = re.compile(
    r"(?:be\s+(?:my|a)\s+(?:referral|reference|referee|referrer)|refer|recommend|vouch|put\s+(?:me|my\s+name)|"
    r"put\s+in\s+a\s+(?:good\s+)?word|give\s+(?:me|her|him|them)\b|(?:call|ring|speak\s+to|talk\s+to|email|write\s+to)\s+(?!me\b)|"
    r"back\s+me|support|forward|pass|send|sign)\b",
    re.IGNORECASE,
)


#: people a promise was made to who hire nobody: "I told my mum you'd be my referee" stays for the clause-level fixes
_FAMILY = re.compile(
    r"(?i)^(?:my\s+|the\s+)?(?:mum|mom|mam|ma|dad|parents|family|wife|husband|partner|girlfriend|boyfriend|friends|mates|kids|"
    r"everyone|everybody|people|whole\s+family)$"
)


def reported_promise(sentence: str) -> str | None:
    """``sentence`` as a mention and a hedged request, or None when it does not open with a promise made for the
    contact ("told X you'd refer me ...")."""
    m = _PROMISED.match(sentence.strip())
    if not m:
        return None
    vp = re.sub(r"(?i)^be\s+(\w+ing)\b", lambda g: _PROGRESSIVE.get(g.group(1).lower(), g.group(0)), m.group("vp"))
    if not _HELP.match(vp):
        return None
    who = m.group("who").strip()
    vp = _CONSEQUENCE.sub("", vp).strip(" ,;")
    vp = re.sub(r"(?:\s+(?:pls|please|plz|ok|okay|yeah|aye|mate|bro|lol|lmao|haha+|tbh|fr))+$", "", vp, flags=re.IGNORECASE).strip(" ,")
    if len(vp.split()) < 2 or _FAMILY.match(who) or re.search(r"\b(?:you|u)\s+(?:said|agreed|promised)\b", who, re.IGNORECASE):
        return None
    voc = m.group("voc") or ""  # "Tobias, I've told ...": the name stays in front
    return f"{voc}I mentioned your name to {who}. {ASK_OPENING} {decap(vp)}?"
