"""The vocabulary is defined once (refernlp/schema.py) and the JSON Schema follows it."""

from __future__ import annotations

import importlib.util
import json
from importlib import resources

from helpers import ROOT

from refernlp import schema


def _builder():
    spec = importlib.util.spec_from_file_location("build_schema", ROOT / "scripts" / "build_schema.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_schema_json_follows_the_vocabulary():
    shipped = json.loads(resources.files("refernlp").joinpath("schema.json").read_text(encoding="utf-8"))
    assert _builder().build(shipped) == shipped, "run python scripts/build_schema.py"


def test_builder_overwrites_a_stale_enumeration():
    shipped = json.loads(resources.files("refernlp").joinpath("schema.json").read_text(encoding="utf-8"))
    stale = json.loads(json.dumps(shipped))
    stale["properties"]["politeness"]["properties"]["label"]["enum"] = ["rude"]
    assert _builder().build(stale)["properties"]["politeness"]["properties"]["label"]["enum"] == list(schema.POLITENESS)


def test_tasks_are_consistent():
    assert schema.ALL_TASKS == schema.CLASSIFIER_TASKS + schema.RANKER_TASKS
    for name, task in schema.TASKS.items():
        assert schema.TASK_BY_CLI[task.cli] == name
        assert list(task.labels) == sorted(task.labels)
    assert set(schema.TASK_LABELS["relationship"]) == set(schema.RELATIONSHIPS)
    assert set(schema.TASK_LABELS["request_type"]) == set(schema.REQUEST_TYPES)


def test_relationship_aliases():
    assert schema.normalise_relationship("second-degree") == "second_degree"
    assert schema.normalise_relationship(" Strong ") == "strong"
    assert schema.normalise_relationship("unknown") is None
    assert schema.normalise_relationship(None) is None
    for cli in schema.RELATIONSHIP_CLI:
        assert schema.normalise_relationship(cli) in schema.GIVEN_RELATIONSHIPS


def test_one_email_word_range():
    from refernlp.findings import RULES

    lo, hi = schema.LENGTH.email_words
    assert (lo, hi) == (50, 125)
    assert RULES["length.email_words"].description.startswith("An email outside")
