"""Candidate spans for the target company and role, and the learned rankers that choose among them.

A past employer or a school mentioned in passing is a candidate too; the
ranker (``models/company``, ``models/role``) learns from context which one the
sender wants to join.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from spacy.tokens import Doc

from ..features import named_features
from .patterns import is_job_url, url_company

if TYPE_CHECKING:
    from ..modelio import LinearModel

#: hashed feature bits of the candidate rankers
RANKER_BITS = 16


@dataclass(frozen=True)
class Candidate:
    """A proposed slot value: a character span and the features the ranker scores."""

    start: int
    end: int
    text: str
    features: dict[str, float]


def url_mask(text: str, url_spans: list[tuple[int, int]]) -> np.ndarray:
    """A boolean per character of ``text`` (plus one): True inside a URL."""
    mask = np.zeros(len(text) + 1, dtype=bool)
    for s, e in url_spans:
        mask[s:e] = True
    return mask


class CandidateProposer:
    """Proposes company and role candidate spans of a processed Doc, with the features a ranker scores."""

    def __init__(self, lex: dict) -> None:
        self.role_heads = frozenset(lex["role_heads"])
        self.generic_heads = frozenset(lex["generic_heads"])
        self.modifier_stop = frozenset(lex["modifier_stop"])
        self.past_cues = frozenset(lex["past_cues"])
        self.target_cues = frozenset(lex["target_cues"])
        self.name_stop = frozenset(lex["name_stop"])

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
        in_url = url_mask(text, url_spans)
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
            slug = url_company(text, s, e)
            if slug:
                st = text[slug[0] : slug[1]]
                f = {"bias": 1.0, "in_url": 1.0, "lw:" + st.lower(): 1.0}
                f["url_job"] = 1.0 if is_job_url(text[s:e]) else 0.0
                counts[st.lower()] = counts.get(st.lower(), 0) + 1
                cands.append(Candidate(slug[0], slug[1], st, f))
        for c in cands:
            c.features["count:" + str(min(3, counts.get(c.text.lower(), 1)))] = 1.0
            if any(c.text.lower() in text[s:e].lower() for s, e in url_spans) and "in_url" not in c.features:
                c.features["also_in_url"] = 1.0
        return cands

    def role_candidates(self, doc: Doc, url_spans: list[tuple[int, int]]) -> list[Candidate]:
        text = doc.text
        in_url = url_mask(text, url_spans)
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
