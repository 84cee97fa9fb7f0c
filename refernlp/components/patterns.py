"""Patterns for slot extraction: job-post URLs and their company slugs, job IDs, greetings, sign-offs, names."""

from __future__ import annotations

import re

URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'\])]+|\b[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,8}\.(?:com|io|co|org|net|ai|jobs|careers|hr|app|uk|ca|au|de|in|nz|ie|sg|za)(?:/[^\s<>\"'\])]*)?",
    re.I,
)
JOB_PATH = re.compile(r"job|career|position|vacanc|requisition|/req|opening|apply|posting|recruit|hiring|/role", re.I)
ATS = [
    re.compile(r"(?:job-)?boards(?:\.eu)?\.greenhouse\.io/(?:embed/job_app\?for=)?(?P<slug>[A-Za-z0-9_-]+)", re.I),
    re.compile(r"jobs\.(?:eu\.)?lever\.co/(?P<slug>[A-Za-z0-9_.-]+)", re.I),
    re.compile(r"jobs\.ashbyhq\.com/(?P<slug>[A-Za-z0-9_.%-]+)", re.I),
    re.compile(r"apply\.workable\.com/(?P<slug>[A-Za-z0-9_-]+)", re.I),
    re.compile(r"(?:jobs|careers)\.smartrecruiters\.com/(?P<slug>[A-Za-z0-9_-]+)", re.I),
    re.compile(r"(?P<slug>[A-Za-z0-9-]{1,63})\.wd\d+\.myworkdayjobs\.com", re.I),
    re.compile(r"(?P<slug>[A-Za-z0-9-]{1,63})\.(?:bamboohr\.com|recruitee\.com|teamtailor\.com|breezy\.hr|jobs\.personio\.(?:de|com)|applytojob\.com|jobvite\.com|icims\.com|taleo\.net|successfactors\.com)", re.I),
    re.compile(r"jobs\.jobvite\.com/(?P<slug>[A-Za-z0-9_-]+)", re.I),
    re.compile(r"(?:careers|jobs)\.(?P<slug>[A-Za-z0-9-]{1,63})\.(?:com|io|co|org|net|ai|co\.uk|org\.uk|nhs\.uk|ca|com\.au|de|in)\b", re.I),
    re.compile(r"(?:https?://)?(?:www\.)?(?P<slug>[A-Za-z0-9-]{1,63})\.(?:com|io|co|org|net|ai|co\.uk|org\.uk|ca|com\.au|de|in)/(?:[a-z-]+/)?(?:careers|jobs|job|vacancies|join-us|join|work-with-us|about/careers|en/careers)", re.I),
]
NOT_COMPANY_SLUGS = {
    "www", "jobs", "careers", "job", "boards", "apply", "linkedin", "indeed", "glassdoor", "github", "gitlab",
    "medium", "twitter", "x", "facebook", "instagram", "youtube", "gmail", "outlook", "drive", "docs", "bit",
    "tinyurl", "wellfound", "angel", "monster", "seek", "reed", "totaljobs", "naukri", "workday", "greenhouse",
    "lever", "embed", "en", "us", "uk", "in", "en-us", "en-gb", "myworkdayjobs", "notion", "dropbox", "calendly",
}
JOB_ID_RES = [
    re.compile(
        r"(?i:\b(?:job|req|requisition|position|vacancy|posting|reference|ref|role|opening)\.?\s*+(?:(?:id|no\.?|number|num|code|#|ref)\s*+)?(?:is\s++)?(?:[:#.]\s*+)?(?:#\s*+)?)"
        r"(?P<id>(?=[A-Za-z0-9_-]*\d)[A-Za-z]{0,6}[-_]?[0-9][A-Za-z0-9_-]{2,}|[A-Za-z]{1,6}[-_][0-9A-Za-z-]{3,})"
    ),
    re.compile(r"\b(?P<id>(?:JR|R|REQ|JOB|JID|RQ|REF|ID|JREQ|VAC|PR|CR|NHS|TR|SR)[-_]?\d{3,}(?:[-_]\d+)?)\b"),
    re.compile(r"(?P<id>#\d{4,})\b"),
    re.compile(r"\b(?P<id>[A-Z]{2,5}(?:-[A-Z]{2,5})?-\d{3,}[A-Z0-9-]*)\b"),
]
GREETING_RE = re.compile(
    r"^[^\w\n]*(?i:hi|hey|heyy|hello|helo|dear|hiya|heya|yo|hola|greetings|good\s+(?:morning|afternoon|evening|day)|morning|afternoon|evening|howdy|namaste|salam|assalamualaikum|sup|ahoy)"
    r"(?:[ \t]*,)?[ \t]+(?P<name>(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam|Mx|Dra|Sr|Sra)\.?[ \t]+)?[A-Za-z\u00C0-\u024F][\w'\u2019\u00C0-\u024F-]*(?:[ \t]+[A-Z\u00C0-\u00DE][\w'\u2019\u00C0-\u024F-]*)?)",
    re.M,
)
NAME = r"[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F]*+(?:['\u2019-][A-Za-z\u00C0-\u024F][a-z\u00DF-\u024F]++)*+(?:[ \t]+[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F]*+(?:['\u2019-][A-Za-z\u00C0-\u024F][a-z\u00DF-\u024F]++)*+){0,2}"
#: kept inside a mutual contact's name ("Professor Amadi", "Dr. Sato"); other honorifics are left outside it
NAME_TITLED = rf"(?:(?:Dr|Prof|Professor)\.?[ \t]+)?{NAME}"
HONORIFIC = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Herr|Frau|Sir|Madam|Kuya|Ate|Tita|Tito|Tia|Tio|Deacon|Pastor|Lawyer|Uncle|Auntie|Aunty|Brother|Sister|Bhai|Anh|Chị)\.?[ \t]+)?"
RELATION = (
    r"(?i:friend|colleague|cousin|brother|sister|manager|teammate|boss|contact|mate|neighbour|neighbor|buddy|pal|mentor|"
    r"(?:sister|brother|son|daughter|father|mother)-in-law|bil|sil|roommate|flatmate|housemate|classmate|partner|bf|gf|husband|wife|"
    r"nephew|niece|aunt|auntie|uncle|son|daughter|homegirl|homie|supervisor|former[ \t]+\w+|old[ \t]+\w+|ex-\w+|amiga|amigo|prima|primo|beau-frère|belle-sœur|sœur|frère)"
)
YOUR = r"(?i:your|my|our|ur|tu|ton|ta)"
#: the words after a mutual contact's name ("Anna suggested I write"), one of which each pattern needs
_SAID = ("suggested", "recommended", "mentioned", "said", "says", "told me", "gave me", "passed", "shared", "pointed", "thought", "encouraged", "sent me",
         "referred me", "put me in touch", "connected us", "introduced us", "was kind enough", "kindly", "spoke", "advised", "was right")
