"""Hashed sparse features shared by training (scikit-learn) and inference (numpy only).

Feature strings are mapped to columns with CRC-32 (stable across processes and
platforms, unlike Python's ``hash``), so no vocabulary has to be stored or
parsed at load time. Each feature group is log-scaled and L2-normalised on its
own, then weighted, so long drafts and short ones are comparable.

Character n-grams, the bulk of every row (~1,000 per draft), are counted and
hashed with numpy (:func:`_char_group`, :mod:`refernlp.charngrams`); the result is
bit-for-bit what the plain-Python definition (:func:`_group` over a ``Counter``)
gives, which stays as the reference and the fallback.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Iterable, Mapping

import numpy as np

from .charngrams import LOG_COUNT_FLOATS, NO_VALUES, char_ngrams, sorted_positions

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


#: the most entries :func:`column`'s and :func:`normalise_word`'s caches hold before they start over
CACHE_LIMIT = 1 << 16
#: the columns of feature strings seen before, one dict per ``n_bits``
_COLUMNS: dict[int, dict[str, int]] = {}
_NORMALISED: dict[str, str] = {}
#: :func:`prefixed_word` of the words seen so far
_PREFIXED: dict[str, str] = {}


def _columns(n_bits: int) -> dict[str, int]:
    """The column cache for ``n_bits`` (most feature strings recur from draft to draft)."""
    cache = _COLUMNS.get(n_bits)
    if cache is None:
        cache = _COLUMNS.setdefault(n_bits, {})
    elif len(cache) >= CACHE_LIMIT:
        cache.clear()
    return cache


def _column(feature: str, n_bits: int) -> int:
    return zlib.crc32(feature.encode("utf-8")) & ((1 << n_bits) - 1)


def column(feature: str, n_bits: int) -> int:
    """The hashed column of a feature string (remembered: the CRC-32 of a string never changes)."""
    cache = _columns(n_bits)
    col = cache.get(feature)
    if col is None:
        col = cache[feature] = _column(feature, n_bits)
    return col


def feature_columns(names: list[str], n_bits: int) -> list[int]:
    """:func:`column` of each feature string in ``names``, in one pass over the cache."""
    cache = _columns(n_bits)
    cols = list(map(cache.get, names))
    if None in cols:
        mask, crc32 = (1 << n_bits) - 1, zlib.crc32
        for i, col in enumerate(cols):
            if col is None:
                name = names[i]
                cols[i] = cache[name] = crc32(name.encode("utf-8")) & mask  # _column, inlined
    return cols


def _normalise_word(w: str) -> str:
    if _NUM.match(w):
        return "<num>"
    if _URLISH.search(w):
        return "<url>"
    if "@" in w and "." in w:
        return "<email>"
    return w


def normalise_word(w: str) -> str:
    """``<num>``, ``<url>`` or ``<email>`` for a word that is one, else the word (remembered per word)."""
    out = _NORMALISED.get(w)
    if out is None:
        if len(_NORMALISED) >= CACHE_LIMIT:
            _NORMALISED.clear()
        out = _NORMALISED[w] = _normalise_word(w)
    return out


def prefixed_word(w: str) -> str:
    """``"w:" + normalise_word(w)``: a word's unigram feature name (remembered per word)."""
    out = _PREFIXED.get(w)
    if out is None:
        if len(_PREFIXED) >= CACHE_LIMIT:
            _PREFIXED.clear()
        out = _PREFIXED[w] = "w:" + normalise_word(w)
    return out


def _group(counts: Mapping[str, float], prefix: str, weight: float, n_bits: int, out: dict[int, float]) -> None:
    if not counts or weight == 0:
        return
    log_count = LOG_COUNT_FLOATS  # 1.0 + math.log(v) for the small integer counts, looked up
    scaled = {k: log_count[v] if type(v) is int and 0 <= v < 256 else 1.0 + math.log(v) if v > 0 else 0.0 for k, v in counts.items()}
    norm = math.sqrt(sum(v * v for v in scaled.values())) or 1.0
    cache = _columns(n_bits)
    for k, v in scaled.items():
        key = prefix + k
        col = cache.get(key)
        if col is None:
            col = cache[key] = _column(key, n_bits)
        out[col] = out.get(col, 0.0) + weight * v / norm


