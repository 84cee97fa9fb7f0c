"""Paths and helpers shared by the tests (importable as ``helpers``: tests/ is on pytest's pythonpath)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
GOLDEN = ROOT / "tests" / "golden"
SHARED = ROOT.parent / "shared"
STANFORD = SHARED / "politeness" / "wikipedia.annotated.csv"


def requires_shared():
    return pytest.mark.skipif(not STANFORD.is_file(), reason="../shared/politeness is not available")


def phrase_bank_words() -> set[str]:
    """Every lower-cased word of the rewrite phrase bank (computed here, independently of refernlp.rewrite)."""
    import re

    from refernlp.resources import lexicon

    word = re.compile(r"[\w'’-]+")

    def walk(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for x in node:
                yield from walk(x)
        elif isinstance(node, dict):
            for v in node.values():
                yield from walk(v)

    return {w.lower() for text in walk(lexicon("phrases")) for w in word.findall(text)}
