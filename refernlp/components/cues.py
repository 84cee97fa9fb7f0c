"""Ask and relationship cues: what the draft asks for, and what it says about the tie."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..resources import lexicon
from .base import (
    Mark,
    TokenTable,
    build_phrase_matcher,
    ensure_extensions,
    filter_bounds,
    inside_word,
    mark_order,
    placeholder_spans,
)

ASK_KINDS = ("referral", "keep_in_mind", "introduction", "advice")
#: ``known``: the sender says they know the recipient already ("we were in the same class"), whoever else is named
RELATIONSHIP_KINDS = ("reconnect", "met_once", "cold", "mutual", "close", "known")
#: ``group``: a post addressed to many people ("Hi all"); ``request``: a plain request that is not a referral ask
#: ("I humbly request", "I was hoping you could")
OTHER_KINDS = ("resume", "bond", "goal_statement", "location", "level", "group", "request")


class CueDetector:
    """Writes ``doc._.cues``: a list of :class:`Mark` with category ``ask``, ``relationship`` or another cue kind."""

    def __init__(self, nlp: Language, name: str = "refernlp_cues") -> None:
        ensure_extensions()
        self.name = name
        spec = lexicon("cues")
        groups: dict[str, list[str]] = {}
        self.category: dict[str, str] = {}
        for kind in ASK_KINDS:
            groups[kind] = spec["asks"][kind]
            self.category[kind] = "ask"
        for kind in RELATIONSHIP_KINDS:
            groups[kind] = spec["relationship"][kind]
            self.category[kind] = "relationship"
        for kind in OTHER_KINDS:
            groups[kind] = spec[kind]
            self.category[kind] = kind
        self.matcher = build_phrase_matcher(nlp, groups)

    def __call__(self, doc: Doc) -> Doc:
        by_kind: dict[str, list] = {}
        for match_id, start, end in self.matcher(doc):
            by_kind.setdefault(doc.vocab.strings[match_id], []).append((start, end))
        marks = []
        tab = TokenTable.of(doc)
        text = tab.text
        holes = placeholder_spans(text)
        for kind, spans in by_kind.items():
            for start, end in filter_bounds(spans):
                # the span's characters from the token table (Span.start_char, end_char, text)
                sc, ec = tab.idx[start], tab.end_char(end)
                if inside_word(doc, start, end, tab) or any(a < ec and sc < b for a, b in holes):
                    continue
                marks.append(Mark(sc, ec, kind, self.category[kind], "neutral", text[sc:ec]))
        doc._.cues = sorted(marks, key=mark_order)
        return doc


@Language.factory("refernlp_cues", assigns=["doc._.cues"], requires=["token.is_sent_start"])
def make_cue_detector(nlp: Language, name: str) -> CueDetector:
    return CueDetector(nlp, name)
