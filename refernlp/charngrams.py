"""Character n-grams of a draft, counted and CRC-32 hashed with numpy (the bulk of every classifier row).

:func:`char_ngrams` gives, as arrays, the very columns and values that
``features._group`` computes from a ``Counter`` of the n-grams (the reference
definition, kept in :mod:`refernlp.features` as the fallback).
"""

from __future__ import annotations

import math
import re
import zlib

import numpy as np


def _crc32_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint32)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table[i] = c
    return table


CRC_TABLE = _crc32_table()  # zlib's CRC-32 (reflected polynomial 0xEDB88320), one byte at a time


def _crc_powers(count: int) -> list[np.ndarray]:
    """Per k < ``count``, what byte b adds to a CRC state k bytes before the end: L^k(table[b]), L(s) = table[s & 0xFF] ^ s >> 8."""
    out = [CRC_TABLE]
    for _ in range(1, count):
        g = out[-1]
        out.append(CRC_TABLE[g & 0xFF] ^ (g >> 8))
    return out


_CRC_POWERS = _crc_powers(8)
_BYTE_MASKS = [np.uint64((1 << (8 * n)) - 1) for n in range(9)]
_STEPS: dict[int, list[int]] = {}


def _crc_steps(init: int, top: int) -> list[int]:
    """L^n(``init``) for n up to 7: the CRC state after n bytes, less what the bytes themselves add (remembered per init)."""
    steps = _STEPS.get(init)
    if steps is None:
        steps = [init]
        table = CRC_TABLE.tolist()
        for _ in range(7):
            steps.append(table[steps[-1] & 0xFF] ^ (steps[-1] >> 8))
        _STEPS[init] = steps
    return steps
#: ``1.0 + math.log(k)`` for counts below 256 (0.0 for 0): the same floats the scalar code computes
LOG_COUNT_FLOATS = [0.0] + [1.0 + math.log(k) for k in range(1, 256)]
_LOG_COUNT = np.array(LOG_COUNT_FLOATS, dtype=np.float64)
_SHIFT = [np.uint64(8 * j) for j in range(8)]
NO_COLUMNS = np.zeros(0, dtype=np.uint32)
NO_VALUES = np.zeros(0, dtype=np.float64)
#: position bits below a packed n-gram key or a column in one sorted uint64 (:func:`sorted_positions`)
_POS_BITS = 21
_POS_MASK = np.uint64((1 << _POS_BITS) - 1)


def _length_bits(n: int, top: int) -> np.uint64:
    """The length part of an n-gram key: above the 8 * ``top`` character bits (bit 40 up to 5 characters, else 56)."""
    return np.uint64(n << (40 if top <= 5 else 56))


