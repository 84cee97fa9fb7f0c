"""Shipped models: test-split regression floors, golden outputs, library API behaviour."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest
from helpers import DATA, GOLDEN

from refernlp import Critique, InputError, critique
from refernlp.evaluation import evaluate_examples
from refernlp.loading import shipped_models_dir
from refernlp.modelio import LinearModel
from refernlp.training import Example

GOLDEN_DRAFTS = ["targeted_demanding", "polite_general", "second_degree_cold"]

# Floors a few points under the measured test-split scores of the default (accurate) backend: a drop
# below them is a regression. Measured through Critic on corpus v2's 1,244 test drafts
# (`refernlp evaluate --data data/test.jsonl`): request type macro-F1 0.942, transparency 0.874,
# politeness 0.865, relationship 0.883, purpose 0.950, asks_introduction 0.988, company F1 0.734,
# role F1 0.696. The fast backend's floors are in tests/api/test_accurate.py.
FLOORS = {
    ("tasks", "request_type", "macro_f1"): 0.92,
    ("tasks", "transparency", "accuracy"): 0.85,
    ("tasks", "politeness", "accuracy"): 0.84,
    ("tasks", "relationship", "accuracy"): 0.86,
    ("tasks", "purpose", "accuracy"): 0.93,  # macro-F1 0.859 (ten purposes, some rare)
    ("tasks", "asks_introduction", "accuracy"): 0.97,
    ("slots", "company", "f1"): 0.70,
    ("slots", "role", "f1"): 0.66,
}


@pytest.fixture(scope="module")
def report(critic, test_rows):
    examples = [Example(r["text"], {k: r[k] for k in ("type", "transparency", "politeness", "relationship", "purpose", "asks_introduction", "company", "role", "recipient_name", "sender_name", "mutual_contact")}) for r in test_rows]
    return evaluate_examples(critic, examples)


@pytest.mark.parametrize("path,floor", list(FLOORS.items()), ids=lambda x: ".".join(x) if isinstance(x, tuple) else str(x))
def test_test_split_floor(report, path, floor):
    value = report[path[0]][path[1]][path[2]]
    assert value >= floor, f"{'.'.join(path)} = {value:.3f} < {floor}"


def test_model_cards_and_manifests():
    root = shipped_models_dir()
    for task in ("request_type", "transparency", "politeness", "relationship", "company", "role"):
        m = LinearModel.load(root / task)
        assert m.task == task
        manifest = json.loads((root / task / "manifest.json").read_text())
        assert manifest["files"]["weights.npz"]["sha256"]
        assert manifest["versions"]["refernlp"]
        assert "test" in manifest["metrics"]
        assert (root / task / "README.md").read_text().startswith("# refernlp model")
    card = (root / "politeness" / "README.md").read_text()
    assert "0.838" in card and "0.867" in card and "Stanford" in card


def test_critique_api_shape():
    r = critique("Hi Sam, could you refer me for the Data Analyst role at Acme? Thanks!", relationship="weak")
    assert isinstance(r, Critique)
    d = r.to_dict()
    assert d["schema_version"] == "2"
    assert d["relationship"]["source"] == "given" and d["relationship"]["label"] == "weak"
    assert d["request_type"]["label"] == "targeted"
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.request_type = None  # frozen


def test_none_type_has_null_transparency(critic):
    r = critic.critique("Congratulations on the new role, Sam! So happy for you. Let's get dinner soon.")
    assert r.request_type.label == "none"
    assert r.transparency.label is None


def test_critique_many_matches_single(critic, test_rows):
    texts = [r["text"] for r in test_rows[:25]]
    many = critic.critique_many(texts, batch_size=8)
    assert [m.to_dict() for m in many] == [critic.critique(t).to_dict() for t in texts]


def test_critique_many_restores_the_collector(critic):
    """critique_many pauses the cyclic collector per chunk and leaves it as it found it, also after an error."""
    import gc

    from refernlp.critic import collector_paused

    assert gc.isenabled()
    critic.critique_many(["Could you refer me for the analyst role at Acme?"] * 3)
    assert gc.isenabled()
    gc.disable()
    try:
        critic.critique_many(["Could you refer me for the analyst role at Acme?"])
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RuntimeError):
        with collector_paused():
            with collector_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
            raise RuntimeError("boom")
    assert gc.isenabled()


def test_slot_strings_are_verbatim(critic, test_rows):
    for row in test_rows[:80]:
        r = critic.critique(row["text"])
        for key in ("company", "role", "recipient_name", "sender_name", "mutual_contact"):
            value = getattr(r.slots, key)
            assert value is None or value in row["text"]
        for s in r.politeness.strategies:
            assert row["text"][s.start : s.end] == s.text


@pytest.mark.parametrize("bad", ["", "   \n", "x", 42, "a\x00b"])
def test_library_input_errors(bad):
    with pytest.raises(InputError):
        critique(bad)
    assert issubclass(InputError, ValueError)


def test_unknown_relationship_is_input_error():
    with pytest.raises(InputError):
        critique("Could you refer me at Acme?", relationship="bff")


@pytest.mark.parametrize("name", GOLDEN_DRAFTS)
def test_golden(critic, name):
    """Set REFERNLP_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change."""
    text = (DATA / "examples" / f"{name}.txt").read_text(encoding="utf-8")
    got = critic.critique(text).to_dict()
    path = GOLDEN / f"{name}.json"
    if os.environ.get("REFERNLP_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8"))
