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


# Hot-path caches. Featurising a draft hashes ~1,000 n-gram strings, most of
# which recur across drafts; memoising their CRC-32 (and word normalisation)
# skips re-encoding and re-hashing them. Values are exactly what ``column`` and
# ``normalise_word`` return; a cache is dropped once it holds more than
# _CACHE_MAX entries (a few MB), so a long-running process stays bounded.
_CACHE_MAX = 1 << 16
_CRC: dict[str, dict[str, int]] = {}  # prefix -> {feature without prefix: crc32 of prefix + feature}
_NORM_WORD: dict[str, str] = {}
#: ``1.0 + math.log(k)`` for small integer counts (the same float as computing it)
_LOG1P_COUNT = [0.0] + [1.0 + math.log(k) for k in range(1, 256)]


def _crc_table(prefix: str) -> dict[str, int]:
    table = _CRC.get(prefix)
    if table is None or len(table) > _CACHE_MAX:
        table = _CRC[prefix] = {}
    return table


def normalise_word(w: str) -> str:
    if _NUM.match(w):
        return "<num>"
    if _URLISH.search(w):
        return "<url>"
    if "@" in w and "." in w:
        return "<email>"
    return w


def _normalise_words(words: Iterable[str]) -> list[str]:
    cache = _NORM_WORD
    if len(cache) > _CACHE_MAX:
        cache.clear()
    out = []
    for w in words:
        n = cache.get(w)
        if n is None:
            n = cache[w] = normalise_word(w)
        out.append(n)
    return out


def _scaled(values: list) -> list[float]:
    """``1 + log(v)`` (0 for v <= 0) of each count, by table lookup for small int counts."""
    table = _LOG1P_COUNT
    n_table = len(table)
    return [table[v] if type(v) is int and 0 < v < n_table else (1.0 + math.log(v) if v > 0 else 0.0) for v in values]


def _group(counts: Mapping[str, float], prefix: str, weight: float, n_bits: int, out: dict[int, float]) -> None:
    if not counts or weight == 0:
        return
    keys = list(counts)
    scaled = _scaled(list(counts.values()))
    norm = math.sqrt(sum([v * v for v in scaled])) or 1.0
    mask = (1 << n_bits) - 1
    crcs = _crc_table(prefix)
    get_crc = crcs.get
    cols = [get_crc(k) for k in keys]
    if None in cols:
        for i, c in enumerate(cols):
            if c is None:
                k = keys[i]
                cols[i] = crcs[k] = zlib.crc32((prefix + k).encode("utf-8"))
    cols = [c & mask for c in cols]
    adds = [weight * v / norm for v in scaled]
    if not weight > 0:
        # keep the exact sequential arithmetic (0.0 + x differs from x for x == -0.0)
        get = out.get
        for col, x in zip(cols, adds):
            out[col] = get(col, 0.0) + x
        return
    # Fast path, same result as ``out[col] = out.get(col, 0.0) + x`` in order: columns
    # seen once and absent from ``out`` get x (0.0 + x == x for x >= 0); columns hit
    # more than once (hash collisions) are summed sequentially, in order.
    fresh = dict(zip(cols, adds))
    clash = fresh.keys() & out.keys() if out else set()
    if len(fresh) != len(cols):
        seen: set[int] = set()
        for col in cols:
            if col in seen:
                clash.add(col)
            seen.add(col)
    if clash:
        acc = {col: out.get(col, 0.0) for col in clash}
        for col, x in zip(cols, adds):
            if col in acc:
                acc[col] = acc[col] + x
        fresh.update(acc)
    out.update(fresh)


def text_features(
    words: Iterable[str], text: str, cues: Mapping[str, float], config: FeatureConfig
) -> dict[int, float]:
    """Map one draft's lower-cased words, text and named cue counts to ``{column: value}``."""
    out: dict[int, float] = {}
    toks = _normalise_words(words)
    lo, hi = config.word_ngrams
    wc: Counter[str] = Counter()
    for n in range(lo, hi + 1):
        if n == 1:
            wc.update(toks)
        elif n > 1:
            # the same strings, in the same order, as " ".join(toks[i : i + n])
            wc.update([" ".join(g) for g in zip(*[toks[k:] for k in range(n)])])
        else:
            for i in range(len(toks) - n + 1):
                wc[" ".join(toks[i : i + n])] += 1
    _group(wc, "w:", config.word_weight, config.n_bits, out)
    lo, hi = config.char_ngrams
    cc: Counter[str] = Counter()
    if config.char_weight:
        norm = " " + _WS.sub(" ", text.lower()) + " "
        size = len(norm)
        for n in range(lo, hi + 1):
            cc.update([norm[i : i + n] for i in range(size - n + 1)])
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
    mask = (1 << n_bits) - 1
    crcs = _crc_table("")
    for name, value in d.items():
        crc = crcs.get(name)
        if crc is None:
            crc = crcs[name] = zlib.crc32(name.encode("utf-8"))
        col = crc & mask
        out[col] = out.get(col, 0.0) + value
    return out
