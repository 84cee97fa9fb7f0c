"""The labelled corpus: every row valid, split sizes, no near-duplicates across splits."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter

from helpers import DATA, ROOT

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
    assert total >= 6000
    assert len(rows["test"]) >= 900 and len(rows["dev"]) >= 500
    all_rows = [r for v in rows.values() for r in v]
    types = Counter(r["type"] for r in all_rows)
    assert 0.3 <= types["targeted"] / total <= 0.5 and 0.3 <= types["general"] / total <= 0.5 and 0.12 <= types["none"] / total <= 0.28
    assert sum(r["hard"] for r in all_rows) / total >= 0.2
    assert min(Counter(r["relationship"] for r in all_rows).values()) >= 0.15 * total
    assert len({r["id"] for r in all_rows}) == total
    assert len({r["batch"] for r in all_rows}) >= 48  # 8 batches of v1 and at least 40 of v2


def test_v1_rows_kept_their_ids_and_splits():
    """Corpus v2 kept every v1 row in its split (ids b01-b08)."""
    rows = {p.stem: {json.loads(line)["id"] for line in p.open(encoding="utf-8")} for p in SPLITS}
    v1 = {split: {i for i in ids if int(i[1:3]) <= 8} for split, ids in rows.items()}
    assert (len(v1["train"]), len(v1["dev"]), len(v1["test"])) == (1121, 159, 320)


def test_validator_rejects_bad_rows(tmp_path):
    v = _validator()
    good = json.loads((DATA / "dev.jsonl").open(encoding="utf-8").readline())
    assert v.check_row(good, "x") == []
    bad = dict(good, company="Nowhere Corp", type="targeted", transparency="high")
    assert any("verbatim" in e for e in v.check_row(bad, "x"))
    assert any("politeness" in e for e in v.check_row(dict(good, politeness="rude"), "x"))
    assert any("missing keys" in e for e in v.check_row({"id": "a"}, "x"))
    targeted = dict(good, type="targeted", transparency="low", company=None, role=None)
    assert any("purpose" in e for e in v.check_row(dict(targeted, purpose="thanks"), "x"))
    assert any("intro_request" in e for e in v.check_row(dict(targeted, purpose="intro_request", asks_introduction=False), "x"))
    assert any("batch" in e for e in v.check_row(dict(good, batch="b99"), "x"))
    assert any("phenomena" in e for e in v.check_row(dict(good, phenomena=["no_such_tag"]), "x"))
    note = dict(good, channel="linkedin_note", text="x" * 301, recipient_name=None, sender_name=None, mutual_contact=None, company=None, role=None)
    assert any("300" in e for e in v.check_row(note, "x"))
    assert any("out of order" in e for e in v.check_row(dict(reversed(list(good.items()))), "x"))
