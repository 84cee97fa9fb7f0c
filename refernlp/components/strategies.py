"""Politeness strategies with character spans.

The 20 strategies of Danescu-Niculescu-Mizil et al. (ACL 2013) plus markers that
matter in referral requests (bare imperatives, demands, guilt, presumption,
sarcasm, swearing, shouting, grovelling, easy outs, offers to help, compliments).
Phrase lists and word sets live in ``refernlp/lexicons/strategies.json``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc

from ..resources import lexicon
from .base import (
    ALNUM_CHAR,
    Mark,
    TokenTable,
    build_phrase_matcher,
    ensure_extensions,
    filter_bounds,
    inside_word,
    mark_order,
    placeholder_spans,
    word_hashes,
)

_SENT_START_RULES = ("please_start", "first_person_start", "second_person_start", "deference", "direct_start")
_TOKEN_RULES = ("first_person", "first_person_plural", "second_person", "positive_lexicon", "negative_lexicon")
_IMPERATIVE_SKIP = frozenset({"just", "please", "pls", "plz", "kindly", "and", "also", "now", "so", "then", "ok", "okay", "oh", "anyway"})
_IMPERATIVE_SKIP_HASHES = word_hashes(_IMPERATIVE_SKIP)
_COMMA_HASHES = word_hashes({",", "!", "-", ":"})
_STOPS = word_hashes({".", "!", "?", "\n"})
_BANG = hash_string("!")
_KINDLY = hash_string("kindly")
_DO = hash_string("do")
_FIND_SEE_CHECK = word_hashes({"find", "see", "check"})
_ATTACHED = word_hashes({"attached", "enclosed", "below", "attachment"})
_NOT_COMMANDS = (
    "let me", "let us", "let's", "lets", "keep me in mind", "keep me posted", "keep in touch", "keep me updated",
    "talk soon", "talk later", "speak soon", "speak later", "see attached", "find attached", "find enclosed",
    "find my cv attached", "find my resume attached", "check attached", "look forward", "looking forward",
    "get in touch", "help me understand", "make sure to take care", "drop me a line if", "ask away",
    "do let me know", "do you", "do u", "give me a shout", "hand on heart", "shoot me a message if",
    "update for", "update on", "update from", "quick update", "do i", "do we", "call for", "email from", "text from",
)


class StrategyDetector:
    """Finds politeness strategies; writes ``doc._.strategies`` (a list of :class:`Mark`)."""

    def __init__(self, nlp: Language, name: str = "refernlp_strategies") -> None:
        ensure_extensions()
        self.name = name
        spec = lexicon("strategies")["strategies"]
        self.polarity = {k: v["polarity"] for k, v in spec.items()}
        self.phrases = {k: v["phrases"] for k, v in spec.items() if "phrases" in v}
        self.matcher = build_phrase_matcher(nlp, self.phrases)
        # "unless": phrases inside which a strategy's match means something else ("start immediately" is no demand)
        self.unless = build_phrase_matcher(nlp, {k: v["unless"] for k, v in spec.items() if v.get("unless")})
        self.words = {k: frozenset(v["words"]) for k, v in spec.items() if "words" in v}
        self.greetings_multi = [tuple(g.split()) for g in self.words["greeting"] if " " in g]
        self.not_commands = [tuple(nlp.make_doc(p).to_array("LOWER")) for p in _NOT_COMMANDS]
        self.modal_pairs = {
            k: {tuple(w.split()) for w in self.words[k]} for k in ("subjunctive", "indicative")
        }
        self.strategy_names = tuple(spec)
        # the same word sets as StringStore hashes, compared with Doc.to_array(LOWER) values
        self.word_hashes = {k: word_hashes(v) for k, v in self.words.items()}
        rules: dict[int, tuple[str, ...]] = {}
        for name in _TOKEN_RULES:  # per hash: the rules it fires, in rule order
            for h in self.word_hashes[name]:
                rules[h] = rules.get(h, ()) + (name,)
        self.token_rule_hashes = {h: tuple(n for n in _TOKEN_RULES if n in names) for h, names in rules.items()}
        self.modal_pair_hashes = {
            k: {tuple(hash_string(w) for w in pair) for pair in pairs} for k, pairs in self.modal_pairs.items()
        }
        self.pair_firsts = frozenset(p[0] for pairs in self.modal_pair_hashes.values() for p in pairs)
        self.greetings_multi_hashes = [tuple(hash_string(w) for w in g) for g in self.greetings_multi]
        self.not_commands = [tuple(int(h) for h in exc) for exc in self.not_commands]
        self.acronym_hashes = self.word_hashes["shouting"]
        #: common words ("THE", "YOU", "REFER"): capitals that hold one are a raised voice, not a list of acronyms
        self.voice_hashes = word_hashes(spec["shouting"].get("voice", ()))
        #: words a command may follow ("bro refer me", "Sis, send my resume", "yes, refer me")
        self.vocative_hashes = frozenset(hash_string(w) for w in spec["bare_imperative"].get("after", ()))

    def _mark(self, tab: TokenTable, name: str, start_tok: int, end_tok: int) -> Mark:
        # a span's characters, read from the token table (the same as Span.start_char, end_char, text)
        sc, ec = tab.idx[start_tok], tab.idx[end_tok - 1] + tab.length[end_tok - 1]
        return Mark(sc, ec, name, "strategy", self.polarity[name], tab.text[sc:ec])

    def __call__(self, doc: Doc) -> Doc:
        tab = TokenTable.of(doc)
        marks: list[Mark] = []
        by_name: dict[str, list] = {}
        for match_id, start, end in self.matcher(doc):
            name = doc.vocab.strings[match_id]
            by_name.setdefault(name, []).append((start, end))
        excused: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self.unless(doc):
            excused.setdefault(doc.vocab.strings[match_id], []).append((start, end))
        for name, spans in by_name.items():
            for start, end in filter_bounds(spans):
                if inside_word(doc, start, end, tab):
                    continue
                if any(a <= start and end <= b for a, b in excused.get(name, ())):
                    continue
                marks.append(self._mark(tab, name, start, end))

        # word rules, in token order (then rule order) as before: only tokens whose
        # lower-case form is in some rule's word set, or starts a modal pair, are visited
        lowers = tab.lower
        n = tab.n
        token_rules, pair_firsts = self.token_rule_hashes, self.pair_firsts
        for i in [i for i, low in enumerate(lowers) if low in token_rules or low in pair_firsts]:
            low = lowers[i]
            for name in token_rules.get(low, ()):
                marks.append(self._mark(tab, name, i, i + 1))
            if i + 1 < n:
                pair = (low, lowers[i + 1])
                for name, pairs in self.modal_pair_hashes.items():
                    if pair in pairs:
                        marks.append(self._mark(tab, name, i, i + 2))

        for start, end in tab.sents:
            self._sentence_rules(tab, start, end, marks)
        self._shouting(tab, marks)
        # a template's [Name] or {COMPANY} is not the writer's words: nothing inside it is a strategy
        holes = placeholder_spans(tab.text)
        if holes:
            marks = [m for m in marks if not any(a < m.end and m.start < b for a, b in holes)]
        doc._.strategies = sorted(set(marks), key=mark_order)
        return doc

    def _first_word(self, tab: TokenTable, start: int, end: int, skip: frozenset[int] = frozenset()) -> int | None:
        """:func:`first_word_index` over tokens ``start:end`` of the table: the Doc index, or None."""
        is_space, is_punct, lower = tab.is_space, tab.is_punct, tab.lower
        for i in range(start, end):
            if is_space[i] or is_punct[i] or ALNUM_CHAR.search(tab.tok_text(i)) is None:
                continue
            if lower[i] in skip:
                continue
            return i
        return None

    def _sentence_rules(self, tab: TokenTable, s: int, e: int, marks: list[Mark]) -> None:
        # the sentence is tokens s:e; indices below are Doc indices (the old code's
        # sentence-local k, start, j are gi - s, start - s, verb - start)
        gi = self._first_word(tab, s, e)
        if gi is None:
            return
        lower = tab.lower
        low = lower[gi]
        words = self.word_hashes
        for name in _SENT_START_RULES:
            if low in words[name]:
                marks.append(self._mark(tab, name, gi, gi + 1))
        greet_len = 0
        if low in words["greeting"]:
            greet_len = 1
        else:
            for g in self.greetings_multi_hashes:
                if tuple(lower[gi : min(e, gi + len(g))]) == g:
                    greet_len = len(g)
        if greet_len:
            marks.append(self._mark(tab, "greeting", gi, gi + greet_len))
        text = tab.text[tab.idx[s] : tab.idx[e - 1] + tab.length[e - 1]].rstrip()
        is_question = text.endswith("?") or "?" in text[-3:]
        if is_question and low in words["direct_question"]:
            marks.append(self._mark(tab, "direct_question", s, e))
        # bare imperative: first word after optional softeners (and after a greeting + comma)
        start = gi
        if greet_len:
            orth = tab.orth
            commas = [j for j in range(gi + 1, e) if orth[j] in _COMMA_HASHES]
            if not commas:
                return
            start = commas[0] + 1
        elif low in self.vocative_hashes or (tab.tok_text(gi)[:1].isupper() and gi + 1 < e and tab.orth[gi + 1] in _COMMA_HASHES):
            # "bro refer me …", "Kieran, send …": the command follows a form of address
            start = gi + 1
        vi = self._first_word(tab, start, e, _IMPERATIVE_SKIP_HASHES)
        if vi is None:
            return
        verb_low = lower[vi]
        if verb_low not in words["bare_imperative"] or is_question:
            return
        if not (tab.tok_text(vi)[:1].isupper() or vi == 0 or vi > gi or verb_low == low):
            return
        nxt = tab.lower_(vi + 1) if vi + 1 < e else ""
        if nxt in {"you", "u", "ya", "ing", "'s"}:
            return
        if nxt in {":", "-", "–", "|"}:
            return  # a label ("Email: ...", "Phone - ..."): a signature line, not an order
        if _KINDLY in lower[start:vi]:
            return  # "Kindly refer me …", "kindly do the needful": formal (Indian, West African) English for a polite request
        if verb_low == _DO and nxt in {"n't", "not", "nt"}:
            return  # "don't be offended", "don't hesitate", "don't feel obliged": softeners, not orders
        if verb_low in _FIND_SEE_CHECK and any(h in _ATTACHED for h in lower[s:e]):
            return  # "Please find my CV attached" is a courtesy formula, not an order
        window = tuple(lower[vi : min(e, vi + 6)])
        for exc in self.not_commands:
            if window[: len(exc)] == exc:
                return
        end = e
        while end > vi + 1 and tab.is_space[end - 1]:
            end -= 1
        marks.append(self._mark(tab, "bare_imperative", vi, end))

    def _shouting(self, tab: TokenTable, marks: list[Mark]) -> None:
        acronyms, voice = self.acronym_hashes, self.voice_hashes
        run: list[int] = []

        def flush() -> None:
            # two capitalised words, one of them at least three letters long ("AP/AR" is two acronyms),
            # that read as a raised voice: a common word among them ("THANK YOU", "ANY LEADS YET"), four
            # or more words, or a word of 5+ letters in a draft written mostly in capitals; "APICS CSCP" or
            # "NSW/ACT" are acronyms
            if len(run) >= 2 and any(length[j] >= 3 for j in run) and (
                len(run) >= 4 or any(length[j] >= 3 and lower[j] in voice for j in run) or (any(length[j] >= 5 for j in run) and mostly_upper())
            ):
                marks.append(self._mark(tab, "shouting", run[0], run[-1] + 1))

        caps: list[bool] = []

        def mostly_upper() -> bool:
            # more than half of the draft's letters are capitals (computed once, when first needed)
            if not caps:
                letters = [c for c in tab.text if c.isalpha()]
                caps.append(sum(c.isupper() for c in letters) * 2 > len(letters))
            return caps[0]

        n = tab.n
        is_alpha, is_space, is_punct, is_upper, length, lower, orth = (
            tab.is_alpha, tab.is_space, tab.is_punct, tab.is_upper, tab.length, tab.lower, tab.orth
        )
        bang = "!" in tab.text
        if not any(a and u and k >= 2 for a, u, k in zip(is_alpha, is_upper, length)):
            # no upper-case word, so no run to flush: only the "!!" rule below can fire
            if not bang:
                return
            visit = [i for i in range(n) if not is_alpha[i] and "!" in tab.tok_text(i)]
        else:
            visit = range(n)
        for i in visit:
            if is_alpha[i] and length[i] >= 2 and is_upper[i] and lower[i] not in acronyms:
                run.append(i)
            elif is_space[i] or (is_punct[i] and orth[i] not in _STOPS) or (is_alpha[i] and is_upper[i] and lower[i] in acronyms):
                continue
            else:
                if run:
                    flush()
                    run = []
            if bang and not is_alpha[i]:
                word = tab.tok_text(i)
                if word.count("!") >= 2 or (word == "!" and i + 1 < n and orth[i + 1] == _BANG):
                    if not marks or marks[-1].name != "shouting" or marks[-1].end < tab.idx[i]:
                        marks.append(self._mark(tab, "shouting", i, i + 1))
        flush()


@Language.factory("refernlp_strategies", assigns=["doc._.strategies"], requires=["token.is_sent_start"])
def make_strategy_detector(nlp: Language, name: str) -> StrategyDetector:
    return StrategyDetector(nlp, name)