_SAID_AFTER = ("suggested", "recommended", "mentioned", "said", "says", "told me", "gave me", "passed", "pointed", "thought", "encouraged", "sent me", "referred me", "spoke", "advised")
#: the words before one ("through Anna", "introduce me to Anna")
_THROUGH = ("through", "via", "referred by", "recommended by", "introduction from", "suggestion from", "friend of")
_INTRO_TO = ("introduce me to", "introducing me to", "introduction to", "intro me to", "intro to", "connect me with", "connect me to", "connected with",
             "put me in touch with", "in touch with", "introduce us", "link me up with", "link me in with", "link me with", "link me w", "speak to", "talk to",
             "reach out to", "introduce me and", "presentas a", "présenter à")
MUTUAL_RES = [
    re.compile(rf"{HONORIFIC}(?P<name>{NAME_TITLED})[ \t]+(?i:{'|'.join(_SAID)})"),
    # "Dean Kovac from Crookes suggested", "Mei Ling from my SMU cohort said"
    re.compile(rf"{HONORIFIC}(?P<name>{NAME_TITLED})[ \t]+(?i:from|at|of|in)[ \t]+[^.,;!?\n]{{1,40}}?[ \t](?i:{'|'.join(_SAID_AFTER)})\b"),
    # "Mr. Tom Ogutu, my former colleague at …", "Ravi Menon, who I worked with"
    re.compile(rf"(?:^|[.!?\n][ \t]*|,[ \t]+){HONORIFIC}(?P<name>{NAME_TITLED}),[ \t]+(?:{YOUR}[ \t]+|who[ \t]+)", re.M),
    re.compile(rf"(?i:{'|'.join(_THROUGH)})[ \t]+(?i:our[ \t]+)?(?i:mutual[ \t]+(?:friend|contact|connection|acquaintance)[ \t]+)?{HONORIFIC}(?P<name>{NAME_TITLED})\b"),
    re.compile(rf"(?i:mutual[ \t]+(?:friend|contact|connection|acquaintance)s?),?[ \t]+{HONORIFIC}(?P<name>{NAME_TITLED})"),
    re.compile(
        rf"(?i:{'|'.join(_INTRO_TO)})[ \t]+"
        rf"(?:{YOUR}[ \t]+(?:\w+(?:'s|’s)[ \t]+)?{RELATION}(?:[ \t]*+,)?[ \t]++)?{HONORIFIC}(?P<name>{NAME_TITLED})"
    ),
    re.compile(rf"(?:{YOUR}|\b[A-Z][a-z]+(?:'s|’s))[ \t]+(?:\w+(?:'s|’s)[ \t]+)?{RELATION}(?:[ \t]*+,)?[ \t]++{HONORIFIC}(?P<name>{NAME_TITLED})"),
    # "Kenji gave me ur contact", at the start of a sentence
    re.compile(rf"(?:^|[.!?][ \t]+)(?P<name>{NAME})[ \t]+(?i:gave me (?:your|ur|u r) (?:number|contact|details|email))", re.M),
]
#: words (lower case) one of which every match of RELATION holds: each alternative, or a word inside it
_RELATION_WORDS = (
    "friend", "colleague", "cousin", "brother", "sister", "manager", "teammate", "boss", "contact", "mate", "neighbour", "neighbor", "buddy",
    "pal", "mentor", "son", "daughter", "father", "mother", "bil", "sil", "roommate", "flatmate", "housemate", "classmate", "partner", "bf", "gf",
    "husband", "wife", "nephew", "niece", "aunt", "uncle", "homegirl", "homie", "supervisor", "former", "old", "ex-", "amiga", "amigo",
    "prima", "primo", "beau-frère", "belle-sœur", "sœur", "frère",
)
#: per pattern of MUTUAL_RES, words (lower case) one of which any match holds, matched case-insensitively; None: no such list
MUTUAL_NEEDS: list[tuple[str, ...] | None] = [
    _SAID, _SAID_AFTER, (",",), _THROUGH, ("mutual",), _INTRO_TO, _RELATION_WORDS, ("gave me",),
]
#: the characters other than ASCII letters that match an ASCII letter in a case-insensitive pattern (İ ı ſ and the Kelvin sign)
FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")


