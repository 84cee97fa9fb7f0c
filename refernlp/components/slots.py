"""Slot extraction: target company, target role, job IDs, job-post URLs, names, mutual contact.

URLs, job IDs and names come from patterns. The target company and role are
chosen among proposed candidate spans by small learned rankers
(``models/company`` and ``models/role``): a past employer or a school mentioned
in passing is a candidate too, and the ranker learns from context which one
the sender wants to join. Every slot is a verbatim substring of the draft.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from ..resources import lexicon
from .base import doc_text, ensure_extensions
from .candidates import CandidateProposer
from .patterns import (
    DASH_NAME,
    GREETING_RE,
    JOB_ID_RES,
    LINE_NAME,
    MUTUAL_NEEDS,
    MUTUAL_RES,
    SELF_INTRO,
    SIGNOFF_AND_NAME,
    clean_name,
    is_job_url,
    lower_for_needs,
    url_spans,
)

if TYPE_CHECKING:
    from ..modelio import LinearModel


#: per pattern of MUTUAL_RES, one regex finding any of its MUTUAL_NEEDS words (None: no such list)
NEEDS_RES = [re.compile("|".join(map(re.escape, needs))) if needs else None for needs in MUTUAL_NEEDS]


class SlotExtractor:
    """Writes ``doc._.slots`` (a dict of slot values) and ``doc._.slot_spans`` (their offsets)."""

    def __init__(self, nlp: Language, name: str = "refernlp_slots") -> None:
        ensure_extensions()
        self.name = name
        lex = lexicon("slots")
        #: proposes the company and role candidates the rankers choose among
        self.candidates = CandidateProposer(lex)
        self.name_stop = frozenset(lex["name_stop"])
        self.signoffs = frozenset(lex["signoffs"])
        self.company_model: LinearModel | None = None
        self.role_model: LinearModel | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, company: "LinearModel | None" = None, role: "LinearModel | None" = None) -> None:
        """spaCy's initialisation hook: attach the learned candidate rankers (``models/company``, ``models/role``).

        Without a ranker, that slot (company or role) is left empty.
        """
        self.company_model = company
        self.role_model = role

    # --- names -------------------------------------------------------------
    def recipient(self, text: str) -> tuple[int, int] | None:
        head = text[:400]
        for m in GREETING_RE.finditer(head):
            name = clean_name(m.group("name"), self.name_stop)
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
                m = LINE_NAME.match(nline) or DASH_NAME.match(nline)
                if m:
                    name = clean_name(m.group("name"), self.name_stop)
                    if name:
                        s = noff + m.start("name")
                        return s, s + len(name)
            m = SIGNOFF_AND_NAME.match(line)
            if m and m.group("so").strip().lower() in self.signoffs:
                name = clean_name(m.group("name"), self.name_stop)
                if name:
                    s = off + m.start("name")
                    return s, s + len(name)
        if tail:
            off, line = tail[-1]
            m = DASH_NAME.match(line)
            if m:
                name = clean_name(m.group("name"), self.name_stop)
                if name:
                    s = off + m.start("name")
                    return s, s + len(name)
            m = LINE_NAME.match(line)
            if m and len(lines) >= 2 and len(line.strip()) <= 40 and m.end("name") >= len(line.rstrip()) - 1:
                name = clean_name(m.group("name"), self.name_stop)
                if name and name.lower() not in self.signoffs and not GREETING_RE.match(line):
                    s = off + m.start("name")
                    return s, s + len(name)
        m = SELF_INTRO.search(text[:500])
        if m:
            name = clean_name(m.group("name"), self.name_stop)
            if name:
                s = m.start("name")
                return s, s + len(name)
        return None

    def mutual(self, text: str, exclude: set[str]) -> tuple[int, int] | None:
        best = None
        low = lower_for_needs(text)
        for pat, needs in zip(MUTUAL_RES, NEEDS_RES):
            if needs is not None and low is not None and needs.search(low) is None:
                continue  # the pattern cannot match: none of the words it needs is in the draft
            for m in pat.finditer(text):
                name = clean_name(m.group("name"), self.name_stop)
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

    # --- main --------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        spans: dict[str, tuple[int, int] | None] = {}
        found_urls = url_spans(text)
        urls = [(s, e) for s, e in found_urls if is_job_url(text[s:e])]
        job_ids: list[tuple[int, int]] = []
        taken = np.zeros(len(text) + 1, dtype=bool)
        for s, e in found_urls:
            taken[s:e] = True
        for pat in JOB_ID_RES:
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
        # the token table, sentence and draft features both proposers read, built once
        tokens = self.candidates.tokens(doc, found_urls) if self.company_model is not None or self.role_model is not None else None
        # the company and role candidates, proposed in turn and scored together (one gather)
        jobs = []
        if self.company_model is not None:
            jobs.append(("company", self.company_model, self.candidates.company_candidates(doc, found_urls, names, tokens)))
        if self.role_model is not None:
            jobs.append(("role", self.role_model, self.candidates.role_candidates(doc, found_urls, tokens)))
        for (slot, model, _), (best, p) in zip(jobs, self.candidates.rank_many([(model, cands) for _, model, cands in jobs])):
            if best is not None and p >= float(model.manifest.get("threshold", 0.5)):
                spans[slot] = (best.start, best.end)
        ext = doc._
        ext.slot_spans = dict(spans, job_ids=job_ids, urls=urls)
        slots: dict[str, object] = {k: (text[v[0] : v[1]] if v else None) for k, v in spans.items()}
        slots["job_ids"] = [text[s:e] for s, e in job_ids]
        slots["urls"] = [text[s:e] for s, e in urls]
        ext.slots = slots
        return doc


@Language.factory("refernlp_slots", assigns=["doc._.slots", "doc._.slot_spans"], requires=["doc._.cues", "token.is_sent_start"])
def make_slot_extractor(nlp: Language, name: str) -> SlotExtractor:
    return SlotExtractor(nlp, name)
