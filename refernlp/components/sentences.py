"""Sentence segmentation tuned for messages: line breaks and bullets end sentences too."""

from __future__ import annotations

import numpy as np
from spacy.attrs import SENT_START
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
        # spaCy keeps only a single space as trailing whitespace: any newline is a
        # space token of its own, handled above. Set every boundary in one array
        # write: the ``Token.is_sent_start`` setter scans the whole Doc on each call,
        # which made a long draft quadratic (a 100,000-character line took seconds).
        values = np.where(np.asarray(starts, dtype=bool), 1, -1).astype(np.int32)
        doc.from_array([SENT_START], values.astype(np.uint64))
        return doc


@Language.factory("refernlp_sentences", assigns=["token.is_sent_start"])
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(nlp, name)
