"""Merge hand-written corpus batches into the fixed train/dev/test split.

    python scripts/split_data.py BATCH.jsonl [BATCH.jsonl ...] --out data/

Applies the data card's consistency conventions, then assigns each draft to a
split, stratified by (type, politeness, relationship) with a fixed seed: 70%
train, 10% dev, 20% test. Run once when the corpus was written; the split
files in data/ are the corpus from then on (ids are stable).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

ORDER = ["id", "text", "channel", "type", "transparency", "politeness", "relationship", "asks_introduction",
         "company", "role", "recipient_name", "sender_name", "mutual_contact", "hard", "hard_kinds"]


def normalise(row: dict) -> dict:
    # Convention (data card): an ask buried at the end of a long message is not a
    # clear ask, so buried asks are low transparency for general requests too.
    if row["type"] != "none" and "buried_ask" in row["hard_kinds"]:
        row["transparency"] = "low"
    return {k: row[k] for k in ORDER}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("batches", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=Path("data"))
    ap.add_argument("--seed", type=int, default=20261125)
    args = ap.parse_args()
    rows = []
    for path in args.batches:
        rows += [normalise(json.loads(line)) for line in path.open(encoding="utf-8") if line.strip()]
    rows.sort(key=lambda r: r["id"])
    strata = defaultdict(list)
    for r in rows:
        strata[(r["type"], r["politeness"], r["relationship"])].append(r)
    rng = random.Random(args.seed)
    splits = {"train": [], "dev": [], "test": []}
    carry = 0.0
    for key in sorted(strata):
        group = strata[key]
        rng.shuffle(group)
        n = len(group)
        exact_test = 0.2 * n + carry
        n_test = int(round(exact_test))
        carry = exact_test - n_test
        n_dev = int(round(0.1 * n))
        splits["test"] += group[:n_test]
        splits["dev"] += group[n_test : n_test + n_dev]
        splits["train"] += group[n_test + n_dev :]
    args.out.mkdir(parents=True, exist_ok=True)
    for name, part in splits.items():
        part.sort(key=lambda r: r["id"])
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for r in part:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}: {len(part)}")


if __name__ == "__main__":
    main()
