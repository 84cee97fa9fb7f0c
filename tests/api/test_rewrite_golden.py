"""Golden rewrites: one draft per relationship and per purpose (``tests/golden/rewrite/*.json``).

Regenerate after an intended change with ``python scripts/rewrite_examples.py`` (which also rewrites the
README's examples), and review the diff by eye.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refernlp.rewrite import apply_edits

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "rewrite"
FILES = sorted(GOLDEN.glob("*.json"))


def test_goldens_cover_every_relationship_and_purpose():
    names = {p.stem for p in FILES}
    assert {"strong_demanding", "weak_no_bond", "second_degree_mutual", "purpose_thanks"} <= names


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_rewrite_matches_golden(critic, path):
    gold = json.loads(path.read_text(encoding="utf-8"))
    got = critic.rewrite(gold["draft"], relationship=gold["relationship"], mutual=gold["mutual"], n=3)
    assert [r.to_dict() for r in got] == gold["rewrites"], f"{path.name} changed: rerun scripts/rewrite_examples.py and review"
    for r in got:
        assert apply_edits(gold["draft"], r.edits) == r.text
