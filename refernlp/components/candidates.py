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

from .base import TokenTable
from .patterns import is_job_url, url_company
from .ranking import many_scores
from .role_spans import RoleSpans

if TYPE_CHECKING:
    from ..modelio import LinearModel

#: hashed feature bits of the candidate rankers
RANKER_BITS = 18
PRONOUN_I = frozenset({"I", "I'm", "I've", "I'd", "I'll", "I’m", "I’ve", "I’d", "I’ll"})
#: words that may join the capitalised words of one company name ("Save the Children", "Procter & Gamble")
CONNECTORS = frozenset({"&", "and", "of", "de", "-", "+", ".", "the", "du", "des", "la", "von", "van", "der", "for", "on"})
INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}")
#: a run's last token is never one of these
RUN_END_SKIP = CONNECTORS | {"-", "."}
#: sentence words saying the sentence is about the past, the present, or a target job
SENT_PAST = frozenset({"worked", "was", "were", "spent", "former", "formerly", "previously", "left", "graduated", "studied", "interned", "alumni", "alum", "alumnus"})
SENT_CURRENT = frozenset({"currently", "now", "current"})
SENT_TARGET = frozenset({"refer", "referral", "apply", "applying", "applied", "join", "joining", "opening", "role", "position", "vacancy", "hiring"})
#: the company candidates' length and kind feature names, built once
SIZE_KEYS = ["n:" + str(k) for k in range(7)]
KIND_KEYS = {k: "kind:" + k for k in ("run", "partial", "with_poss", "lower", "bare_domain")}
POSSESSIVES = frozenset({"'s", "’s"})
BARE_DOMAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.(?:com|io|co|org|net|ai|app|de|uk|in|ca)")


#: :func:`capitalised` of the token texts seen so far
_CAPITALISED: dict[str, bool] = {}


def capitalised(t: str) -> bool:
    """Whether a token can be part of a written company name: capitalised, a digit word with letters, camelCase ("eBay").

    Remembered per token text (up to 2**16 texts, then the memory starts over).
    """
    # a lower-case word not starting with a digit is never capitalised (the common case, decided without the scans)
    cap = False if t.islower() and not t[:1].isdigit() else (t[:1].isupper() or (t[:1].isdigit() and any(c.isalpha() for c in t)) or (len(t) > 1 and t[0].islower() and any(c.isupper() for c in t[1:]))) and t not in PRONOUN_I and any(c.isalnum() for c in t)
    if len(_CAPITALISED) >= 1 << 16:
        _CAPITALISED.clear()
    _CAPITALISED[t] = cap
    return cap


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

    def __init__(self, start: int, end: int, text: str, features: dict[str, float], shared: Mapping[str, float] | None = None) -> None:
        # what the generated frozen __init__ does, without one object.__setattr__ call per field (~17 candidates a draft)
        self.__dict__.update(start=start, end=end, text=text, features=features, shared={} if shared is None else shared)

    def all_features(self) -> dict[str, float]:
        """``features`` and ``shared`` together: the row the ranker is trained on."""
        return {**self.features, **self.shared}


