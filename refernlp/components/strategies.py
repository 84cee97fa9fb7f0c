"""Politeness strategies with character spans.

The 20 strategies of Danescu-Niculescu-Mizil et al. (ACL 2013) plus markers that
matter in referral requests (bare imperatives, demands, guilt, presumption,
sarcasm, swearing, shouting, grovelling, easy outs, offers to help, compliments).
Phrase lists and word sets live in ``refernlp/lexicons/strategies.json``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from ..resources import lexicon
from .base import Mark, build_phrase_matcher, ensure_extensions, first_word_index

_SENT_START_RULES = ("please_start", "first_person_start", "second_person_start", "deference", "direct_start")
_TOKEN_RULES = ("first_person", "first_person_plural", "second_person", "positive_lexicon", "negative_lexicon")
_IMPERATIVE_SKIP = frozenset({"just", "please", "pls", "plz", "kindly", "and", "also", "now", "so", "then", "ok", "okay", "oh", "anyway"})
_NOT_COMMANDS = (
    "let me", "let us", "let's", "lets", "keep me in mind", "keep me posted", "keep in touch", "keep me updated",
    "talk soon", "talk later", "speak soon", "speak later", "see attached", "find attached", "find enclosed",
    "find my cv attached", "find my resume attached", "check attached", "look forward", "looking forward",
    "get in touch", "help me understand", "make sure to take care", "drop me a line if", "ask away",
    "do let me know", "do you", "do u", "give me a shout", "hand on heart", "shoot me a message if",
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
        self.words = {k: frozenset(v["words"]) for k, v in spec.items() if "words" in v}
        self.greetings_multi = [tuple(g.split()) for g in self.words["greeting"] if " " in g]
        self.not_commands = [tuple(nlp.make_doc(p).to_array("LOWER")) for p in _NOT_COMMANDS]
        self.modal_pairs = {
            k: {tuple(w.split()) for w in self.words[k]} for k in ("subjunctive", "indicative")
        }
        self.strategy_names = tuple(spec)

    def _mark(self, doc: Doc, name: str, start_tok: int, end_tok: int) -> Mark:
        span = doc[start_tok:end_tok]
        return Mark(
            span.start_char, span.end_char, name, "strategy", self.polarity[name], span.text
        )

    def __call__(self, doc: Doc) -> Doc:
        marks: list[Mark] = []
        by_name: dict[str, list] = {}
        for match_id, start, end in self.matcher(doc):
            name = doc.vocab.strings[match_id]
            by_name.setdefault(name, []).append(doc[start:end])
        for name, spans in by_name.items():
            for span in filter_spans(spans):
                marks.append(self._mark(doc, name, span.start, span.end))

        lowers = [t.lower_ for t in doc]
        for i, low in enumerate(lowers):
            for name in _TOKEN_RULES:
                if low in self.words[name]:
                    marks.append(self._mark(doc, name, i, i + 1))
            if i + 1 < len(doc):
                pair = (low, lowers[i + 1])
                for name, pairs in self.modal_pairs.items():
                    if pair in pairs:
                        marks.append(self._mark(doc, name, i, i + 2))

        for sent in doc.sents:
            self._sentence_rules(doc, sent, marks)
        self._shouting(doc, marks)
        doc._.strategies = sorted(set(marks))
        return doc

    def _sentence_rules(self, doc: Doc, sent, marks: list[Mark]) -> None:
        toks = list(sent)
        k = first_word_index(toks)
        if k is None:
            return
        first = toks[k]
        low = first.lower_
        gi = first.i
        for name in _SENT_START_RULES:
            if low in self.words[name]:
                marks.append(self._mark(doc, name, gi, gi + 1))
        greet_len = 0
        if low in self.words["greeting"]:
            greet_len = 1
        else:
            for g in self.greetings_multi:
                if tuple(t.lower_ for t in toks[k : k + len(g)]) == g:
                    greet_len = len(g)
        if greet_len:
            marks.append(self._mark(doc, "greeting", gi, gi + greet_len))
        text = sent.text.rstrip()
        is_question = text.endswith("?") or "?" in text[-3:]
        if is_question and low in self.words["direct_question"]:
            marks.append(self._mark(doc, "direct_question", sent.start, sent.end))
        # bare imperative: first word after optional softeners (and after a greeting + comma)
        start = k
        if greet_len:
            commas = [j for j, t in enumerate(toks) if t.text in {",", "!", "-", ":"} and j > k]
            if not commas:
                return
            start = commas[0] + 1
        j = first_word_index(toks[start:], _IMPERATIVE_SKIP)
        if j is None:
            return
        verb = toks[start + j]
        if verb.lower_ not in self.words["bare_imperative"] or is_question:
            return
        if not (verb.text[:1].isupper() or verb.i == 0 or start + j > k or verb.lower_ == low):
            return
        nxt = toks[start + j + 1].lower_ if start + j + 1 < len(toks) else ""
        if nxt in {"you", "u", "ya", "ing", "'s"}:
            return
        if verb.lower_ in {"find", "see", "check"} and any(t.lower_ in {"attached", "enclosed", "below", "attachment"} for t in toks):
            return  # "Please find my CV attached" is a courtesy formula, not an order
        window = tuple(t.lower for t in toks[start + j : start + j + 6])
        for exc in self.not_commands:
            if window[: len(exc)] == exc:
                return
        end = sent.end
        while end > verb.i + 1 and doc[end - 1].is_space:
            end -= 1
        marks.append(self._mark(doc, "bare_imperative", verb.i, end))

    def _shouting(self, doc: Doc, marks: list[Mark]) -> None:
        acronyms = self.words["shouting"]
        run: list[int] = []

        def flush() -> None:
            if len(run) >= 2:
                marks.append(self._mark(doc, "shouting", run[0], run[-1] + 1))

        for tok in doc:
            word = tok.text
            if tok.is_alpha and len(word) >= 2 and word.isupper() and tok.lower_ not in acronyms:
                run.append(tok.i)
            elif tok.is_space or (tok.is_punct and tok.text not in {".", "!", "?", "\n"}) or (
                tok.is_alpha and word.isupper() and tok.lower_ in acronyms
            ):
                continue
            else:
                flush()
                run = []
            if word.count("!") >= 2 or (word == "!" and tok.i + 1 < len(doc) and doc[tok.i + 1].text == "!"):
                if not marks or marks[-1].name != "shouting" or marks[-1].end < tok.idx:
                    marks.append(self._mark(doc, "shouting", tok.i, tok.i + 1))
        flush()


@Language.factory("refernlp_strategies", assigns=["doc._.strategies"], requires=["token.is_sent_start"])
def make_strategy_detector(nlp: Language, name: str) -> StrategyDetector:
    return StrategyDetector(nlp, name)
