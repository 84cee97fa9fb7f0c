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


# --- refernlp batch (tests/api/test_batch.py, tests/cli/test_batch_cli.py) ----------------
#: rows the batch tests append to real drafts, each with the error code it must get
BATCH_BAD_ROWS = (
    ({"id": "bad-empty", "text": ""}, "empty"),
    ({"id": "bad-space", "text": "   \n "}, "empty"),
    ({"id": "bad-nul", "text": "Hi Sam,\x00\x00 refer me?"}, "binary"),
    ({"id": "bad-long", "text": "Could you refer me? " * 1200}, "text_too_long"),
    ({"id": "bad-int", "text": 42}, "not_text"),
    ({"id": "bad-null", "text": None}, "missing_text"),
    ({"id": "bad-rel", "text": "Hi Sam, could you refer me for the analyst role at Acme?", "relationship": "cousin"}, "bad_relationship"),
)
BATCH_RELATIONSHIPS = (None, "weak", "strong", "second-degree", "")


def batch_corpus(n_good: int = 280) -> list[dict]:
    """Real drafts from the dev split with ids and some relationships, and a bad row every 40 rows."""
    import json

    good = []
    with (DATA / "dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            good.append({"id": row["id"], "text": row["text"], "relationship": BATCH_RELATIONSHIPS[len(good) % 5]})
            if len(good) == n_good:
                break
    rows, bad = [], list(BATCH_BAD_ROWS)
    for i, row in enumerate(good):
        if i % 40 == 7 and bad:
            rows.append(dict(bad.pop(0)[0]))
        rows.append(row)
    rows += [dict(r) for r, _ in bad]
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    import json

    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def same_json(a, b, tol: float = 1e-6) -> bool:
    """Equal JSON values, floats within ``tol`` (a batch of drafts may be encoded with other padding than one)."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= tol
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y, tol) for x, y in zip(a, b))
    return a == b


def expected_batch_record(critic, row: dict, index: int, bad_codes: dict) -> dict:
    """What refernlp batch must write for ``row``: the library's own critique, or an error with the right code."""
    if row["id"] in bad_codes:
        return {"id": row["id"], "error": {"code": bad_codes[row["id"]]}}
    rel = row.get("relationship") or None
    return {"id": row["id"], "critique": critic.critique(row["text"], relationship=rel).to_dict()}


def check_batch_output(records: list[dict], rows: list[dict], critic) -> None:
    """Every input row exactly once, in order, equal to the library's critique or an error record with its code."""
    bad_codes = {r["id"]: code for r, code in BATCH_BAD_ROWS}
    assert [r["id"] for r in records] == [r["id"] for r in rows]
    for i, (got, row) in enumerate(zip(records, rows)):
        want = expected_batch_record(critic, row, i, bad_codes)
        if "error" in want:
            assert "critique" not in got and got["error"]["code"] == want["error"]["code"], (row["id"], got)
            assert got["error"]["message"].startswith(f"row {i}: "), got
        else:
            assert "error" not in got, (row["id"], got)
            assert same_json(got["critique"], want["critique"]), row["id"]
