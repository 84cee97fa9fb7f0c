"""The fast backend's outputs on every data/ draft equal a stored reference run (issue 19).

Speed work on the pipeline and features must change no output: this compares
``Critic.load(backend="fast").critique_many`` on all drafts of data/*.jsonl,
byte for byte, with tests/reference/fast_outputs.jsonl.gz. Regenerate that file
with ``python scripts/fast_reference.py`` only when outputs are meant to change
(as with the golden files).
"""

from __future__ import annotations

import importlib.util
import json

import pytest
from helpers import ROOT

SCRIPT = ROOT / "scripts" / "fast_reference.py"


def load_script():
    spec = importlib.util.spec_from_file_location("fast_reference", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ref():
    return load_script()


def test_reference_is_small_and_covers_every_draft(ref):
    assert ref.REFERENCE.stat().st_size < 2_500_000
    lines = ref.read_reference()
    assert len(lines) == len(ref.drafts()), "data/ changed: regenerate with scripts/fast_reference.py (only when outputs are meant to change)"
    first = json.loads(lines[0])
    assert {"politeness", "findings", "slots", "request_type"} <= first.keys()


def test_fast_backend_outputs_are_identical_to_the_reference(ref):
    expected = ref.read_reference()
    texts = ref.drafts()
    got = ref.outputs(texts=texts)
    assert len(got) == len(expected)
    differ = [i for i, (a, b) in enumerate(zip(expected, got)) if a != b]
    if differ:
        i = differ[0]
        a, b = json.loads(expected[i]), json.loads(got[i])
        keys = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        pytest.fail(f"{len(differ)} of {len(got)} drafts differ from the reference; first: draft {i} ({texts[i][:60]!r}) in {keys}")