def lower_for_needs(text: str) -> str | None:
    """``text.lower()``, in which a pattern's ``MUTUAL_NEEDS`` words can be looked up as plain substrings.

    ``None`` when ``text`` holds a character that matches an ASCII letter only
    case-insensitively (a regex with ``(?i:...)`` would match "ſaid"; "said" in
    the lower-cased text would miss it): then every pattern must run.
    """
    if not text.isascii() and not FOLDS_TO_ASCII.isdisjoint(text):
        return None
    return text.lower()
SELF_INTRO = re.compile(rf"(?i:my name is|my name's|this is|it's|it is)[ \t]+(?P<name>{NAME})(?=[ \t]*[,.!\n(-]|[ \t]+(?i:from|here|and)\b)")
DASH_NAME = re.compile(r"^[ \t]*+[-\u2013\u2014~]++[ \t]*+(?P<name>[A-Za-z\u00C0-\u024F][\w'\u2019-]*+(?:[ \t]++[A-Z][\w'\u2019.-]*+){0,2})[ \t]*+$")
#: "Best - Sam", "Thanks again, Sam Lee" on one line
SIGNOFF_AND_NAME = re.compile(
    r"^[ \t]*+(?P<so>[A-Za-z']++(?: ++[A-Za-z']++)*+)[ \t]*+(?:[,!.][ \t]*+)?[-\u2013\u2014,][ \t]*+"
    r"(?P<name>[A-Za-z][\w'\u2019-]*+(?:[ \t]++[A-Z][\w'\u2019-]*+)?)[ \t]*+$"
)
# Whitespace quantifiers are possessive (*+, ++) wherever what follows cannot be
# whitespace, and host labels are bounded (DNS allows 63 characters): with the
# backtracking kinds, a long run of spaces (blanked HTML) or of "a.a.a." made
# these patterns cubic or quadratic; a 4,000-space line took minutes.
LINE_NAME = re.compile(r"^[ \t]*+(?P<name>[A-Z\u00C0-\u00DE][\w'\u2019\u00C0-\u024F-]*+(?:[ \t]++[A-Z\u00C0-\u00DE][\w'\u2019.\u00C0-\u024F-]*+){0,2})[ \t]*+(?:[,.][ \t]*+)?(?:$|\||\(|,)")


