"""Train the neural backend's classifiers (shipped in models/neural/) from data/ and ../shared/politeness/.

    python scripts/train_neural.py [--out models/neural] [--tasks politeness request_type transparency relationship]

Needs the neural extra (pip install torch==2.13.0 && pip install "refernlp[neural]").
For every task two heads are trained on the train split: the linear one and one
whose features also hold the frozen all-MiniLM-L6-v2 sentence embedding. They
are blended with a per-task weight chosen on 5-fold out-of-fold predictions
over the training data (refernlp.training.choose_blend; never dev or test) and
folded into one linear model. The politeness model card reports the Stanford
10-fold cross-validation of the blend, of each head alone, and nested (weight
re-chosen inside each fold). Prints dev and test metrics of both backends and
records them, with the chosen weights, in models/neural/summary.json. Only the
tasks named with --tasks are replaced.
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

from refernlp.critic import Critic  # noqa: E402
from refernlp.data import load_examples, load_stanford, stanford_binary  # noqa: E402
from refernlp.evaluation import evaluate_examples  # noqa: E402
from refernlp.modelio import MANIFEST  # noqa: E402
from refernlp.neural import Encoder  # noqa: E402
from refernlp.schema import CLASSIFIER_TASKS  # noqa: E402
from refernlp.training import SELECTION_METRIC, TrainingConfig, train_tasks  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "neural")
    ap.add_argument("--stanford", type=Path, default=ROOT.parent / "shared" / "politeness" / "wikipedia.annotated.csv")
    ap.add_argument("--tasks", nargs="*", default=list(CLASSIFIER_TASKS))
    ap.add_argument("--cv", type=int, default=10)
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
    args.out.mkdir(parents=True, exist_ok=True)
    for task in args.tasks:  # only the tasks trained now are replaced
        if (args.out / task).exists():
            shutil.rmtree(args.out / task)
        (tmp / task).rename(args.out / task)
    (tmp / "training-config.json").replace(args.out / "training-config.json")
    shutil.rmtree(tmp)
    (args.out / "selection.json").unlink(missing_ok=True)  # written by earlier versions of this script

    linear = Critic.load()
    neural = Critic.load(args.out, backend="neural")  # the models just written, wherever --out is
    summary = {"neural_weight": {}, "dev": {"linear": {}, "neural": {}}, "test": {"linear": {}, "neural": {}}}
    for split, data in (("dev", dev), ("test", test)):
        for name, critic in (("linear", linear), ("neural", neural)):
            tasks = evaluate_examples(critic, data)["tasks"]
            summary[split][name] = {t: tasks[t][SELECTION_METRIC[t]] for t in CLASSIFIER_TASKS}
    print(f"{'task':14} {'metric':9} {'w':>4} {'dev lin':>8} {'dev neu':>8} {'test lin':>8} {'test neu':>8}")
    for task in CLASSIFIER_TASKS:
        manifest = json.loads((args.out / task / MANIFEST).read_text()) if (args.out / task / MANIFEST).is_file() else {}
        w = manifest.get("blend", {}).get("neural_weight")
        summary["neural_weight"][task] = w
        cells = [summary[s][b][task] for s in ("dev", "test") for b in ("linear", "neural")]
        print(f"{task:14} {SELECTION_METRIC[task]:9} {w!s:>4} " + " ".join(f"{c:8.3f}" for c in cells))
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    print(f"wrote {args.tasks} to {args.out} ({time.perf_counter() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
