"""Rebuild every shipped model in models/ from data/ and ../shared/politeness/.

    python scripts/train_models.py [--out models] [--stanford ../shared/politeness/wikipedia.annotated.csv]

Runs the same training code as `refernlp train all` (refernlp.training.train_tasks):
train split for fitting, dev split for the slot-ranker thresholds, test split for
the reported metrics only. The output is deterministic: the same data and seed
give byte-identical weight files.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refernlp.data import load_examples, load_stanford, stanford_binary  # noqa: E402
from refernlp.schema import ALL_TASKS  # noqa: E402
from refernlp.training import TrainingConfig, train_tasks  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "models")
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--stanford", type=Path, default=ROOT.parent / "shared" / "politeness" / "wikipedia.annotated.csv")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cv", type=int, default=10)
    ap.add_argument("--tasks", nargs="*", default=list(ALL_TASKS))
    args = ap.parse_args()
    t0 = time.perf_counter()
    config = TrainingConfig()
    train = load_examples(args.data / "train.jsonl")
    dev = load_examples(args.data / "dev.jsonl")
    test = load_examples(args.data / "test.jsonl")
    stanford, binary = [], None
    if args.stanford.is_file():
        stanford = load_stanford(args.stanford, weight=config.stanford_weight)
        binary = stanford_binary(args.stanford)
    else:
        print(f"warning: {args.stanford} not found: politeness is trained on data/ only", file=sys.stderr)
    tmp_out = args.out.with_name(args.out.name + ".new")
    if tmp_out.exists():
        shutil.rmtree(tmp_out)
    metrics = train_tasks(
        args.tasks, train, test, tmp_out, config=config, dev=dev, seed=args.seed, stanford=stanford,
        stanford_binary=binary, cv=args.cv, progress=lambda m: print(m, flush=True),
        data_desc="refernlp data/ train split" + (" + Stanford Politeness Corpus (Wikipedia)" if stanford else ""),
    )
    args.out.mkdir(exist_ok=True)
    for task in args.tasks:
        if (args.out / task).exists():
            shutil.rmtree(args.out / task)
        (tmp_out / task).rename(args.out / task)
    (tmp_out / "training-config.json").replace(args.out / "training-config.json")
    shutil.rmtree(tmp_out)
    print(f"trained {len(args.tasks)} models in {time.perf_counter() - t0:.1f}s")
    for task, m in metrics.items():
        print(task, {k: v for k, v in m.get("test", {}).items() if k in ("accuracy", "macro_f1", "f1", "precision", "recall")})
    return 0


if __name__ == "__main__":
    sys.exit(main())
