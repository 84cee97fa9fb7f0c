"""The labelled corpus: every row valid, split sizes, no near-duplicates across splits."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter

from conftest import DATA, ROOT

SPLITS = [DATA / f"{s}.jsonl" for s in ("train", "dev", "test")]


def _validator():
    spec = importlib.util.spec_from_file_location("validate_data", ROOT / "scripts" / "validate_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_row_valid_and_no_near_duplicates(capsys):
    assert _validator().main([str(p) for p in SPLITS]) == 0, capsys.readouterr().err[-2000:]


def test_sizes_and_distribution():
    rows = {p.stem: [json.loads(line) for line in p.open(encoding="utf-8")] for p in SPLITS}
    total = sum(len(v) for v in rows.values())
    assert total >= 1500
    assert len(rows["test"]) >= 300
    all_rows = [r for v in rows.values() for r in v]
    types = Counter(r["type"] for r in all_rows)
    assert 0.3 <= types["targeted"] / total <= 0.5 and 0.3 <= types["general"] / total <= 0.5 and 0.12 <= types["none"] / total <= 0.28
    assert sum(r["hard"] for r in all_rows) / total >= 0.2
    assert min(Counter(r["relationship"] for r in all_rows).values()) >= 0.15 * total
    assert len({r["id"] for r in all_rows}) == total


def test_validator_rejects_bad_rows(tmp_path):
    v = _validator()
    good = json.loads((DATA / "dev.jsonl").open(encoding="utf-8").readline())
    assert v.check_row(good, "x") == []
    bad = dict(good, company="Nowhere Corp", type="targeted", transparency="high")
    assert any("verbatim" in e for e in v.check_row(bad, "x"))
    assert any("politeness" in e for e in v.check_row(dict(good, politeness="rude"), "x"))
    assert any("missing keys" in e for e in v.check_row({"id": "a"}, "x"))
