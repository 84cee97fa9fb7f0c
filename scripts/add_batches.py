"""Add hand-written corpus batches to data/ without disturbing what is there.

    python scripts/add_batches.py BATCH.jsonl [BATCH.jsonl ...] --data data/ [--v1-purpose FILE]

Every existing row keeps its id, labels and split. Rows of the v1 layout (15
keys) are brought to the current one: ``batch`` from the id prefix, and
``purpose`` / ``phenomena`` from ``--v1-purpose`` (one ``{"id", "purpose",
"phenomena"}`` line per row, written by the consistency review). Each new batch
file ``bNN.jsonl`` (rows without ids, as written by one writer) is checked,
normalised with the data card's conventions, stripped of near-duplicates
(character 5-gram Jaccard >= 0.5 against every row kept so far, old or new),
numbered ``bNN-001``... in file order, and split 70/10/20 into train/dev/test,
stratified by (type, politeness, relationship) with a fixed seed, exactly as
``scripts/split_data.py`` split v1. Prints what it dropped and the counts.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate_data import REQUIRED, check_row, shingles  # noqa: E402

SPLITS = ("train", "dev", "test")
DUP_THRESHOLD = 0.5


def normalise(row: dict) -> dict:
    # Convention (data card): an ask buried at the end of a long message is not a
    # clear ask, so buried asks are low transparency for general requests too.
    if row["type"] != "none" and "buried_ask" in row["hard_kinds"]:
        row["transparency"] = "low"
    return {k: row[k] for k in REQUIRED}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def stratified(rows: list[dict], seed: int) -> dict[str, list[dict]]:
    strata = defaultdict(list)
    for r in rows:
        strata[(r["type"], r["politeness"], r["relationship"])].append(r)
    rng = random.Random(seed)
    out = {s: [] for s in SPLITS}
    carry = 0.0
    for key in sorted(strata):
        group = strata[key]
        rng.shuffle(group)
        n = len(group)
        exact_test = 0.2 * n + carry
        n_test = int(round(exact_test))
        carry = exact_test - n_test
        n_dev = int(round(0.1 * n))
        out["test"] += group[:n_test]
        out["dev"] += group[n_test : n_test + n_dev]
        out["train"] += group[n_test + n_dev :]
    return out


class DupIndex:
    """Near-duplicate look-up by shared character 5-grams (exact Jaccard on the candidates)."""

    def __init__(self) -> None:
        self.grams: list[set[str]] = []
        self.ids: list[str] = []
        self.index: dict[str, list[int]] = defaultdict(list)

    def add(self, rid: str, text: str) -> None:
        g = shingles(text)
        k = len(self.grams)
        self.grams.append(g)
        self.ids.append(rid)
        for x in g:
            self.index[x].append(k)

    def nearest(self, text: str) -> tuple[float, str | None]:
        g = shingles(text)
        counts: dict[int, int] = defaultdict(int)
        for x in g:
            for k in self.index.get(x, ()):
                counts[k] += 1
        best, who = 0.0, None
        for k, inter in counts.items():
            sim = inter / (len(g) + len(self.grams[k]) - inter)
            if sim > best:
                best, who = sim, self.ids[k]
        return best, who


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("batches", nargs="*", type=Path)
    ap.add_argument("--data", type=Path, default=Path("data"))
    ap.add_argument("--v1-purpose", type=Path, help="purpose and phenomena of the v1 rows")
    ap.add_argument("--seed", type=int, default=20261202)
    args = ap.parse_args()

    splits = {s: read_jsonl(args.data / f"{s}.jsonl") for s in SPLITS}
    extra = {r["id"]: r for r in read_jsonl(args.v1_purpose)} if args.v1_purpose else {}
    for rows in splits.values():
        for i, r in enumerate(rows):
            if "batch" not in r:
                info = extra.get(r["id"])
                if info is None:
                    raise SystemExit(f"{r['id']}: a v1 row needs its purpose (--v1-purpose)")
                r = dict(r, purpose=info["purpose"], batch=r["id"].split("-")[0], phenomena=list(info.get("phenomena", [])))
            rows[i] = {k: r[k] for k in REQUIRED}

    index = DupIndex()
    for rows in splits.values():
        for r in rows:
            index.add(r["id"], r["text"])
    taken = {r["batch"] for rows in splits.values() for r in rows}
    new: list[dict] = []
    problems = 0
    for path in sorted(args.batches):
        batch = path.stem
        if not re.fullmatch(r"b\d{2}", batch) or batch in taken:
            raise SystemExit(f"{path}: batch name must be a new bNN (taken: {sorted(taken)})")
        n = kept = 0
        for row in read_jsonl(path):
            n += 1
            sim, who = index.nearest(row["text"])
            if sim >= DUP_THRESHOLD:
                print(f"{batch}: dropped row {n} (near-duplicate of {who}, similarity {sim:.2f})")
                continue
            kept += 1
            row = normalise(dict(row, id=f"{batch}-{kept:03d}", batch=batch))
            errs = check_row(row, f"{path}:{n}")
            for e in errs:
                print(e, file=sys.stderr)
            problems += len(errs)
            index.add(row["id"], row["text"])
            new.append(row)
        print(f"{batch}: {kept} of {n} rows kept")
    if problems:
        print(f"{problems} problem(s); nothing written", file=sys.stderr)
        return 1
    for name, part in stratified(new, args.seed).items():
        rows = sorted(splits[name] + part, key=lambda r: r["id"])
        with (args.data / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} rows ({len(part)} new)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
