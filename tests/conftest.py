"""Shared fixtures: one Critic per session, repo paths, and skips for optional material."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"
STANFORD = SHARED / "politeness" / "wikipedia.annotated.csv"


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


def requires_shared():
    return pytest.mark.skipif(not STANFORD.is_file(), reason="../shared/politeness is not available")
