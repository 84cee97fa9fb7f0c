"""Sentence segmentation tuned for messages: line breaks and bullets end sentences too."""

from __future__ import annotations

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .base import TokenTable, word_hashes

_ENDERS = {".", "!", "?", "…", "!!", "??", "?!", "!?", "...", ".."}
_ABBREV = {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "e.g", "i.e", "etc", "jr", "sr", "no", "inc", "ltd", "co"}
_ABBREV_HASHES = word_hashes(_ABBREV)
_END_CHARS = frozenset(".!?…")
_CLOSERS = frozenset({")", '"', "'", "]"})


class SentenceSplitter:
    """Sets ``is_sent_start``: after . ! ? (not abbreviations), and at every line break."""

    def __init__(self, nlp: Language, name: str = "refernlp_sentences") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        # token attributes read in one array call (a Token object per token per
        # access made this loop the pipeline's second cost); same rules as before
        tab = TokenTable.of(doc)
        text, idx, length, lower, is_space, is_punct = tab.text, tab.idx, tab.length, tab.lower, tab.is_space, tab.is_punct
        starts = [False] * n
        starts[0] = True
        # only space and punctuation tokens can end a sentence (every ender is punctuation)
        for i in [i for i in range(n - 1) if is_space[i] or is_punct[i]]:
            a = idx[i]
            tok = text[a : a + length[i]]
            nxt = i + 1
            if is_space[i]:
                if "\n" in tok:
                    starts[nxt] = True
                    continue
            if tok in _ENDERS or (tok and set(tok) <= _END_CHARS and len(tok) > 1):
                if tok == "." and i > 0 and lower[i - 1] in _ABBREV_HASHES:
                    continue
                # a run of closing punctuation stays in the sentence it closes
                if is_punct[nxt]:
                    b = idx[nxt]
                    nt = text[b : b + length[nxt]]
                    if nt in _CLOSERS or set(nt) <= _END_CHARS:
                        continue
                starts[nxt] = True
        # spaCy keeps only a single space as trailing whitespace: any newline is a
        # space token of its own, handled above. Set every boundary in one array
        # write: the ``Token.is_sent_start`` setter scans the whole Doc on each call,
        # which made a long draft quadratic (a 100,000-character line took seconds).
        values = np.where(np.asarray(starts, dtype=bool), 1, -1).astype(np.int32)
        doc.from_array([SENT_START], values.astype(np.uint64))
        tab.set_sentence_starts(starts)
        return doc


@Language.factory("refernlp_sentences", assigns=["token.is_sent_start"])
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(nlp, name)