def _char_group(norm: str, lo: int, hi: int, prefix: str, weight: float, n_bits: int, out: dict[int, float]) -> bool:
    """``_group`` of the character n-grams of ``norm`` into ``out``, vectorised (:func:`char_ngrams`); False where it does not apply."""
    group = char_ngrams(norm, lo, hi, prefix, weight, n_bits)
    if group is None:
        return False
    _add_group(group[0], group[1], out)
    return True


def _add_group(cols: np.ndarray, adds: np.ndarray, out: dict[int, float]) -> None:
    """``out[col] = out.get(col, 0.0) + x`` for each pair in order (all x >= 0), in bulk.

    A column seen once and absent from ``out`` gets x (0.0 + x == x for x >= 0);
    columns hit more than once or already in ``out`` (hash collisions) are
    summed in order, as the loop would. Insertion order matches the loop's too.
    """
    col_list = cols.tolist()
    add_list = adds.tolist()
    fresh = dict(zip(col_list, add_list))
    clash = fresh.keys() & out.keys() if out else set()
    if len(fresh) != len(col_list):
        ordered = np.sort(cols)
        clash.update(ordered[1:][ordered[1:] == ordered[:-1]].tolist())
    if clash:
        # column by column (a draft has a few): np.isin on columns up to 2**n_bits builds a table that size
        acc = {}
        for col in clash:
            total = out.get(col, 0.0)
            for i in np.flatnonzero(cols == col).tolist():
                total = total + add_list[i]
            acc[col] = total
        fresh.update(acc)
    out.update(fresh)


def _word_group(words: Iterable[str], config: FeatureConfig, out: dict[int, float]) -> None:
    """The word n-gram group of :func:`text_features`, into ``out``."""
    toks = [normalise_word(w) for w in words]
    lo, hi = config.word_ngrams
    wc: Counter[str] = Counter()
    for n in range(lo, hi + 1):
        # n by n, each position in order (Counter.update counts in C): the same counts, in the same order
        wc.update(toks if n == 1 else map(" ".join, zip(*(toks[k:] for k in range(n)))))
    _group(wc, "w:", config.word_weight, config.n_bits, out)


def _word_arrays(words: Iterable[str], config: FeatureConfig) -> tuple[list[int], np.ndarray]:
    """The word n-gram group of :func:`text_features` as the columns and values ``_group`` adds, in its order.

    A column may repeat (two n-grams hashed alike): the caller sums repeats in order, as the dict does.
    """
    words = list(words)
    get, pget = _NORMALISED.get, _PREFIXED.get
    toks = [get(w) or normalise_word(w) for w in words]
    # the n-grams as their feature names ("w:" + n-gram), counted in the same order: the
    # first word of each carries the prefix (one remembered string per word)
    named = [pget(w) or prefixed_word(w) for w in words]
    lo, hi = config.word_ngrams
    wc: Counter[str] = Counter()
    for n in range(lo, hi + 1):
        wc.update(named if n == 1 else map(" ".join, zip(named, *(toks[k:] for k in range(1, n)))))
    weight = config.word_weight
    if not wc or weight == 0:
        return [], NO_VALUES
    log_count = LOG_COUNT_FLOATS
    scaled = [log_count[v] if v < 256 else 1.0 + math.log(v) for v in wc.values()]  # Counter counts: ints >= 1
    norm = math.sqrt(sum(v * v for v in scaled)) or 1.0
    cols = feature_columns(list(wc), config.n_bits)
    return cols, weight * np.array(scaled, dtype=np.float64) / norm


def text_features(
    words: Iterable[str], text: str, cues: Mapping[str, float], config: FeatureConfig
) -> dict[int, float]:
    """Map one draft's lower-cased words, text and named cue counts to ``{column: value}``."""
    out: dict[int, float] = {}
    _word_group(words, config, out)
    lo, hi = config.char_ngrams
    cc: Counter[str] = Counter()
    if config.char_weight:
        norm = " " + _WS.sub(" ", text.lower()) + " "
        if not _char_group(norm, lo, hi, "c:", config.char_weight, config.n_bits, out):
            for n in range(lo, hi + 1):
                for i in range(len(norm) - n + 1):
                    cc[norm[i : i + n]] += 1
    _group(cc, "c:", config.char_weight, config.n_bits, out)
    if config.use_cues and cues:
        for name, value in cues.items():
            col = column("s:" + name, config.n_bits)
            out[col] = out.get(col, 0.0) + config.cue_weight * value
    return out


