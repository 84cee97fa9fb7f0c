"""Shared fixtures: one Critic per session and the corpus splits."""

from __future__ import annotations

import json

import pytest
from helpers import DATA


@pytest.fixture(scope="session")
def critic():
    from refernlp import Critic

    return Critic.load()


@pytest.fixture(scope="session")
def test_rows():
    return [json.loads(line) for line in (DATA / "test.jsonl").open(encoding="utf-8")]


@pytest.fixture(scope="session")
def train_rows():
    return [json.loads(line) for line in (DATA / "train.jsonl").open(encoding="utf-8")]
