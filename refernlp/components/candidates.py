"""Candidate spans for the target company and role, and the learned rankers that choose among them.

A past employer or a school mentioned in passing is a candidate too; the
ranker (``models/company``, ``models/role``) learns from context which one the
sender wants to join.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

import numpy as np
from spacy.tokens import Doc

from ..features import named_features
from .patterns import is_job_url, url_company
from .role_spans import RoleSpans

if TYPE_CHECKING:
    from ..modelio import LinearModel

#: hashed feature bits of the candidate rankers
RANKER_BITS = 18
PRONOUN_I = frozenset({"I", "I'm", "I've", "I'd", "I'll", "I’m", "I’ve", "I’d", "I’ll"})
#: words that may join the capitalised words of one company name ("Save the Children", "Procter & Gamble")
CONNECTORS = frozenset({"&", "and", "of", "de", "-", "+", ".", "the", "du", "des", "la", "von", "van", "der", "for", "on"})
INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}")
BARE_DOMAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.(?:com|io|co|org|net|ai|app|de|uk|in|ca)")


def norm(text: str) -> str:
    """Lower case letters and digits only, accents dropped: "AtkinsRéalis" and "atkinsrealis" match."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if c.isalnum() and c.isascii())


@dataclass(frozen=True)
class Candidate:
    """A proposed slot value: a character span and the features the ranker scores."""

    start: int
    end: int
    text: str
    features: dict[str, float]
    #: draft-level features, one dict shared by every candidate of a draft (scored once per draft)
    shared: Mapping[str, float] = field(default_factory=dict)

    def all_features(self) -> dict[str, float]:
        """``features`` and ``shared`` together: the row the ranker is trained on."""
        return {**self.features, **self.shared}


def url_mask(text: str, url_spans: list[tuple[int, int]]) -> np.ndarray:
    """A boolean per character of ``text`` (plus one): True inside a URL."""
    mask = np.zeros(len(text) + 1, dtype=bool)
    for s, e in url_spans:
        mask[s:e] = True
    return mask


