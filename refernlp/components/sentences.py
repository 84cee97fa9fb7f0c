"""Sentence segmentation tuned for messages: line breaks and bullets end sentences too."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

_ENDERS = {".", "!", "?", "…", "!!", "??", "?!", "!?", "...", ".."}
_ABBREV = {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "e.g", "i.e", "etc", "jr", "sr", "no", "inc", "ltd", "co"}


class SentenceSplitter:
    """Sets ``is_sent_start``: after . ! ? (not abbreviations), and at every line break."""

    def __init__(self, nlp: Language, name: str = "refernlp_sentences") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        starts = [False] * n
        starts[0] = True
        for i, tok in enumerate(doc[:-1]):
            nxt = i + 1
            if tok.is_space and "\n" in tok.text:
                starts[nxt] = True
            elif tok.text in _ENDERS or (tok.text and set(tok.text) <= set(".!?…") and len(tok.text) > 1):
                prev = doc[i - 1].lower_ if i > 0 else ""
                if tok.text == "." and prev in _ABBREV:
                    continue
                # a run of closing punctuation stays in the sentence it closes
                if doc[nxt].is_punct and (doc[nxt].text in {")", '"', "'", "]"} or set(doc[nxt].text) <= set(".!?…")):
                    continue
                starts[nxt] = True
        for i, tok in enumerate(doc):
            # spaCy keeps only a single space as trailing whitespace: any newline is a
            # space token of its own, handled above
            tok.is_sent_start = starts[i]
        return doc


@Language.factory("refernlp_sentences")
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(nlp, name)