#: the recipient asked to ask someone else ("ask your husband Jon if he'd refer me", "could you ask him to refer
#: me"): a request routed through the recipient to the person who can refer, no cold referral ask of the recipient
THIRD_PARTY_ASK = re.compile(
    r"\b(?:ask|asking|get|tell)\s+(?:(?:your|ur)\s+[\w-]+\s+)?(?!(?:you|u|around|about|for|me)\b)(?P<who>her|him|them|[A-Z][\w'\u2019-]*)\s+"
    r"(?:to|if|whether)\s+(?:(?:she|he|they)(?:['\u2019]d|['\u2019]ll)?\s+)?(?:could\s+|would\s+|can\s+|might\s+|be\s+(?:willing|open|happy)\s+to\s+)?"
    r"(?:refer|recommend|put\s+(?:me|my\s+name)|vouch|have\s+\w+\s+min|meet|talk|chat|speak)\b",
    re.IGNORECASE,
)


def url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in URL_RE.finditer(text):
        start, end = m.span()
        while end > start and text[end - 1] in ".,;:!?)":
            end -= 1
        if "@" in text[max(0, start - 1) : start + 1]:
            continue  # an e-mail domain, not a URL
        spans.append((start, end))
    return spans


def is_job_url(url: str) -> bool:
    low = url.lower()
    if "linkedin.com/in/" in low or "github.com" in low:
        return False
    return bool(JOB_PATH.search(low)) or any(p.search(url) for p in ATS[:8])


#: the reserved example domains (RFC 2606): "example" is never a company; a sub-domain may be ("helixa.example.com")
RESERVED_HOST = re.compile(r"(?:^|//|\.|^www\.)(?:(?P<slug>[A-Za-z0-9-]{1,63})\.)?example\.(?:com|org|net)\b", re.I)


def url_company(text: str, start: int, end: int) -> tuple[int, int] | None:
    url = text[start:end]
    host = RESERVED_HOST.search(url.split("/", 3)[2] if "://" in url else url.split("/", 1)[0])
    if host:
        m = RESERVED_HOST.search(url)
        if m and m.group("slug") and m.group("slug").lower() not in NOT_COMPANY_SLUGS:
            return start + m.start("slug"), start + m.end("slug")
        return None
    for i, pat in enumerate(ATS):
        m = pat.search(url)
        if m and m.group("slug").lower() not in NOT_COMPANY_SLUGS and not m.group("slug").isdigit():
            return start + m.start("slug"), start + m.end("slug")
    return None


def clean_name(name: str, stop: frozenset[str]) -> str | None:
    """``name`` without trailing stop words, verbatim: callers use its length as a span.

    (Re-joining the words with single spaces made the span too short whenever the
    draft had several spaces or a tab between first and last name.)
    """
    parts = list(re.finditer(r"\S+", name))
    while parts and parts[-1].group().lower().strip(".,") in stop:
        parts.pop()
    if not parts:
        return None
    titles = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "mx", "dra", "sr", "sra"}
    core = [p.group() for p in parts if p.group().lower().strip(".") not in titles]
    if not core or core[0].lower().strip(".,") in stop:
        return None
    return name[parts[0].start() : parts[-1].end()]