def sorted_positions(values: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """``values`` (unsigned, below ``2**bits``) sorted, and the position each came from, equal values by position.

    What ``np.argsort(values, kind="stable")`` orders, from one plain sort of
    ``value << 21 | position`` where that fits in 64 bits (else the stable argsort).
    """
    n = len(values)
    if bits + _POS_BITS <= 64 and n <= 1 << _POS_BITS:
        packed = np.sort((values.astype(np.uint64) << np.uint64(_POS_BITS)) | np.arange(n, dtype=np.uint64))
        return packed >> np.uint64(_POS_BITS), (packed & _POS_MASK).astype(np.intp)
    order = np.argsort(values, kind="stable")
    return values[order], order


def _first_counts(keys: np.ndarray, top: int) -> tuple[np.ndarray, np.ndarray]:
    """The position of each distinct key's first occurrence, in increasing order, and how often it occurs."""
    ordered, pos = sorted_positions(keys, 43 if top <= 5 else 64)
    total = len(keys)
    new = np.empty(total, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    # each run's first position (its smallest) gets the run's length; read back in position order
    mark = np.zeros(total, dtype=np.int64)
    mark[pos[starts]] = np.diff(starts, append=total)
    first = np.flatnonzero(mark)
    return first, mark[first]


def char_ngrams(norm: str, lo: int, hi: int, prefix: str, weight: float, n_bits: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The columns and values ``_group`` would add for the character n-grams of ``norm``, vectorised; None where it does not apply.

    One entry per distinct n-gram, in first-occurrence order (two n-grams may
    share a column: ``features._add_group`` sums them as ``_group`` does).

    Each n-gram (n <= 7) is packed into a uint64 key, equal keys for equal
    strings only. Keys are counted with one stable sort and put back in
    first-occurrence order (the order a ``Counter`` inserts them). Text with no
    NUL and at most :data:`PATCH_LIMIT` characters outside ASCII takes
    :func:`_narrow_ngrams` (one byte a character); other text :func:`_wide_ngrams`
    (its UTF-8 bytes).
    """
    if not (1 <= lo <= hi <= 7) or not weight > 0:
        return None
    size = len(norm)
    if size < lo:
        return NO_COLUMNS, NO_VALUES  # no n-grams: _group would add nothing
    top = min(hi, size)
    init = ~zlib.crc32(prefix.encode("utf-8")) & 0xFFFFFFFF
    narrow = _narrow_ngrams(norm, lo, top, prefix, init) if "\x00" not in norm else None
    if narrow is None:
        narrow = _wide_ngrams(norm, lo, top, init)
        if narrow is None:
            return None
    keys, crcs = narrow
    all_keys = np.concatenate(keys)
    all_crcs = np.concatenate(crcs)
    first, counts = _first_counts(all_keys, top)

    scaled = _LOG_COUNT[np.minimum(counts, 255)]
    for i in np.flatnonzero(counts > 255).tolist():
        scaled[i] = 1.0 + math.log(int(counts[i]))
    # sum() of the squares, left to right: np.cumsum adds in that order too (accumulate is never pairwise)
    norm2 = math.sqrt(float(np.cumsum(scaled * scaled)[-1])) or 1.0
    cols = (all_crcs[first] ^ np.uint32(0xFFFFFFFF)) & np.uint32((1 << n_bits) - 1)
    return cols, (weight * scaled) / norm2


#: the most characters outside ASCII a text may hold for :func:`_narrow_ngrams` (each costs its n-grams' CRCs in Python)
PATCH_LIMIT = 8
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _narrow_ngrams(norm: str, lo: int, top: int, prefix: str, init: int) -> tuple[list[np.ndarray], list[np.ndarray]] | None:
    """The keys and CRC states of :func:`char_ngrams`, one byte a character (None: over :data:`PATCH_LIMIT` outside ASCII).

    A key is the n-gram's bytes read as a little-endian integer (no NUL byte, so
    n-grams of different lengths never share one); a character outside ASCII is
    given a byte of its own, 128 up. The CRC state of ``prefix`` + n-gram is
    ``_crc_steps(init)[n] ^ R_n``, where ``R_n[p] = _CRC_POWERS[n - 1][byte p] ^ R_{n-1}[p + 1]``
    (CRC-32 is linear in its state and its bytes); the n-grams holding a character
    outside ASCII get theirs from ``zlib.crc32`` of their UTF-8 bytes instead.
    """
    if norm.isascii():
        data, wide = norm.encode("ascii"), []
    else:
        wide = [m.start() for m in _NOT_ASCII.finditer(norm)]
        if len(wide) > PATCH_LIMIT:
            return None
        narrowed = bytearray(norm.encode("ascii", "replace"))  # one byte a character
        own: dict[str, int] = {}
        for i in wide:
            narrowed[i] = own.setdefault(norm[i], 128 + len(own))
        data = bytes(narrowed)
    size = len(norm)
    codes = np.frombuffer(data, dtype=np.uint8)
    window = np.ndarray((size,), dtype="<u8", buffer=data + bytes(8), strides=(1,))
    steps = _crc_steps(init, top)
    r = CRC_TABLE[codes]
    keys, crcs = [], []
    if lo == 1:
        keys.append(codes.astype(np.uint64))
        crcs.append(r ^ steps[1])
    for n in range(2, top + 1):
        m = size - n + 1
        r = _CRC_POWERS[n - 1][codes[:m]] ^ r[1 : m + 1]
        if n >= lo:
            keys.append(window[:m] & _BYTE_MASKS[n])
            crcs.append(r ^ steps[n])
    if wide:
        seed = zlib.crc32(prefix.encode("utf-8"))
        for n, crc in zip(range(max(lo, 1), top + 1), crcs):
            starts = sorted({s for i in wide for s in range(max(0, i - n + 1), min(i, size - n) + 1)})
            crc[starts] = [zlib.crc32(norm[s : s + n].encode("utf-8"), seed) ^ 0xFFFFFFFF for s in starts]
    return keys, crcs


def _wide_ngrams(norm: str, lo: int, top: int, init: int) -> tuple[list[np.ndarray], list[np.ndarray]] | None:
    """The keys and CRC states of :func:`char_ngrams` for a text that is not ASCII (None: over 256 distinct characters).

    Keys hold each character's index in the text's sorted alphabet. The CRC
    runs over the text's UTF-8 bytes: step k feeds every start position its
    k-th byte, so an n-gram's CRC is the state after as many steps as its
    characters have bytes (the same bytes, in the same order, as
    ``zlib.crc32((prefix + ngram).encode("utf-8"))``). Every start takes as
    many steps as the longest n-gram; the states past an n-gram's end are never read.
    """
    points = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32)
    alphabet, index = np.unique(points, return_inverse=True)
    if len(alphabet) > 256:
        return None
    size = len(points)
    codes = index.astype(np.uint64)
    # byte offset of each character in the UTF-8 text
    offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(1 + (points >= 0x80).astype(np.int64) + (points >= 0x800) + (points >= 0x10000), out=offsets[1:])
    depth = int((offsets[top:] - offsets[: size - top + 1]).max())  # every n-gram lies in some top-gram
    data = np.frombuffer(norm.encode("utf-8") + bytes(depth), dtype=np.uint8)
    feed = data[offsets[:size] + np.arange(depth)[:, None]]  # (depth, size): byte k after each start
    states = np.empty((depth + 1, size), dtype=np.uint32)
    states[0] = init
    for k in range(depth):
        crc = states[k]
        np.bitwise_xor(CRC_TABLE[(crc ^ feed[k]) & 0xFF], crc >> 8, out=states[k + 1])
    keys, crcs = [], []
    key = np.zeros(size, dtype=np.uint64)
    for n in range(1, top + 1):
        m = size - n + 1
        j = n - 1
        key = key[:m] | (codes[j : j + m] << _SHIFT[j])
        if n >= lo:
            keys.append(key | _length_bits(n, top))
            crcs.append(states[offsets[n : n + m] - offsets[:m], np.arange(m)])
    return keys, crcs
