"""Hashed sparse features shared by training (scikit-learn) and inference (numpy only).

Feature strings are mapped to columns with CRC-32 (stable across processes and
platforms, unlike Python's ``hash``), so no vocabulary has to be stored or
parsed at load time. Each feature group is log-scaled and L2-normalised on its
own, then weighted, so long drafts and short ones are comparable.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterable, Mapping

_NUM = re.compile(r"^\d[\d,.]*$")
_URLISH = re.compile(r"^(?:https?://|www\.)|\.(?:com|io|org|net|co)(?:/|$)")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class FeatureConfig:
    """How a draft becomes a feature vector. Stored in every model manifest."""

    n_bits: int = 18
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    word_weight: float = 1.0
    char_weight: float = 1.0
    cue_weight: float = 1.0
    use_cues: bool = True

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["word_ngrams"] = list(self.word_ngrams)
        d["char_ngrams"] = list(self.char_ngrams)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> "FeatureConfig":
        known = {f for f in cls.__dataclass_fields__}
        kw = {k: v for k, v in d.items() if k in known}
        for key in ("word_ngrams", "char_ngrams"):
            if key in kw:
                kw[key] = tuple(kw[key])  # type: ignore[arg-type]
        return cls(**kw)  # type: ignore[arg-type]


def column(feature: str, n_bits: int) -> int:
    """The hashed column of a feature string."""
    return zlib.crc32(feature.encode("utf-8")) & ((1 << n_bits) - 1)


def normalise_word(w: str) -> str:
    if _NUM.match(w):
        return "<num>"
    if _URLISH.search(w):
        return "<url>"
    if "@" in w and "." in w:
        return "<email>"
    return w


def _group(counts: Mapping[str, float], prefix: str, weight: float, n_bits: int, out: dict[int, float]) -> None:
    if not counts or weight == 0:
        return
    scaled = {k: 1.0 + math.log(v) if v > 0 else 0.0 for k, v in counts.items()}
    norm = math.sqrt(sum(v * v for v in scaled.values())) or 1.0
    for k, v in scaled.items():
        col = column(prefix + k, n_bits)
        out[col] = out.get(col, 0.0) + weight * v / norm


def text_features(
    words: Iterable[str], text: str, cues: Mapping[str, float], config: FeatureConfig
) -> dict[int, float]:
    """Map one draft's lower-cased words, text and named cue counts to ``{column: value}``."""
    out: dict[int, float] = {}
    toks = [normalise_word(w) for w in words]
    lo, hi = config.word_ngrams
    wc: Counter[str] = Counter()
    for n in range(lo, hi + 1):
        for i in range(len(toks) - n + 1):
            wc[" ".join(toks[i : i + n])] += 1
    _group(wc, "w:", config.word_weight, config.n_bits, out)
    lo, hi = config.char_ngrams
    cc: Counter[str] = Counter()
    if config.char_weight:
        norm = " " + _WS.sub(" ", text.lower()) + " "
        for n in range(lo, hi + 1):
            for i in range(len(norm) - n + 1):
                cc[norm[i : i + n]] += 1
    _group(cc, "c:", config.char_weight, config.n_bits, out)
    if config.use_cues and cues:
        for name, value in cues.items():
            col = column("s:" + name, config.n_bits)
            out[col] = out.get(col, 0.0) + config.cue_weight * value
    return out


@dataclass(frozen=True)
class SparseRow:
    """A feature vector as parallel index/value lists (what a linear model consumes)."""

    indices: tuple[int, ...] = field(default_factory=tuple)
    values: tuple[float, ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, d: Mapping[int, float]) -> "SparseRow":
        items = sorted(d.items())
        return cls(tuple(i for i, _ in items), tuple(v for _, v in items))


def named_features(d: Mapping[str, float], n_bits: int) -> dict[int, float]:
    """Hash a dict of named features (used by the slot rankers)."""
    out: dict[int, float] = {}
    for name, value in d.items():
        col = column(name, n_bits)
        out[col] = out.get(col, 0.0) + value
    return out