def candidate_scores(model: "LinearModel", cands: list[Candidate], n_bits: int) -> np.ndarray:
    """The linear score of every candidate under a one-row ``model``, in one gather.

    Draft-level ``shared`` features are scored once per distinct dict and added
    (hashing is additive, so this equals scoring :meth:`Candidate.all_features`).
    """
    coef = model.coef[0]

    def gather(d: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        row = named_features(d, n_bits)
        return np.fromiter(row.keys(), dtype=np.int64, count=len(row)), np.fromiter(row.values(), dtype=np.float64, count=len(row))

    shared_score: dict[int, float] = {}
    for c in cands:
        if id(c.shared) not in shared_score:
            idx, val = gather(c.shared)
            shared_score[id(c.shared)] = float(coef[idx].astype(np.float64) @ val) if len(idx) else 0.0
    idx_parts, val_parts, starts = [], [], []
    n = 0
    for c in cands:
        idx, val = gather(c.features)
        starts.append(n)
        idx_parts.append(idx)
        val_parts.append(val)
        n += len(idx)
    sums = np.zeros(len(cands))
    if n:
        contrib = coef[np.concatenate(idx_parts)].astype(np.float64) * np.concatenate(val_parts)
        nonempty = [i for i, v in enumerate(val_parts) if len(v)]
        sums[nonempty] = np.add.reduceat(contrib, [starts[i] for i in nonempty])
    return sums + np.array([shared_score[id(c.shared)] for c in cands]) + float(model.intercept[0])


class CandidateProposer:
    """Proposes company and role candidate spans of a processed Doc, with the features a ranker scores."""

    def __init__(self, lex: dict) -> None:
        self.role_heads = frozenset(lex["role_heads"])
        self.generic_heads = frozenset(lex["generic_heads"])
        self.modifier_stop = frozenset(lex["modifier_stop"])
        self.past_cues = frozenset(lex["past_cues"])
        self.target_cues = frozenset(lex["target_cues"])
        self.name_stop = frozenset(lex["name_stop"])
        self.general_words = frozenset(lex["general_words"])
        self.lower_prev = frozenset(lex["company_lower_prev"])
        self.lower_next = frozenset(lex["company_lower_next"])
        self.lower_stop = self.name_stop | self.role_heads | self.modifier_stop | self.past_cues | self.target_cues | frozenset(lex["company_lower_stop"])
        self.role_spans = RoleSpans(self.role_heads, self.generic_heads, self.modifier_stop)

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

    def _doc_features(self, doc: Doc) -> dict[str, float]:
        """Draft-level features shared by every candidate: which kinds of ask and cue the draft has.

        Company and role are null in drafts with no referral ask (and company in general
        asks), so the rankers need to see what the whole draft asks for, not only the
        candidate's sentence.
        """
        f = {"doc_cue:" + m.name: 1.0 for m in doc._.cues or ()}
        # the draft's words, scaled down: together they say whether the draft asks for a referral
        # at one company (company set), for roles anywhere (company null) or for nothing (both null)
        words = {t.lower_ for t in doc if t.is_alpha and len(t) > 1}
        scale = 1.0 / max(1.0, len(words)) ** 0.5
        for w in words:
            f["dw:" + w] = scale
        if not any(m.category == "ask" for m in doc._.cues or ()):
            f["doc_no_ask"] = 1.0
        if any(t.lower_ in self.general_words for t in doc):
            f["doc_general_word"] = 1.0
        return f

    def _runs(self, doc: Doc, in_url: np.ndarray) -> list[list[int]]:
        """Runs of capitalised tokens (with inner connectors): where written company names are."""
        runs: list[list[int]] = []
        run: list[int] = []
        n = len(doc)
        for tok in doc:
            t = tok.text
            is_cap = (t[:1].isupper() or (t[:1].isdigit() and any(c.isalpha() for c in t)) or (len(t) > 1 and t[0].islower() and any(c.isupper() for c in t[1:]))) and t not in PRONOUN_I and any(c.isalnum() for c in t)
            tight = tok.i + 1 < n and not tok.whitespace_ and tok.i > 0 and not doc[tok.i - 1].whitespace_
            if is_cap and not in_url[tok.idx] and not tok.is_space:
                if run and (tok.is_sent_start or "\n" in doc[tok.i - 1].whitespace_):
                    runs.append(run)
                    run = []
                run.append(tok.i)
                if t.endswith(".") and len(t) > 2 and not INITIALS.match(t) and tok.whitespace_:
                    runs.append(run)  # "P&G. Refer me": a sentence ended inside the token
                    run = []
            elif run and t in CONNECTORS and tok.i + 1 < n and (
                doc[tok.i + 1].text[:1].isupper() or (tight and t in {"-", "."})
                or (doc[tok.i + 1].text in CONNECTORS and tok.i + 2 < n and doc[tok.i + 2].text[:1].isupper())  # "Office of the Auditor General"
            ) and not tok.is_sent_start:
                run.append(tok.i)
            elif run and t in {"-", "."} and tight and doc[tok.i + 1].is_alpha:
                run.append(tok.i)  # "Chick-fil-A"
            elif run and tight and t.islower() and t.isalpha() and doc[tok.i - 1].text == "-":
                run.append(tok.i)
            else:
                if run:
                    runs.append(run)
                run = []
        if run:
            runs.append(run)
        return runs

    def company_candidates(self, doc: Doc, url_spans: list[tuple[int, int]], names: set[str]) -> list[Candidate]:
        text = doc.text
        in_url = url_mask(text, url_spans)
        sent_flags = self._sentence_flags(doc)
        doc_f = self._doc_features(doc)
        cands: list[Candidate] = []
        seen: set[tuple[int, int]] = set()

        def add(s_tok: int, e_tok: int, kind: str, trim: bool = False) -> None:
            span = doc[s_tok:e_tok]
            start, end = span.start_char, span.end_char
            if trim:
                while end > start and text[end - 1] == ".":
                    end -= 1
            if (start, end) in seen or end <= start:
                return
            s_text = text[start:end]
            if s_text.lower() in self.name_stop or s_text in names:
                return
            seen.add((start, end))
            f = {"bias": 1.0, "lw:" + s_text.lower(): 1.0, "n:" + str(min(len(span), 6)): 1.0, "kind:" + kind: 1.0}
            f["first:" + span[0].lower_] = 1.0
            f["last:" + span[-1].lower_] = 1.0
            f["shape:" + ("X" if s_text.isupper() else "x" if s_text.islower() else "Xx")] = 1.0
            if span[0].is_sent_start or (span.start > 0 and doc[span.start - 1].is_space):
                f["sent_start"] = 1.0
            if any(t.lower_ in self.role_heads for t in span):
                f["has_role_head"] = 1.0
            if any(t.lower_ in ("and", "&") for t in span) and len(span) > 2:
                f["has_and"] = 1.0
            if any(n and (n in s_text or s_text in n) for n in names):
                f["overlaps_name"] = 1.0
            if span.end < len(doc) and doc[span.end].text in {"'s", "’s"}:
                f["possessive"] = 1.0
            if span.end < len(doc) and doc[span.end].lower_ in self.role_heads:
                f["before_role_head"] = 1.0
            f.update(sent_flags.get(span.start, {}))
            f.update(self._context(doc, span.start, span.end, ""))
            cands.append(Candidate(start, end, s_text, f, doc_f))

        for run in self._runs(doc, in_url):
            run = run[:10]
            for a in range(len(run)):
                for b in range(a, min(a + 7, len(run))):
                    if doc[run[a]].text in CONNECTORS or doc[run[b]].text in CONNECTORS | {"-", "."}:
                        continue
                    kind = "partial" if a > 0 or b < len(run) - 1 else "run"
                    add(run[a], run[b] + 1, kind, trim=True)
                    e = run[b] + 1
                    if e < len(doc) and doc[e].text in {"'s", "’s"} and not doc[e - 1].whitespace_:
                        add(run[a], e + 1, "with_poss")  # "Lowe's", "Tunnock's"
        self._lower_candidates(doc, in_url, add)
        for tok in doc:
            # a company written as its bare domain ("booking.com"): the URL pattern masked it
            if in_url[tok.idx] and "/" not in tok.text and "." in tok.text.strip(".") and not tok.like_email and BARE_DOMAIN.fullmatch(tok.text.rstrip(".,")):
                add(tok.i, tok.i + 1, "bare_domain", trim=True)
        written = {norm(c.text): c for c in cands}
        for s, e in url_spans:
            slug = url_company(text, s, e)
            if slug and slug not in seen:
                seen.add(slug)
                st = text[slug[0] : slug[1]]
                f = {"bias": 1.0, "in_url": 1.0, "lw:" + st.lower(): 1.0, "kind:slug": 1.0}
                f["url_job"] = 1.0 if is_job_url(text[s:e]) else 0.0
                ns = norm(st)
                match = [c for k, c in written.items() if k and (k == ns or (len(k) >= 3 and (ns.startswith(k) or k.startswith(ns[:4]))))]
                if match:
                    f["slug_written"] = 1.0  # the text names it: the written name wins
                    for c in match:
                        c.features["matches_slug"] = 1.0
                elif any("kind:run" in c.features or "kind:partial" in c.features for c in cands):
                    f["slug_other_names"] = 1.0
                cands.append(Candidate(slug[0], slug[1], st, f, doc_f))
        counts: dict[str, int] = {}
        for c in cands:
            counts[c.text.lower()] = counts.get(c.text.lower(), 0) + 1
        low_text = text.lower()
        for c in cands:
            c.features["count:" + str(min(3, low_text.count(c.text.lower())))] = 1.0
            if "in_url" not in c.features and any(c.text.lower() in text[s:e].lower() for s, e in url_spans):
                c.features["also_in_url"] = 1.0
        return cands

    def _lower_candidates(self, doc: Doc, in_url: np.ndarray, add) -> None:
        """Companies typed in lower case ("saw you're at flutterwave", "the mono QA thing", "swiggy ke referral")."""
        n = len(doc)

        def ok(t) -> bool:
            return (
                not t.is_space and not in_url[t.idx] and t.text[:1].islower() and any(c.isalpha() for c in t.text)
                and all(c.isalnum() or c in "&.-'" for c in t.text) and not t.is_stop and t.lower_ not in self.lower_stop
            )

        for i in range(n):
            if not ok(doc[i]):
                continue
            prev = doc[i - 1].lower_ if i > 0 else ""
            for j in range(i + 1, min(n, i + 4)):
                if not ok(doc[j - 1]) or (j - 1 > i and "\n" in doc[j - 2].whitespace_):
                    break
                nxt = doc[j].lower_ if j < n else ""
                if prev in self.lower_prev or nxt in self.lower_next or (nxt in self.role_heads and prev in {"the", "that", "this", "for", "a"}):
                    add(i, j, "lower")

    def role_candidates(self, doc: Doc, url_spans: list[tuple[int, int]]) -> list[Candidate]:
        """Role spans: a head word, its modifiers and the title's suffixes (see :mod:`.role_spans`)."""
        text = doc.text
        in_url = url_mask(text, url_spans)
        sent_flags = self._sentence_flags(doc)
        doc_f = self._doc_features(doc)
        org_words = self._org_words(doc, url_spans)
        cands: list[Candidate] = []
        seen: set[tuple[int, int]] = set()
        for s, e, head, kinds in self.role_spans.spans(doc, in_url):
            htok = doc[head]
            if htok.lower_ in self.generic_heads and e == head + 1 and not kinds:
                # "marketing role": propose "marketing" (the role family) and the whole span
                if s == head:
                    continue
                inner = doc[s:head]
                if inner.text.strip() and not inner[-1].is_punct and (s, head) not in seen:
                    seen.add((s, head))
                    cands.append(self._role_candidate(doc, inner, inner[-1], sent_flags, doc_f, ("before_generic",), org_words))
                kinds = ("head_generic",)
            if (s, e) in seen:
                continue
            seen.add((s, e))
            cands.append(self._role_candidate(doc, doc[s:e], htok, sent_flags, doc_f, kinds, org_words))
        return cands

    @staticmethod
    def _org_words(doc: Doc, url_spans: list[tuple[int, int]]) -> frozenset[str]:
        """Words that look like a company elsewhere in the draft: after "at"/"@"/"join", or in a URL."""
        out = {doc[i + 1].lower_ for i, t in enumerate(doc[:-1]) if t.lower_ in ("at", "@", "join", "joining")}
        for s, e in url_spans:
            out.update(w for w in re.split(r"[^a-z0-9]+", doc.text[s:e].lower()) if len(w) > 1)
        return frozenset(out)

    def _role_candidate(self, doc: Doc, span, head, sent_flags, doc_f, kinds: tuple[str, ...], org_words: frozenset[str] = frozenset()) -> Candidate:
        f = {"bias": 1.0, "h:" + head.lower_: 1.0, "n:" + str(min(len(span), 8)): 1.0, "t:" + span.text.lower(): 1.0}
        f["first:" + span[0].lower_] = 1.0
        f["last:" + span[-1].lower_] = 1.0
        if span[-1].lower_ in self.generic_heads:
            f["ends_generic"] = 1.0
        for k in kinds:
            f["ext:" + k] = 1.0
        f["exts:" + "+".join(kinds)] = 1.0
        if kinds and kinds[-1] != "generic" and span.end < len(doc) and doc[span.end].lower_ in self.generic_heads:
            f["before_generic_after_ext"] = 1.0
        if span.start < head.i:
            f["has_modifier"] = 1.0
        if span[0].text[:1].isupper():
            f["cap"] = 1.0
        if all(t.text[:1].isupper() or not t.is_alpha or t.lower_ in ("of", "and", "for") for t in span):
            f["title_case"] = 1.0
        nxt = doc[span.end] if span.end < len(doc) else None
        if nxt is not None and (nxt.text[:1].isupper() or nxt.text in (",", "(", "–", "-")) and nxt.text != "I":
            f["next_titleish:" + ("punct" if nxt.is_punct else "word")] = 1.0
        prev = [t.lower_ for t in doc[max(0, span.start - 2) : span.start]]
        if prev[-2:] in (["as", "a"], ["as", "an"]) or prev[-1:] == ["as"]:
            f["as_a"] = 1.0
        words = [t for t in span if t.is_alpha]
        if len(words) > 1 and words[0].text[:1].isupper() and any(t.text.islower() for t in words[1:]):
            f["cap_then_lower"] = 1.0  # "JD Sports weekend sales assistant": a company in front?
        if span.start < head.i and span[0].lower_ in org_words:
            f["starts_with_org_word"] = 1.0
        if any(t.lower_ in ("or", "/") for t in span[: head.i - span.start]):
            f["left_or"] = 1.0
        if "(" in span.text and any(c.isdigit() for c in span.text[span.text.index("(") :]):
            f["paren_digits"] = 1.0
        f.update(sent_flags.get(span.start, {}))
        f.update(self._context(doc, span.start, span.end, ""))
        return Candidate(span.start_char, span.end_char, span.text, f, doc_f)

    @staticmethod
    def rank(model: "LinearModel", cands: list[Candidate]) -> tuple[Candidate | None, float]:
        """Best candidate of ``doc`` and its probability under ``model`` (a binary candidate classifier)."""
        if not cands:
            return None, 0.0
        n_bits = int(model.manifest.get("featurizer", {}).get("n_bits", RANKER_BITS))
        z = candidate_scores(model, cands, n_bits)
        k = int(np.argmax(z))
        return cands[k], float(1.0 / (1.0 + np.exp(-z[k])))