@dataclass(frozen=True)
class DraftTokens:
    """What the company and role proposers read from one Doc, built once for both (:meth:`CandidateProposer.tokens`).

    ``in_url``: per token, whether it starts inside one of the draft's URLs;
    ``sent_flags``: per token, its sentence's features; ``doc_features``: the
    draft-level features every candidate shares.
    """

    tab: TokenTable
    in_url: list[bool]
    sent_flags: list[dict[str, float]]
    doc_features: dict[str, float]
    #: the context feature names built so far, by span start and end (:meth:`CandidateProposer._context`)
    context: dict = field(default_factory=dict)


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
        self.general_words = frozenset(lex["general_words"])
        self.lower_prev = frozenset(lex["company_lower_prev"])
        self.lower_next = frozenset(lex["company_lower_next"])
        self.lower_stop = self.name_stop | self.role_heads | self.modifier_stop | self.past_cues | self.target_cues | frozenset(lex["company_lower_stop"])
        self.role_spans = RoleSpans(self.role_heads, self.generic_heads, self.modifier_stop)

    def tokens(self, doc: Doc, url_spans: list[tuple[int, int]]) -> DraftTokens:
        """What the company and role proposers read from ``doc``, built once for both."""
        tab = TokenTable.of(doc)
        if url_spans and tab.n:
            tok_in_url = url_mask(tab.text, url_spans)[tab.idx].tolist()
        else:
            tok_in_url = [False] * tab.n
        return DraftTokens(tab, tok_in_url, self._sentence_flags(doc, tab), self._doc_features(doc, tab))

    def _sentence_flags(self, doc: Doc, tab: TokenTable) -> list[dict[str, float]]:
        """Per token, the features of its sentence (one dict per sentence, shared by its tokens)."""
        flags: list[dict[str, float]] = [{}] * tab.n
        # cues sorted by start, so each sentence looks only at its own (scanning every
        # cue for every sentence was quadratic in the length of the draft)
        cues = sorted(doc._.cues or (), key=lambda m: m.start)
        cue_starts = [m.start for m in cues]
        lowers, text = tab.lowers, tab.text
        for si, (s, e) in enumerate(tab.sents):
            words = set(lowers[s:e])
            f = {"sent_idx:" + str(min(si, 3)): 1.0}
            start_char, end_char = tab.idx[s], tab.end_char(e)
            lo = bisect_left(cue_starts, start_char)
            hi = bisect_left(cue_starts, end_char)
            for mark in cues[lo:hi]:
                f["sent_cue:" + mark.name] = 1.0
            if not words.isdisjoint(SENT_PAST):
                f["sent_past"] = 1.0
            if not words.isdisjoint(SENT_CURRENT):
                f["sent_current"] = 1.0
            if not words.isdisjoint(SENT_TARGET):
                f["sent_target"] = 1.0
            if "?" in text[start_char:end_char]:
                f["sent_question"] = 1.0
            flags[s:e] = [f] * (e - s)
        return flags

    def _context(self, tab: TokenTable, start: int, end: int, prefix: str, memo: dict | None = None) -> dict[str, float]:
        """The words around tokens ``start:end`` as features (``memo``: the parts already built for this table)."""
        f: dict[str, float] = {}
        self._add_context(f, tab, start, end, prefix, {} if memo is None else memo)
        return f

    def _add_context(self, f: dict[str, float], tab: TokenTable, start: int, end: int, prefix: str, memo: dict) -> None:
        """``f.update(self._context(tab, start, end, prefix, memo))``, without the intermediate dict."""
        left = memo.get(("left", start, prefix))
        if left is None:
            left = memo[("left", start, prefix)] = self._context_left(tab, start, prefix)
        right = memo.get(("right", end, prefix))
        if right is None:
            right = memo[("right", end, prefix)] = self._context_right(tab, end, prefix)
        f[left[0]] = f[left[1]] = 1.0
        f[right[0]] = f[right[1]] = 1.0
        f[left[2]] = 1.0
        for key in left[3]:
            f[key] = 1.0

    def _context_left(self, tab: TokenTable, start: int, prefix: str) -> tuple[str, str, str, tuple[str, ...]]:
        """The feature names that depend on a span's start: the two words before it, its position, cue words near it."""
        lowers, is_space = tab.lowers, tab.is_space
        prev = [lowers[i] for i in range(max(0, start - 3), start) if not is_space[i]]
        p1 = prev[-1] if prev else "<s>"
        p2 = " ".join(prev[-2:]) if len(prev) >= 2 else "<s> " + p1
        window = set(lowers[max(0, start - 6) : start])
        wins = []
        if not window.isdisjoint(self.past_cues):
            wins.append(prefix + "win_past")
        if not window.isdisjoint(self.target_cues):
            wins.append(prefix + "win_target")
        return f"{prefix}p1:{p1}", f"{prefix}p2:{p2}", f"{prefix}pos:{min(4, int(5 * start / max(1, tab.n)))}", tuple(wins)

    @staticmethod
    def _context_right(tab: TokenTable, end: int, prefix: str) -> tuple[str, str]:
        """The feature names of the two words after a span ending before token ``end``."""
        lowers, is_space = tab.lowers, tab.is_space
        nxt = [lowers[i] for i in range(end, min(tab.n, end + 3)) if not is_space[i]]
        n1 = nxt[0] if nxt else "</s>"
        n2 = " ".join(nxt[:2]) if len(nxt) >= 2 else n1 + " </s>"
        return f"{prefix}n1:{n1}", f"{prefix}n2:{n2}"

    def _doc_features(self, doc: Doc, tab: TokenTable) -> dict[str, float]:
        """Draft-level features shared by every candidate: which kinds of ask and cue the draft has.

        Company and role are null in drafts with no referral ask (and company in general
        asks), so the rankers need to see what the whole draft asks for, not only the
        candidate's sentence.
        """
        cues = doc._.cues or ()
        f = {"doc_cue:" + m.name: 1.0 for m in cues}
        # the draft's words, scaled down: together they say whether the draft asks for a referral
        # at one company (company set), for roles anywhere (company null) or for nothing (both null)
        words = {low for low, alpha, k in zip(tab.lowers, tab.is_alpha, tab.length) if alpha and k > 1}
        scale = 1.0 / max(1.0, len(words)) ** 0.5
        f.update(dict.fromkeys(["dw:" + w for w in words], scale))
        if not any(m.category == "ask" for m in cues):
            f["doc_no_ask"] = 1.0
        if not self.general_words.isdisjoint(tab.lowers):
            f["doc_general_word"] = 1.0
        return f

    @staticmethod
    def _runs(tab: TokenTable, in_url: list[bool]) -> list[list[int]]:
        """Runs of capitalised tokens (with inner connectors): where written company names are."""
        runs: list[list[int]] = []
        run: list[int] = []
        n = tab.n
        texts, spacy, is_space, is_alpha, sent_start = tab.texts, tab.spacy, tab.is_space, tab.is_alpha, tab.sent_start
        cap_of = _CAPITALISED.get
        for i, t in enumerate(texts):
            is_cap = cap_of(t)
            if is_cap is None:
                is_cap = capitalised(t)
            tight = i + 1 < n and not spacy[i] and i > 0 and not spacy[i - 1]
            if is_cap and not in_url[i] and not is_space[i]:
                if run and sent_start[i]:
                    runs.append(run)
                    run = []
                run.append(i)
                if t.endswith(".") and len(t) > 2 and not INITIALS.match(t) and spacy[i]:
                    runs.append(run)  # "P&G. Refer me": a sentence ended inside the token
                    run = []
            elif run and t in CONNECTORS and i + 1 < n and (
                texts[i + 1][:1].isupper() or (tight and t in {"-", "."})
                or (texts[i + 1] in CONNECTORS and i + 2 < n and texts[i + 2][:1].isupper())  # "Office of the Auditor General"
            ) and not sent_start[i]:
                run.append(i)
            elif run and t in {"-", "."} and tight and is_alpha[i + 1]:
                run.append(i)  # "Chick-fil-A"
            elif run and tight and t.islower() and t.isalpha() and texts[i - 1] == "-":
                run.append(i)
            else:
                if run:
                    runs.append(run)
                run = []
        if run:
            runs.append(run)
        return runs

    def company_candidates(self, doc: Doc, url_spans: list[tuple[int, int]], names: set[str], tokens: DraftTokens | None = None) -> list[Candidate]:
        """Company spans: runs of capitalised words, lower-case names in context, bare domains, URL slugs.

        ``tokens``: :meth:`tokens` of ``doc`` and ``url_spans``, when the caller has them already.
        """
        d = tokens if tokens is not None else self.tokens(doc, url_spans)
        tab, in_url, sent_flags, doc_f = d.tab, d.in_url, d.sent_flags, d.doc_features
        text, n, texts, lowers, idx = tab.text, tab.n, tab.texts, tab.lowers, tab.idx
        cands: list[Candidate] = []
        seen: set[tuple[int, int]] = set()

        name_stop, role_heads, sent_start, is_space, length = self.name_stop, self.role_heads, tab.sent_start, tab.is_space, tab.length
        add_context, context = self._add_context, d.context

        def add(s_tok: int, e_tok: int, kind: str, trim: bool = False) -> None:
            start, end = idx[s_tok], idx[e_tok - 1] + length[e_tok - 1]
            if trim:
                while end > start and text[end - 1] == ".":
                    end -= 1
            if (start, end) in seen or end <= start:
                return
            s_text = text[start:end]
            s_low = s_text.lower()
            if s_low in name_stop or s_text in names:
                return
            seen.add((start, end))
            f = {"bias": 1.0, "lw:" + s_low: 1.0, SIZE_KEYS[min(e_tok - s_tok, 6)]: 1.0, KIND_KEYS.get(kind) or "kind:" + kind: 1.0}
            f["first:" + lowers[s_tok]] = 1.0
            f["last:" + lowers[e_tok - 1]] = 1.0
            f["shape:X" if s_text.isupper() else "shape:x" if s_text.islower() else "shape:Xx"] = 1.0
            if sent_start[s_tok] or (s_tok > 0 and is_space[s_tok - 1]):
                f["sent_start"] = 1.0
            span_lowers = lowers[s_tok:e_tok]
            if not role_heads.isdisjoint(span_lowers):
                f["has_role_head"] = 1.0
            if ("and" in span_lowers or "&" in span_lowers) and e_tok - s_tok > 2:
                f["has_and"] = 1.0
            if names and any(nm and (nm in s_text or s_text in nm) for nm in names):
                f["overlaps_name"] = 1.0
            if e_tok < n:
                if texts[e_tok] in POSSESSIVES:
                    f["possessive"] = 1.0
                if lowers[e_tok] in role_heads:
                    f["before_role_head"] = 1.0
            f.update(sent_flags[s_tok])
            add_context(f, tab, s_tok, e_tok, "", context)
            cands.append(Candidate(start, end, s_text, f, doc_f))

        for run in self._runs(tab, in_url):
            run = run[:10]
            for a in range(len(run)):
                for b in range(a, min(a + 7, len(run))):
                    if texts[run[a]] in CONNECTORS or texts[run[b]] in RUN_END_SKIP:
                        continue
                    kind = "partial" if a > 0 or b < len(run) - 1 else "run"
                    add(run[a], run[b] + 1, kind, trim=True)
                    e = run[b] + 1
                    if e < n and texts[e] in {"'s", "’s"} and not tab.spacy[e - 1]:
                        add(run[a], e + 1, "with_poss")  # "Lowe's", "Tunnock's"
        self._lower_candidates(tab, in_url, add)
        for i in [i for i in range(n) if in_url[i]]:
            t = texts[i]
            # a company written as its bare domain ("booking.com"): the URL pattern masked it
            if "/" not in t and "." in t.strip(".") and not tab.like_email[i] and BARE_DOMAIN.fullmatch(t.rstrip(".,")):
                add(i, i + 1, "bare_domain", trim=True)
        written = None  # the written candidates by norm(), built for the first slug (most drafts have none)
        for s, e in url_spans:
            slug = url_company(text, s, e)
            if slug and slug not in seen:
                seen.add(slug)
                if written is None:
                    written = {norm(c.text): c for c in cands}
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
        low_text = text.lower()
        url_lows = [text[s:e].lower() for s, e in url_spans]
        for c in cands:
            low = c.text.lower()
            c.features["count:" + str(min(3, low_text.count(low)))] = 1.0
            if url_lows and "in_url" not in c.features and any(low in u for u in url_lows):
                c.features["also_in_url"] = 1.0
        return cands

    def _lower_candidates(self, tab: TokenTable, in_url: list[bool], add) -> None:
        """Companies typed in lower case ("saw you're at flutterwave", "the mono QA thing", "swiggy ke referral")."""
        n = tab.n
        texts, lowers, is_space, is_stop = tab.texts, tab.lowers, tab.is_space, tab.is_stop
        lower_stop = self.lower_stop
        # a token that can be (part of) such a name: a lower-case word of letters, digits and & . - '
        # (the flags first; a word of letters only passes the character scans without them)
        ok = [
            not (sp or u or st) and t[:1].islower() and low not in lower_stop
            and (t.isalpha() or (any(c.isalpha() for c in t) and all(c.isalnum() or c in "&.-'" for c in t)))
            for t, low, sp, u, st in zip(texts, lowers, is_space, in_url, is_stop)
        ]
        for i in [i for i in range(n) if ok[i]]:
            prev = lowers[i - 1] if i > 0 else ""
            for j in range(i + 1, min(n, i + 4)):
                if not ok[j - 1]:
                    break
                nxt = lowers[j]
                if prev in self.lower_prev or nxt in self.lower_next or (nxt in self.role_heads and prev in {"the", "that", "this", "for", "a"}):
                    add(i, j, "lower")

    def role_candidates(self, doc: Doc, url_spans: list[tuple[int, int]], tokens: DraftTokens | None = None) -> list[Candidate]:
        """Role spans: a head word, its modifiers and the title's suffixes (see :mod:`.role_spans`).

        ``tokens``: :meth:`tokens` of ``doc`` and ``url_spans``, when the caller has them already.
        """
        d = tokens if tokens is not None else self.tokens(doc, url_spans)
        tab, sent_flags, doc_f = d.tab, d.sent_flags, d.doc_features
        org_words = self._org_words(tab, url_spans)
        cands: list[Candidate] = []
        seen: set[tuple[int, int]] = set()
        for s, e, head, kinds in self.role_spans.spans(tab, d.in_url):
            if tab.lowers[head] in self.generic_heads and e == head + 1 and not kinds:
                # "marketing role": propose "marketing" (the role family) and the whole span
                if s == head:
                    continue
                if tab.span_text(s, head).strip() and not tab.is_punct[head - 1] and (s, head) not in seen:
                    seen.add((s, head))
                    cands.append(self._role_candidate(tab, s, head, head - 1, sent_flags, doc_f, ("before_generic",), org_words, d.context))
                kinds = ("head_generic",)
            if (s, e) in seen:
                continue
            seen.add((s, e))
            cands.append(self._role_candidate(tab, s, e, head, sent_flags, doc_f, kinds, org_words, d.context))
        return cands

    @staticmethod
    def _org_words(tab: TokenTable, url_spans: list[tuple[int, int]]) -> frozenset[str]:
        """Words that look like a company elsewhere in the draft: after "at"/"@"/"join", or in a URL."""
        lowers = tab.lowers
        out = {lowers[i + 1] for i in range(tab.n - 1) if lowers[i] in ("at", "@", "join", "joining")}
        for s, e in url_spans:
            out.update(w for w in re.split(r"[^a-z0-9]+", tab.text[s:e].lower()) if len(w) > 1)
        return frozenset(out)

    def _role_candidate(
        self, tab: TokenTable, s: int, e: int, head: int, sent_flags: list[dict[str, float]], doc_f: Mapping[str, float],
        kinds: tuple[str, ...], org_words: frozenset[str] = frozenset(), context: dict | None = None,
    ) -> Candidate:
        """The candidate for tokens ``s:e`` with head token ``head``, and its features."""
        texts, lowers, is_alpha, n = tab.texts, tab.lowers, tab.is_alpha, tab.n
        span_text = tab.span_text(s, e)
        f = {"bias": 1.0, "h:" + lowers[head]: 1.0, "n:" + str(min(e - s, 8)): 1.0, "t:" + span_text.lower(): 1.0}
        f["first:" + lowers[s]] = 1.0
        f["last:" + lowers[e - 1]] = 1.0
        if lowers[e - 1] in self.generic_heads:
            f["ends_generic"] = 1.0
        for k in kinds:
            f["ext:" + k] = 1.0
        f["exts:" + "+".join(kinds)] = 1.0
        if kinds and kinds[-1] != "generic" and e < n and lowers[e] in self.generic_heads:
            f["before_generic_after_ext"] = 1.0
        if s < head:
            f["has_modifier"] = 1.0
        if texts[s][:1].isupper():
            f["cap"] = 1.0
        if all(texts[i][:1].isupper() or not is_alpha[i] or lowers[i] in ("of", "and", "for") for i in range(s, e)):
            f["title_case"] = 1.0
        if e < n:
            nxt = texts[e]
            if (nxt[:1].isupper() or nxt in (",", "(", "–", "-")) and nxt != "I":
                f["next_titleish:" + ("punct" if tab.is_punct[e] else "word")] = 1.0
        prev = lowers[max(0, s - 2) : s]
        if prev[-2:] in (["as", "a"], ["as", "an"]) or prev[-1:] == ["as"]:
            f["as_a"] = 1.0
        words = [texts[i] for i in range(s, e) if is_alpha[i]]
        if len(words) > 1 and words[0][:1].isupper() and any(w.islower() for w in words[1:]):
            f["cap_then_lower"] = 1.0  # "JD Sports weekend sales assistant": a company in front?
        if s < head and lowers[s] in org_words:
            f["starts_with_org_word"] = 1.0
        if any(low in ("or", "/") for low in lowers[s:head]):
            f["left_or"] = 1.0
        if "(" in span_text and any(c.isdigit() for c in span_text[span_text.index("(") :]):
            f["paren_digits"] = 1.0
        f.update(sent_flags[s])
        self._add_context(f, tab, s, e, "", {} if context is None else context)
        return Candidate(tab.idx[s], tab.end_char(e), span_text, f, doc_f)

    @staticmethod
    def rank(model: "LinearModel", cands: list[Candidate]) -> tuple[Candidate | None, float]:
        """Best candidate of ``doc`` and its probability under ``model`` (a binary candidate classifier)."""
        if not cands:
            return None, 0.0
        return CandidateProposer.rank_many([(model, cands)])[0]

    @staticmethod
    def rank_many(jobs: list[tuple["LinearModel", list[Candidate]]]) -> list[tuple[Candidate | None, float]]:
        """:meth:`rank` of each ``(model, candidates)``, all scored in one gather (:func:`~.ranking.many_scores`)."""
        todo = [(model, cands, int(model.manifest.get("featurizer", {}).get("n_bits", RANKER_BITS))) for model, cands in jobs if cands]
        scores = iter(many_scores(todo))
        out: list[tuple[Candidate | None, float]] = []
        for _, cands in jobs:
            if not cands:
                out.append((None, 0.0))
                continue
            z = next(scores)
            k = int(np.argmax(z))
            out.append((cands[k], float(1.0 / (1.0 + np.exp(-z[k])))))
        return out
