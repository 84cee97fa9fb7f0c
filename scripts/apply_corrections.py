"""Apply reviewed label corrections to the corpus in place.

    python scripts/apply_corrections.py CORRECTIONS.jsonl [--data data/] [--splits train dev]

Each line is ``{"id", "field", "old", "new", "reason"}``. A correction applies
only when the row's current value equals ``old`` (so a file can be re-run and a
stale one is refused), only in the ``--splits`` named (default: all), and the
corrected row must still pass ``scripts/validate_data.py``'s row checks. The
split files are rewritten only when every correction applies.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate_data import check_row  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corrections", type=Path)
    ap.add_argument("--data", type=Path, default=Path("data"))
    ap.add_argument("--splits", nargs="+", default=["train", "dev", "test"])
    args = ap.parse_args()
    files = {s: args.data / f"{s}.jsonl" for s in ("train", "dev", "test")}
    rows = {s: [json.loads(line) for line in p.open(encoding="utf-8") if line.strip()] for s, p in files.items()}
    where = {r["id"]: (s, r) for s, rs in rows.items() for r in rs}
    changes = [json.loads(line) for line in args.corrections.open(encoding="utf-8") if line.strip()]
    by_row: dict[str, list[dict]] = {}
    errors = []
    for c in changes:
        if c["id"] not in where:
            errors.append(f"{c['id']}: no such row")
            continue
        split, row = where[c["id"]]
        if split not in args.splits:
            errors.append(f"{c['id']}: in {split}, which --splits does not allow")
            continue
        if c["field"] not in row or c["field"] in ("id", "text", "batch"):
            errors.append(f"{c['id']}: field {c['field']!r} cannot be corrected")
            continue
        by_row.setdefault(c["id"], []).append(c)
    applied: Counter = Counter()
    for rid, cs in by_row.items():
        split, row = where[rid]
        new = dict(row)
        for c in cs:
            if new[c["field"]] == c["new"]:
                continue  # already applied
            if new[c["field"]] != c["old"]:
                errors.append(f"{rid}: {c['field']} is {new[c['field']]!r}, the correction expects {c['old']!r}")
                continue
            new[c["field"]] = c["new"]
            applied[(split, c["field"])] += 1
        errors += check_row(new, rid)
        row.clear()
        row.update(new)
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f"{len(errors)} problem(s); nothing written", file=sys.stderr)
        return 1
    for s, p in files.items():
        with p.open("w", encoding="utf-8") as fh:
            for r in rows[s]:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    for (split, field), n in sorted(applied.items()):
        print(f"{split}: {field} changed in {n} row(s)")
    print(f"applied {sum(applied.values())} change(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
