"""Learning curve: retrain the shipped linear models on growing shares of the train split.

    python scripts/learning_curve.py [--fractions 0.25 0.5 1.0] [--out learning-curve.json]

For each fraction, a seeded subset of data/train.jsonl, stratified by request
type, is used to train every task with the shipped configuration (politeness
also on the Stanford Politeness Corpus, as shipped, when ../shared/ has it; no
cross-validation). Each model is scored on the test split, which is only
reported, never used to choose anything. Nested subsets: the 25% subset is
inside the 50% one, which is inside the whole split.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refernlp.data import load_examples, load_stanford  # noqa: E402
from refernlp.schema import ALL_TASKS, TASKS  # noqa: E402
from refernlp.training import TrainingConfig, train_tasks  # noqa: E402


def nested_subset(examples, frac: float, seed: int):
    """A seeded share ``frac`` of the examples, stratified by type; smaller shares are prefixes of larger ones."""
    groups = defaultdict(list)
    for e in examples:
        groups[str(e.labels.get("type"))].append(e)
    out = []
    for key in sorted(groups):
        g = list(groups[key])
        random.Random(f"{seed}:{key}").shuffle(g)
        out += g[: int(round(frac * len(g)))]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fractions", nargs="+", type=float, default=[0.25, 0.5, 1.0])
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--stanford", type=Path, default=ROOT.parent / "shared" / "politeness" / "wikipedia.annotated.csv")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "learning-curve.json")
    args = ap.parse_args()
    config = TrainingConfig()
    train = load_examples(args.data / "train.jsonl")
    dev = load_examples(args.data / "dev.jsonl")
    test = load_examples(args.data / "test.jsonl")
    stanford = load_stanford(args.stanford, weight=config.stanford_weight) if args.stanford.is_file() else []
    rows = []
    for frac in args.fractions:
        subset = nested_subset(train, frac, args.seed)
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            metrics = train_tasks(list(ALL_TASKS), subset, test, Path(tmp) / "m", config=config, dev=dev, seed=args.seed,
                                  stanford=stanford, cv=0, plot=False, data_desc=f"{frac:.0%} of the train split")
        row = {"fraction": frac, "n_train": len(subset), "seconds": round(time.perf_counter() - t0, 1)}
        for task in ALL_TASKS:
            m = metrics[task]["test"]
            row[task] = round(float(m[TASKS[task].metric] if TASKS[task].metric in m else m["accuracy"]), 4)
            if "accuracy" in m:
                row[task + "_accuracy"] = round(float(m["accuracy"]), 4)
        rows.append(row)
        print(json.dumps(row), flush=True)
    args.out.write_text(json.dumps({"seed": args.seed, "n_test": len(test), "rows": rows}, indent=1) + "\n", encoding="utf-8")
    head = ["fraction", "n_train"] + [f"{t} ({TASKS[t].metric})" for t in ALL_TASKS]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print(f"| {r['fraction']:.0%} | {r['n_train']} | " + " | ".join(f"{r[t]:.3f}" for t in ALL_TASKS) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
