"""Slot extraction: target company, target role, job IDs, job-post URLs, names, mutual contact.

URLs, job IDs and names come from patterns. The target company and role are
chosen among proposed candidate spans by small learned rankers
(``models/company`` and ``models/role``): a past employer or a school mentioned
in passing is a candidate too, and the ranker learns from context which one
the sender wants to join. Every slot is a verbatim substring of the draft.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from ..features import named_features
from ..resources import lexicon
from .base import ensure_extensions

if TYPE_CHECKING:
    from ..modelio import LinearModel

RANKER_BITS = 16

URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'\])]+|\b[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,8}\.(?:com|io|co|org|net|ai|jobs|careers|hr|app|uk|ca|au|de|in|nz|ie|sg|za)(?:/[^\s<>\"'\])]*)?",
    re.I,
)
_JOB_PATH = re.compile(r"job|career|position|vacanc|requisition|/req|opening|apply|posting|recruit|hiring|/role", re.I)
_ATS = [
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
_NOT_COMPANY_SLUGS = {
    "www", "jobs", "careers", "job", "boards", "apply", "linkedin", "indeed", "glassdoor", "github", "gitlab",
    "medium", "twitter", "x", "facebook", "instagram", "youtube", "gmail", "outlook", "drive", "docs", "bit",
    "tinyurl", "wellfound", "angel", "monster", "seek", "reed", "totaljobs", "naukri", "workday", "greenhouse",
    "lever", "embed", "en", "us", "uk", "in", "en-us", "en-gb", "myworkdayjobs", "notion", "dropbox", "calendly",
}
_JOB_ID_RES = [
    re.compile(
        r"(?i:\b(?:job|req|requisition|position|vacancy|posting|reference|ref|role|opening)\.?\s*+(?:(?:id|no\.?|number|num|code|#|ref)\s*+)?(?:is\s++)?(?:[:#.]\s*+)?(?:#\s*+)?)"
        r"(?P<id>(?=[A-Za-z0-9_-]*\d)[A-Za-z]{0,6}[-_]?[0-9][A-Za-z0-9_-]{2,}|[A-Za-z]{1,6}[-_][0-9A-Za-z-]{3,})"
    ),
    re.compile(r"\b(?P<id>(?:JR|R|REQ|JOB|JID|RQ|REF|ID|JREQ|VAC|PR|CR|NHS|TR|SR)[-_]?\d{3,}(?:[-_]\d+)?)\b"),
    re.compile(r"(?P<id>#\d{4,})\b"),
    re.compile(r"\b(?P<id>[A-Z]{2,5}(?:-[A-Z]{2,5})?-\d{3,}[A-Z0-9-]*)\b"),
]
_GREETING_RE = re.compile(
    r"^[^\w\n]*(?i:hi|hey|heyy|hello|helo|dear|hiya|heya|yo|hola|greetings|good\s+(?:morning|afternoon|evening|day)|morning|afternoon|evening|howdy|namaste|salam|assalamualaikum|sup|ahoy)"
    r"(?:[ \t]*,)?[ \t]+(?P<name>(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam|Mx|Dra|Sr|Sra)\.?[ \t]+)?[A-Za-z\u00C0-\u024F][\w'\u2019\u00C0-\u024F-]*(?:[ \t]+[A-Z\u00C0-\u00DE][\w'\u2019\u00C0-\u024F-]*)?)",
    re.M,
)
_NAME = r"[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F'\u2019-]+(?:[ \t]+[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F'\u2019-]+)?"
_MUTUAL_RES = [
    re.compile(rf"(?P<name>{_NAME})[ \t]+(?i:suggested|recommended|mentioned|said|told me|gave me|passed|shared|pointed|thought|encouraged|sent me|referred me|put me in touch|connected us|introduced us|was kind enough|kindly)"),
    re.compile(rf"(?i:through|via)[ \t]+(?i:our[ \t]+)?(?i:mutual[ \t]+(?:friend|contact|connection)[ \t]+)?(?P<name>{_NAME})\b"),
    re.compile(rf"(?i:mutual[ \t]+(?:friend|contact|connection)s?),?[ \t]+(?P<name>{_NAME})"),
    re.compile(
        rf"(?i:introduce me to|introduction to|intro to|connect me with|connect me to|put me in touch with|in touch with|introduce us|link me up with|link me with|speak to|talk to|reach out to|introduce me and)[ \t]+"
        rf"(?:(?i:your|my|our)[ \t]+(?i:friend|colleague|manager|cousin|brother|sister|boss|teammate|contact|mate|old[ \t]+\w+|former[ \t]+\w+)(?:[ \t]*+,)?[ \t]++)?(?P<name>{_NAME})"
    ),
    re.compile(rf"(?i:your|my|our)[ \t]+(?i:friend|colleague|cousin|brother|sister|manager|teammate|boss|contact|mate|neighbour|neighbor|buddy|pal|mentor|former[ \t]+\w+|old[ \t]+\w+)(?:[ \t]*+,)?[ \t]++(?P<name>{_NAME})"),
]
_SELF_INTRO = re.compile(rf"(?i:my name is|my name's|this is|it's|it is)[ \t]+(?P<name>{_NAME})(?=[ \t]*[,.!\n(-]|[ \t]+(?i:from|here|and)\b)")
_DASH_NAME = re.compile(r"^[ \t]*+[-\u2013\u2014~]++[ \t]*+(?P<name>[A-Za-z\u00C0-\u024F][\w'\u2019-]*+(?:[ \t]++[A-Z][\w'\u2019.-]*+){0,2})[ \t]*+$")
#: "Best - Sam", "Thanks again, Sam Lee" on one line
_SIGNOFF_AND_NAME = re.compile(
    r"^[ \t]*+(?P<so>[A-Za-z']++(?: ++[A-Za-z']++)*+)[ \t]*+(?:[,!.][ \t]*+)?[-\u2013\u2014,][ \t]*+"
    r"(?P<name>[A-Za-z][\w'\u2019-]*+(?:[ \t]++[A-Z][\w'\u2019-]*+)?)[ \t]*+$"
)
# Whitespace quantifiers are possessive (*+, ++) wherever what follows cannot be
# whitespace, and host labels are bounded (DNS allows 63 characters): with the
# backtracking kinds, a long run of spaces (blanked HTML) or of "a.a.a." made
# these patterns cubic or quadratic; a 4,000-space line took minutes.
_LINE_NAME = re.compile(r"^[ \t]*+(?P<name>[A-Z\u00C0-\u00DE][\w'\u2019\u00C0-\u024F-]*+(?:[ \t]++[A-Z\u00C0-\u00DE][\w'\u2019.\u00C0-\u024F-]*+){0,2})[ \t]*+(?:[,.][ \t]*+)?(?:$|\||\(|,)")


@dataclass(frozen=True)
class Candidate:
    """A proposed slot value: a character span and the features the ranker scores."""

    start: int
    end: int
    text: str
    features: dict[str, float]


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


def _is_job_url(url: str) -> bool:
    low = url.lower()
    if "linkedin.com/in/" in low or "github.com" in low:
        return False
    return bool(_JOB_PATH.search(low)) or any(p.search(url) for p in _ATS[:8])


def _url_company(text: str, start: int, end: int) -> tuple[int, int] | None:
    url = text[start:end]
    for i, pat in enumerate(_ATS):
        m = pat.search(url)
        if m and m.group("slug").lower() not in _NOT_COMPANY_SLUGS and not m.group("slug").isdigit():
            return start + m.start("slug"), start + m.end("slug")
    return None


def _clean_name(name: str, stop: frozenset[str]) -> str | None:
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


class SlotExtractor:
    """Writes ``doc._.slots`` (a dict of slot values) and ``doc._.slot_spans`` (their offsets)."""

    def __init__(self, nlp: Language, name: str = "refernlp_slots") -> None:
        ensure_extensions()
        self.name = name
        lex = lexicon("slots")
        self.role_heads = frozenset(lex["role_heads"])
        self.generic_heads = frozenset(lex["generic_heads"])
        self.modifier_stop = frozenset(lex["modifier_stop"])
        self.past_cues = frozenset(lex["past_cues"])
        self.target_cues = frozenset(lex["target_cues"])
        self.name_stop = frozenset(lex["name_stop"])
        self.signoffs = frozenset(lex["signoffs"])
        self.company_model: LinearModel | None = None
        self.role_model: LinearModel | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, company: "LinearModel | None" = None, role: "LinearModel | None" = None) -> None:
        """spaCy's initialisation hook: attach the learned candidate rankers (``models/company``, ``models/role``).

        Without rankers the extractor falls back to its rule-based candidate order.
        """
        self.company_model = company
        self.role_model = role

    # --- names -------------------------------------------------------------
    def recipient(self, text: str) -> tuple[int, int] | None:
        head = text[:400]
        for m in _GREETING_RE.finditer(head):
            name = _clean_name(m.group("name"), self.name_stop)
            if name:
                s = m.start("name")
                return s, s + len(name)
            break
        return None

    def _lines(self, text: str) -> list[tuple[int, str]]:
        out, pos = [], 0
        for line in text.split("\n"):
            if line.strip():
                out.append((pos, line))
            pos += len(line) + 1
        return out

    def sender(self, text: str) -> tuple[int, int] | None:
        lines = self._lines(text)
        tail = lines[-6:]
        for k, (off, line) in enumerate(tail):
            low = line.strip().lower().rstrip(",.!:;- ")
            low = re.sub(r"[^\w\s']", "", low).strip()
            if low in self.signoffs and k + 1 < len(tail):
                noff, nline = tail[k + 1]
                m = _LINE_NAME.match(nline) or _DASH_NAME.match(nline)
                if m:
                    name = _clean_name(m.group("name"), self.name_stop)
                    if name:
                        s = noff + m.start("name")
                        return s, s + len(name)
            m = _SIGNOFF_AND_NAME.match(line)
            if m and m.group("so").strip().lower() in self.signoffs:
                name = _clean_name(m.group("name"), self.name_stop)
                if name:
                    s = off + m.start("name")
                    return s, s + len(name)
        if tail:
            off, line = tail[-1]
            m = _DASH_NAME.match(line)
            if m:
                name = _clean_name(m.group("name"), self.name_stop)
                if name:
                    s = off + m.start("name")
                    return s, s + len(name)
            m = _LINE_NAME.match(line)
            if m and len(lines) >= 2 and len(line.strip()) <= 40 and m.end("name") >= len(line.rstrip()) - 1:
                name = _clean_name(m.group("name"), self.name_stop)
                if name and name.lower() not in self.signoffs and not _GREETING_RE.match(line):
                    s = off + m.start("name")
                    return s, s + len(name)
        m = _SELF_INTRO.search(text[:500])
        if m:
            name = _clean_name(m.group("name"), self.name_stop)
            if name:
                s = m.start("name")
                return s, s + len(name)
        return None

    def mutual(self, text: str, exclude: set[str]) -> tuple[int, int] | None:
        best = None
        for pat in _MUTUAL_RES:
            for m in pat.finditer(text):
                name = _clean_name(m.group("name"), self.name_stop)
                if not name or name in exclude:
                    continue
                after = text[m.start("name") + len(name) : m.start("name") + len(name) + 12].lower()
                if after.startswith(("'s team", "’s team", " team", "'s recruit", " is hiring")):
                    continue
                s = m.start("name")
                if best is None or s < best[0]:
                    best = (s, s + len(name))
                break
        return best

    # --- candidates --------------------------------------------------------
    def _sentence_flags(self, doc: Doc) -> dict[int, dict[str, float]]:
        flags: dict[int, dict[str, float]] = {}
        # cues sorted by start, so each sentence looks only at its own (scanning every
        # cue for every sentence was quadratic in the length of the draft)
        cues = sorted(doc._.cues or (), key=lambda m: m.start)
        cue_starts = [m.start for m in cues]
        for si, sent in enumerate(doc.sents):
            words = {t.lower_ for t in sent}
            f = {"sent_idx:" + str(min(si, 3)): 1.0}
            lo = bisect_left(cue_starts, sent.start_char)
            hi = bisect_left(cue_starts, sent.end_char)
            for mark in cues[lo:hi]:
                f["sent_cue:" + mark.name] = 1.0
            if words & {"worked", "was", "were", "spent", "former", "formerly", "previously", "left", "graduated", "studied", "interned", "alumni", "alum", "alumnus"}:
                f["sent_past"] = 1.0
            if words & {"currently", "now", "current"}:
                f["sent_current"] = 1.0
            if words & {"refer", "referral", "apply", "applying", "applied", "join", "joining", "opening", "role", "position", "vacancy", "hiring"}:
                f["sent_target"] = 1.0
            if "?" in sent.text:
                f["sent_question"] = 1.0
            for tok in sent:
                flags[tok.i] = f
        return flags

    def _context(self, doc: Doc, start: int, end: int, prefix: str) -> dict[str, float]:
        f: dict[str, float] = {}
        prev = [t.lower_ for t in doc[max(0, start - 3) : start] if not t.is_space]
        nxt = [t.lower_ for t in doc[end : end + 3] if not t.is_space]
        p1 = prev[-1] if prev else "<s>"
        p2 = " ".join(prev[-2:]) if len(prev) >= 2 else "<s> " + p1
        n1 = nxt[0] if nxt else "</s>"
        n2 = " ".join(nxt[:2]) if len(nxt) >= 2 else n1 + " </s>"
        for k, v in (("p1", p1), ("p2", p2), ("n1", n1), ("n2", n2)):
            f[f"{prefix}{k}:{v}"] = 1.0
        f[f"{prefix}pos:{min(4, int(5 * start / max(1, len(doc))))}"] = 1.0
        window = {t.lower_ for t in doc[max(0, start - 6) : start]}
        if window & self.past_cues:
            f[prefix + "win_past"] = 1.0
        if window & self.target_cues:
            f[prefix + "win_target"] = 1.0
        return f

    def company_candidates(self, doc: Doc, url_spans: list[tuple[int, int]], names: set[str]) -> list[Candidate]:
        text = doc.text
        in_url = np.zeros(len(text) + 1, dtype=bool)
        for s, e in url_spans:
            in_url[s:e] = True
        sent_flags = self._sentence_flags(doc)
        cands: list[Candidate] = []
        counts: dict[str, int] = {}
        runs: list[list[int]] = []
        run: list[int] = []
        for tok in doc:
            t = tok.text
            is_cap = (t[:1].isupper() or (t[:1].isdigit() and any(c.isalpha() for c in t)) or (len(t) > 1 and t[0].islower() and any(c.isupper() for c in t[1:]))) and t not in {"I", "I'm", "I've", "I'd", "I'll"} and any(c.isalnum() for c in t)
            if is_cap and not in_url[tok.idx] and not tok.is_space:
                run.append(tok.i)
            elif run and t in {"&", "and", "of", "de", "-", "+", "."} and tok.i + 1 < len(doc) and doc[tok.i + 1].text[:1].isupper():
                run.append(tok.i)
            else:
                if run:
                    runs.append(run)
                run = []
        if run:
            runs.append(run)
        connectors = {"&", "and", "of", "de", "-", "+", "."}
        for run in runs:
            run = run[:8]
            for a in range(len(run)):
                for b in range(a, min(a + 4, len(run))):
                    if doc[run[a]].text in connectors or doc[run[b]].text in connectors:
                        continue
                    span = doc[run[a] : run[b] + 1]
                    s_text = span.text
                    if s_text.lower() in self.name_stop or s_text in names:
                        continue
                    f = {"bias": 1.0, "lw:" + s_text.lower(): 1.0, "n:" + str(len(span)): 1.0}
                    f["first:" + span[0].lower_] = 1.0
                    f["last:" + span[-1].lower_] = 1.0
                    f["shape:" + ("X" if s_text.isupper() else "Xx")] = 1.0
                    if span[0].is_sent_start or (span.start > 0 and doc[span.start - 1].is_space):
                        f["sent_start"] = 1.0
                    if a > 0 or b < len(run) - 1:
                        f["partial_run"] = 1.0
                    if any(t.lower_ in self.role_heads for t in span):
                        f["has_role_head"] = 1.0
                    if any(n and (n in s_text or s_text in n) for n in names):
                        f["overlaps_name"] = 1.0
                    if span.end < len(doc) and doc[span.end].text in {"'s", "’s"}:
                        f["possessive"] = 1.0
                    f.update(sent_flags.get(span.start, {}))
                    f.update(self._context(doc, span.start, span.end, ""))
                    counts[s_text.lower()] = counts.get(s_text.lower(), 0) + 1
                    cands.append(Candidate(span.start_char, span.end_char, s_text, f))
        for s, e in url_spans:
            slug = _url_company(text, s, e)
            if slug:
                st = text[slug[0] : slug[1]]
                f = {"bias": 1.0, "in_url": 1.0, "lw:" + st.lower(): 1.0}
                f["url_job"] = 1.0 if _is_job_url(text[s:e]) else 0.0
                counts[st.lower()] = counts.get(st.lower(), 0) + 1
                cands.append(Candidate(slug[0], slug[1], st, f))
        for c in cands:
            c.features["count:" + str(min(3, counts.get(c.text.lower(), 1)))] = 1.0
            if any(c.text.lower() in text[s:e].lower() for s, e in url_spans) and "in_url" not in c.features:
                c.features["also_in_url"] = 1.0
        return cands

    def role_candidates(self, doc: Doc, url_spans: list[tuple[int, int]]) -> list[Candidate]:
        text = doc.text
        in_url = np.zeros(len(text) + 1, dtype=bool)
        for s, e in url_spans:
            in_url[s:e] = True
        sent_flags = self._sentence_flags(doc)
        cands: list[Candidate] = []
        seen: set[tuple[int, int]] = set()
        for tok in doc:
            if tok.lower_ not in self.role_heads or in_url[tok.idx]:
                continue
            # optional right extension: "head of X", "manager, data"
            ends = [tok.i + 1]
            if tok.lower_ in {"head", "director", "vp", "manager", "lead"} and tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ in {"of", "for"}:
                j = tok.i + 2
                while j < len(doc) and j < tok.i + 5 and doc[j].is_alpha and doc[j].lower_ not in self.modifier_stop:
                    j += 1
                    ends.append(j)
            starts = [tok.i]
            j = tok.i - 1
            while j >= 0 and tok.i - j <= 5:
                t = doc[j]
                if t.is_space or t.lower_ in self.modifier_stop or not (t.is_alpha or t.text in {"-", "/", "&", "+", "#"} or any(c.isalpha() for c in t.text)) or t.text in {",", ".", "(", ")", ":", ";", "!", "?"}:
                    break
                if t.text in {"-", "/", "&", "+"}:
                    j -= 1
                    continue
                starts.append(j)
                j -= 1
            for s in starts:
                for e in ends:
                    if (s, e) in seen:
                        continue
                    seen.add((s, e))
                    span = doc[s:e]
                    if len(span) == 1 and tok.lower_ in self.generic_heads:
                        continue
                    if e - 1 == tok.i and tok.lower_ in self.generic_heads and len(span) > 1:
                        # "marketing role" -> propose "marketing" (the shortest span naming the role)
                        inner = doc[s : e - 1]
                        key = (s, e - 1)
                        if inner.text.strip() and key not in seen and not inner[-1].is_punct:
                            seen.add(key)
                            cands.append(self._role_candidate(doc, inner, inner[-1], sent_flags, generic=True))
                        continue
                    cands.append(self._role_candidate(doc, span, tok, sent_flags, generic=False))
        return cands

    def _role_candidate(self, doc: Doc, span, head, sent_flags, generic: bool) -> Candidate:
        f = {"bias": 1.0, "h:" + head.lower_: 1.0, "n:" + str(min(len(span), 5)): 1.0, "t:" + span.text.lower(): 1.0}
        f["first:" + span[0].lower_] = 1.0
        if generic:
            f["before_generic"] = 1.0
        if span[0].text[:1].isupper():
            f["cap"] = 1.0
        prev = [t.lower_ for t in doc[max(0, span.start - 2) : span.start]]
        if prev[-2:] in (["as", "a"], ["as", "an"]) or prev[-1:] == ["as"]:
            f["as_a"] = 1.0
        f.update(sent_flags.get(span.start, {}))
        f.update(self._context(doc, span.start, span.end, ""))
        return Candidate(span.start_char, span.end_char, span.text, f)

    @staticmethod
    def rank(model: "LinearModel", cands: list[Candidate]) -> tuple[Candidate | None, float]:
        """Best candidate and its probability under ``model`` (a binary ranker)."""
        best, best_p = None, -1.0
        n_bits = int(model.manifest.get("featurizer", {}).get("n_bits", RANKER_BITS))
        for c in cands:
            row = named_features(c.features, n_bits)
            idx = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
            val = np.fromiter(row.values(), dtype=np.float64, count=len(row))
            p = float(model.predict_proba(idx, val)[1])
            if p > best_p:
                best, best_p = c, p
        return best, best_p

    # --- main --------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        spans: dict[str, tuple[int, int] | None] = {}
        found_urls = url_spans(text)
        urls = [(s, e) for s, e in found_urls if _is_job_url(text[s:e])]
        job_ids: list[tuple[int, int]] = []
        taken = np.zeros(len(text) + 1, dtype=bool)
        for s, e in found_urls:
            taken[s:e] = True
        for pat in _JOB_ID_RES:
            for m in pat.finditer(text):
                s, e = m.span("id")
                if not taken[s:e].any():
                    job_ids.append((s, e))
                    taken[s:e] = True
        job_ids.sort()
        spans["recipient_name"] = self.recipient(text)
        spans["sender_name"] = self.sender(text)
        names = {text[v[0] : v[1]] for v in spans.values() if v}
        spans["mutual_contact"] = self.mutual(text, names)
        if spans["mutual_contact"]:
            names.add(text[spans["mutual_contact"][0] : spans["mutual_contact"][1]])
        spans["company"] = None
        spans["role"] = None
        if self.company_model is not None:
            best, p = self.rank(self.company_model, self.company_candidates(doc, found_urls, names))
            if best is not None and p >= float(self.company_model.manifest.get("threshold", 0.5)):
                spans["company"] = (best.start, best.end)
        if self.role_model is not None:
            best, p = self.rank(self.role_model, self.role_candidates(doc, found_urls))
            if best is not None and p >= float(self.role_model.manifest.get("threshold", 0.5)):
                spans["role"] = (best.start, best.end)
        doc._.slot_spans = dict(spans, job_ids=job_ids, urls=urls)
        slots: dict[str, object] = {k: (text[v[0] : v[1]] if v else None) for k, v in spans.items()}
        slots["job_ids"] = [text[s:e] for s, e in job_ids]
        slots["urls"] = [text[s:e] for s, e in urls]
        doc._.slots = slots
        return doc


@Language.factory("refernlp_slots")
def make_slot_extractor(nlp: Language, name: str) -> SlotExtractor:
    return SlotExtractor(nlp, name)
