"""Features for training: sparse n-gram matrices of many drafts, embeddings appended, slot-ranker candidate rows."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..features import FeatureConfig, named_features, text_features
from ..pipeline import doc_cues, doc_words, make_nlp
from .config import Progress


# --- featurisation --------------------------------------------------------------
class Featurizer:
    """Runs the pipeline once per text and caches everything training needs."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.nlp = make_nlp()
        self.slots = self.nlp.get_pipe("refernlp_slots")
        self.progress = progress

    def docs(self, texts: Sequence[str]) -> list:
        """Processed Docs of ``texts``; each distinct text runs through the pipeline once per Featurizer."""
        from ..textio import prepare

        cache = self.__dict__.setdefault("_doc_cache", {})
        prepared = [prepare(t).text for t in texts]
        todo = list(dict.fromkeys(p for p in prepared if p not in cache))
        step = max(1, len(todo) // 10)
        for i, doc in enumerate(self.nlp.pipe(todo, batch_size=128)):
            cache[todo[i]] = doc
            if self.progress and (i + 1) % step == 0:
                self.progress(f"featurised {i + 1}/{len(todo)} texts")
        return [cache[p] for p in prepared]

    def embeddings(self, texts: Sequence[str], encoder) -> np.ndarray:
        """Sentence embeddings of the prepared texts (cached: each text is encoded once)."""
        from ..textio import prepare

        # one cache per encoder: a fine-tuned encoder gives other embeddings for the same text
        cache = self.__dict__.setdefault("_emb_cache", {}).setdefault(getattr(encoder, "fingerprint", "") or id(encoder), {})
        todo = sorted({prepare(t).text for t in texts} - set(cache))
        if todo:
            if self.progress:
                self.progress(f"encoding {len(todo)} texts with {encoder.name}")
            for start in range(0, len(todo), 256):
                chunk = todo[start : start + 256]
                for t, e in zip(chunk, encoder.encode(chunk)):
                    cache[t] = e
                if self.progress:
                    self.progress(f"featurised {min(start + 256, len(todo))}/{len(todo)} texts")
        return np.stack([cache[prepare(t).text] for t in texts]) if texts else np.zeros((0, encoder.dim), dtype=np.float32)

    def hybrid(self, texts: Sequence[str], config: FeatureConfig, encoder=None, weight: float = 1.0):
        """The sparse feature matrix, with the encoder's embeddings appended when ``encoder`` is given."""
        X = self.matrix(self.docs(list(texts)), config)
        return X if encoder is None else self.with_embeddings(X, texts, encoder, weight)

    def with_embeddings(self, X, texts: Sequence[str], encoder, weight: float = 1.0):
        """``X`` (rows for ``texts``) with the encoder's embeddings × ``weight`` appended as columns."""
        from scipy.sparse import csr_matrix, hstack

        return hstack([X, csr_matrix(self.embeddings(texts, encoder).astype(np.float64) * weight)]).tocsr()

    def matrix(self, docs: Sequence, config: FeatureConfig):
        """CSR feature matrix of ``docs`` (rows cached per text and configuration)."""
        from scipy.sparse import csr_matrix

        cache = self.__dict__.setdefault("_row_cache", {})
        indptr, indices, values = [0], [], []
        for doc in docs:
            key = (config, doc.text)
            if key not in cache:
                row = text_features(doc_words(doc), doc.text, doc_cues(doc), config)
                cache[key] = sorted(row.items())
            for k, v in cache[key]:
                indices.append(k)
                values.append(v)
            indptr.append(len(indices))
        return csr_matrix((np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)), shape=(len(docs), 1 << config.n_bits))


def ranker_rows(featurizer: Featurizer, task: str, docs: Sequence, gold: Sequence[str | None]):
    """Candidates of every doc with binary labels (candidate text == gold)."""
    from ..components.slots import url_spans

    ext = featurizer.slots
    rows, ys, groups = [], [], []
    for gi, (doc, g) in enumerate(zip(docs, gold)):
        urls = url_spans(doc.text)
        if task == "company":
            names = {doc.text[v[0] : v[1]] for k, v in (doc._.slot_spans or {}).items() if k in ("recipient_name", "sender_name", "mutual_contact") and v}
            cands = ext.candidates.company_candidates(doc, urls, names)
        else:
            cands = ext.candidates.role_candidates(doc, urls)
        for c in cands:
            rows.append(c)
            ys.append(int(g is not None and c.text == g))
            groups.append(gi)
    return rows, ys, groups


def ranker_matrix(cands, n_bits: int):
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for c in cands:
        row = named_features(c.all_features(), n_bits)
        for k in sorted(row):
            indices.append(k)
            values.append(row[k])
        indptr.append(len(indices))
    return csr_matrix((np.asarray(values), np.asarray(indices, dtype=np.int64), np.asarray(indptr)), shape=(len(cands), 1 << n_bits))
