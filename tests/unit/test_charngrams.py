"""charngrams.char_ngrams against the plain-Python definition of the character n-gram group, float for float."""

from __future__ import annotations

import math
import random
import zlib
from collections import Counter

import pytest

from refernlp.charngrams import PATCH_LIMIT, char_ngrams


def reference(norm: str, lo: int, hi: int, prefix: str, weight: float, n_bits: int) -> list[tuple[int, float]]:
    """features._group of a Counter of the n-grams: one (column, value) per distinct n-gram, in first-occurrence order."""
    counts: Counter[str] = Counter()
    for n in range(lo, hi + 1):
        for i in range(len(norm) - n + 1):
            counts[norm[i : i + n]] += 1
    scaled = {k: 1.0 + math.log(v) for k, v in counts.items()}
    norm2 = math.sqrt(sum(v * v for v in scaled.values())) or 1.0
    return [(zlib.crc32((prefix + k).encode("utf-8")) & ((1 << n_bits) - 1), weight * v / norm2) for k, v in scaled.items()]


def texts() -> list[str]:
    rng = random.Random(19)
    out = ["", " ", " a ", " ab ", " aaaa aaaa ", " é ", "éé", " naïve café – “quoted” 🙏 ", " x\x00y ", "ab\x00é", "🙏" * (PATCH_LIMIT + 1), "x🙏" * PATCH_LIMIT]
    out += ["".join(rng.choice("ab c.\x01é–🙏\x00") for _ in range(rng.randint(0, 40))) for _ in range(200)]
    return out


@pytest.mark.parametrize("lo,hi,prefix,weight,n_bits", [(2, 5, "c:", 1.0, 18), (1, 7, "c:", 0.5, 8), (3, 3, "x", 1.0, 18), (1, 1, "", 2.0, 20)])
def test_char_ngrams_equal_the_reference(lo, hi, prefix, weight, n_bits):
    for text in texts():
        got = char_ngrams(text, lo, hi, prefix, weight, n_bits)
        assert got is not None
        assert list(zip(got[0].tolist(), got[1].tolist())) == reference(text, lo, hi, prefix, weight, n_bits), repr(text)