def text_feature_arrays(
    words: Iterable[str], text: str, cues: Mapping[str, float], config: FeatureConfig
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`text_features` as ``(columns, values)`` arrays in its order, with the same floats.

    The inference path: the character n-grams stay arrays from hashing to the
    gather instead of going through the dict. Each column's value is summed in
    the dict's order (the word group's value or ``0.0``, then every later
    addition in turn); all values added are >= 0, as :func:`_add_group` assumes.
    """
    chars = None
    if config.char_weight:
        norm = " " + _WS.sub(" ", text.lower()) + " "
        lo, hi = config.char_ngrams
        chars = char_ngrams(norm, lo, hi, "c:", config.char_weight, config.n_bits)
        if chars is None:  # not vectorisable: the dict path
            row = text_features(words, text, cues, config)
            return np.fromiter(row.keys(), dtype=np.int64, count=len(row)), np.fromiter(row.values(), dtype=np.float64, count=len(row))
    word_cols, word_vals = _word_arrays(words, config)
    cue_cols: list[int] = []
    cue_vals: list[float] = []
    if config.use_cues and cues:
        cache = _columns(config.n_bits)
        for name, value in cues.items():
            key = "s:" + name
            col = cache.get(key)
            if col is None:
                col = cache[key] = _column(key, config.n_bits)
            cue_cols.append(col)
            cue_vals.append(config.cue_weight * value)
    parts_cols = [np.array(word_cols, dtype=np.int64)]
    parts_vals = [word_vals]
    if chars is not None:
        parts_cols.append(chars[0].astype(np.int64))
        parts_vals.append(chars[1])
    # a column first met among the cues gets 0.0 + value, as out.get(col, 0.0) + value does
    parts_cols.append(np.array(cue_cols, dtype=np.int64))
    parts_vals.append(np.array([0.0 + v for v in cue_vals], dtype=np.float64))
    cols = np.concatenate(parts_cols)
    vals = np.concatenate(parts_vals)
    return merge_repeats(cols, vals, config.n_bits)


def merge_repeats(cols: np.ndarray, vals: np.ndarray, n_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum the values of repeated columns (hash collisions) into each column's first occurrence, in order.

    The first occurrence keeps its place and takes ``((v1 + v2) + v3) ...``, the
    additions the dict makes (its ``0.0 + v1`` is ``v1``: every value is >= 0);
    later occurrences are dropped. ``cols`` are below ``2 ** n_bits``.
    """
    if len(cols) < 2:
        return cols, vals
    ordered, pos = sorted_positions(cols, n_bits)
    repeat = ordered[1:] == ordered[:-1]
    if not repeat.any():
        return cols, vals
    new = np.empty(len(cols), dtype=bool)
    new[0] = True
    np.logical_not(repeat, out=new[1:])
    starts = np.flatnonzero(new)
    sizes = np.diff(starts, append=len(cols))
    group = starts[sizes > 1]  # where each repeated column's run starts in the sorted order
    size = sizes[sizes > 1]
    vals = vals.copy()
    heads = pos[group]
    totals = vals[heads]
    for k in range(1, int(size.max())):
        # the k-th later occurrence of every column that has one, added in turn
        more = size > k
        totals[more] = totals[more] + vals[pos[group[more] + k]]
    vals[heads] = totals
    keep = np.ones(len(cols), dtype=bool)
    keep[pos[1:][repeat]] = False
    return cols[keep], vals[keep]


def named_features(d: Mapping[str, float], n_bits: int) -> dict[int, float]:
    """Hash a dict of named features (used by the slot rankers)."""
    cols = feature_columns(list(d), n_bits)
    if len(set(cols)) == len(cols):
        # no two names share a column (the common case): each value is added to 0.0 once
        return dict(zip(cols, [0.0 + v for v in d.values()]))
    out: dict[int, float] = {}
    cache = _columns(n_bits)
    for name, value in d.items():
        col = cache.get(name)
        if col is None:
            col = cache[name] = _column(name, n_bits)
        out[col] = out.get(col, 0.0) + value
    return out
