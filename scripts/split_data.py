"""Merge hand-written corpus batches into the fixed train/dev/test split.

    python scripts/split_data.py BATCH.jsonl [BATCH.jsonl ...] --out data/

Applies the data card's consistency conventions, then assigns each draft to a
split, stratified by (type, politeness, relationship) with a fixed seed: 70%
train, 10% dev, 20% test. Run once when the corpus was written; the split
files in data/ are the corpus from then on (ids are stable). It built v1 (the
15-key layout of the first 1,600 drafts); later batches are added with
``scripts/add_batches.py``, which never moves an existing row.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from add_batches import stratified  # noqa: E402  (the one stratified 70/10/20 split)

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
    splits = stratified(rows, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, part in splits.items():
        part.sort(key=lambda r: r["id"])
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for r in part:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}: {len(part)}")


if __name__ == "__main__":
    main()
