"""Drafts written from the other side: the referrer, the employer or a go-between writes, not the job seeker.

"I can't refer you for that one", "I've put your name in for the warehouse job", "your referral for the dispatcher
opening is in", "we're on a hiring freeze till the fall", "a client of ours is looking for a Head of Compliance",
"ur brother was asking about CDL jobs": the classifiers, trained on requests, may read these as referral asks;
the rewriter must not add "Would you be willing to refer me?" to them ("I referred you to Arçelik in 2015" is a
favour ledger in a request, not a reply: past referrals do not count). Words inside quotation marks are left out
("You said, and I quote, 'of course I'll refer you'": the sender quotes the contact).
"""

from __future__ import annotations

import re

_QUOTED = re.compile(r'["“][^"”\n]{0,200}["”]')
_HELPER_SIDE = re.compile(
    # the writer is the referrer, the employer or a go-between, not the job seeker
    r"(?i)\b(?:refer|referring|submit|submitted|submitting|recommend|vouch\s+for)\s+(?:you|u)\b(?!\s+to\s+(?:my|the|our)\s+(?:portfolio|resume|cv|website|work))|"
    r"\b(?:put|putting|submitted)\s+(?:in\s+)?(?:your|ur)\s+name\s+(?:in|forward|down|through)\b(?![^.!?\n]{0,20}(?:referr|box|form|field|\bas\b))|\b(?:i['’]ve|i\s+have|i)\s+put\s+(?:your|ur)\s+name\s+in\b(?![^.!?\n]{0,20}(?:referr|box|form|field|\bas\b))|"
    r"\b(?:your|ur)\s+referral\s+(?:for\s+[^.!?\n]{1,60}?\s+)?(?:is|was|has\s+been)\s+(?:in|submitted|sent|through|done)\b|"
    r"\bi\s+(?:can['’]?t|cannot|can\s+not)\s+(?:refer|submit|help\s+(?:you\s+)?directly|do\s+two)\b|\bi['’]?m\s+not\s+comfortable\s+(?:submitting|making|giving)\s+a\s+referral\b|"
    r"\bi\s+(?:already|just)\s+referred\s+someone\b|\bmy\s+referral\s+link\b|\bwithout\s+knowing\s+your\s+work\b|\bnot\s+involved\s+in\s+(?:the\s+)?hiring\b|"
    r"\bthere\s+isn['’]?t\s+a\s+match\b|\bwe\s+(?:are|['’]re)\s+(?:not|only)\s+hiring\b|\bhiring\s+freeze\b|\bthank\s+you\s+for\s+(?:the|your)\s+interest\s+in\s+our\b|"
    r"\b(?:we|i)\s+(?:will|['’]ll)\s+keep\s+your\s+(?:cv|resume|résumé|profile|details)\b|\bif\s+you\s+or\s+anyone\s+you\s+know\b|\bi\s+recruit\s+for\b|\ba\s+client\s+of\s+(?:ours|mine)\b|"
    r"\bif\s+you\s+want\s+to\s+apply\b|(?:^|[.!?,;]\s*)(?:just\s+)?apply\s+(?:direct(?:ly)?|on\s+the\s+site|online)\b|\byou\s+(?:can|could|should)\s+(?:just\s+)?apply\b|\bwishing\s+you\s+(?:luck|the\s+best)\s+(?:in|with)\s+your\s+(?:job\s+)?search\b|"
    r"\bi\s+asked\s+around\b[^.!?\n]{0,40}?\b(?:unfortunately|none|no\s+one|nobody)\b|"
    r"\b(?:son|daughter|brother|sister|cousin|nephew|niece|kid)\s+(?:was|is|has\s+been|['’]s)\s+(?:asking|looking)\b|\bthought\s+of\s+(?:your|ur)\s+(?:daughter|son|brother|sister|cousin|kid|husband|wife|partner|nephew|niece|mum|mom|dad)\b|"
    r"\b(?:i['’]ve|i\s+have|i)\s+(?:forwarded|passed|sent)\s+(?:on\s+)?(?:your|ur)\s+(?:note|cv|resume|résumé|details|message|email|profile)\s+(?:on\s+)?to\b|"
    r"\b(?:spot|role|position|job|opening|vacancy)\s+(?:was|has\s+been|got)\s+filled\b|\bwe\s+(?:don['’]?t|do\s+not)\s+have\s+any\s+(?:openings|vacancies|positions|roles)\b|"
    r"\b(?:he|she|they)\s+can\s+use\s+my\s+name\b|\bi\s+don['’]?t\s+think\s+i\s+can\s+do\s+much\b|\bsorry\s+i\s+can['’]?t\s+be\s+(?:more\s+|much\s+)?(?:of\s+)?(?:help|helpful)\b|"
    r"\bthanks\s+for\s+your\s+interest\b|\bi['’]?m\s+not\s+on\s+the\s+hiring\s+side\b|\btell\s+you\s+to\s+apply\b|"
    r"\bif\s+(?:she|he|they)['’]?(?:s|re|\s+is|\s+are)\s+still\s+looking\b|\b(?:ty|thx|thanks|thank\s+you)\s+(?:so\s+much\s+)?for\s+the\s+heads[\s-]?up\b"
)


def unquoted(text: str) -> str:
    """``text`` with what it quotes blanked (up to 200 characters between quotation marks on one line)."""
    return _QUOTED.sub(" ", text)


def written_by_helper(text: str) -> bool:
    """Whether ``text`` reads as written by the one who helps (refers, hires, passes a posting on), not the seeker."""
    return _HELPER_SIDE.search(unquoted(text)) is not None
