"""Measure fine-tuning all-MiniLM-L6-v2 on the Stanford politeness quartile task, fold by fold.

    python scripts/finetune_probe.py [--folds 0 1 2 ...] [--out finetune-probe.json]

The shipped neural backend uses the encoder frozen; `refernlp train --fine-tune`
fine-tunes it locally. This script is the measurement behind both. On each fold
of the same stratified 10-fold split the model cards use (seed 0) it runs the
library's own fine-tuning (refernlp.neural.fine_tune, default settings of
TrainingConfig) on the fold's training part, then reports the test accuracy of

- ``classifier``: the fine-tuning classifier itself (mean-pooled encoder + softmax);
- ``hybrid``: what `refernlp train --fine-tune` ships, a logistic regression on the
  n-gram and strategy features plus the fine-tuned embedding;

beside the frozen-encoder figures of the shipped politeness model card on the
same folds. Needs the neural and train extras and ../shared/politeness/. CPU
only: about 5 minutes per fold on 2 cores. Writes only --out.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stanford", type=Path, default=ROOT.parent / "shared" / "politeness" / "wikipedia.annotated.csv")
    ap.add_argument("--folds", type=int, nargs="*", default=list(range(10)))
    ap.add_argument("--encoder", type=Path, default=None, help="base encoder directory (default: the packaged all-MiniLM-L6-v2)")
    ap.add_argument("--config", type=Path, default=None, help="TrainingConfig TOML/JSON (fine_tune_epochs, fine_tune_lr, ...)")
    ap.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = ap.parse_args()
    if not args.stanford.is_file():
        print(f"error: {args.stanford} not found", file=sys.stderr)
        return 2
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from refernlp.data import stanford_binary
    from refernlp.neural import Encoder, fine_tune, mean_pool
    from refernlp.textio import prepare
    from refernlp.training import Featurizer, TrainingConfig, fit_lr

    config = TrainingConfig.from_file(args.config) if args.config else TrainingConfig()
    base = Encoder(args.encoder) if args.encoder else Encoder()
    texts, labels = stanford_binary(args.stanford)
    texts = [prepare(t).text for t in texts]
    y = np.asarray(labels)
    folds = list(StratifiedKFold(n_splits=10, shuffle=True, random_state=0).split(np.zeros(len(y)), y))
    card_path = ROOT / "models" / "neural" / "politeness" / "manifest.json"
    card = json.loads(card_path.read_text())["metrics"].get("stanford_cv", {}) if card_path.is_file() else {}
    torch = base.torch
    results = []
    for k in args.folds:
        tr, te = folds[k]
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            tuned = fine_tune(base, [texts[i] for i in tr], list(y[tr]), Path(tmp) / "encoder", epochs=config.fine_tune_epochs,
                              lr=config.fine_tune_lr, batch_size=config.fine_tune_batch_size, seed=0,
                              progress=lambda m, k=k: print(f"fold {k}: {m}", flush=True))
            seconds = time.perf_counter() - t0
            W, b, classes = tuned.fine_tune_head
            correct = 0
            with torch.inference_mode():
                for start in range(0, len(te), 64):
                    idx = te[start : start + 64]
                    batch = tuned.tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=tuned.max_length, return_tensors="pt")
                    hidden = tuned.model(**batch).last_hidden_state
                    pooled = mean_pool(hidden, batch["attention_mask"]).numpy()
                    pred = np.asarray(classes)[(pooled @ W.T + b).argmax(1)]
                    correct += int((pred == y[idx]).sum())
            fz = Featurizer()
            X = fz.hybrid(texts, config.features, tuned, config.embedding_weight)
            clf, _ = fit_lr(X[tr], y[tr], sorted(set(y)), config.politeness, None, 0)
            hybrid = float((clf.predict(X[te]) == y[te]).mean())
        row = {"fold": k, "classifier": round(correct / len(te), 4), "hybrid": round(hybrid, 4), "fine_tune_seconds": round(seconds, 1)}
        if card.get("components"):
            row["frozen_neural_head"] = card["components"]["neural"]["fold_accuracies"][k]
            row["frozen_blend_nested"] = card["nested"]["fold_accuracies"][k]
            row["linear_head"] = card["components"]["linear"]["fold_accuracies"][k]
        results.append(row)
        print(json.dumps(row), flush=True)
    summary = {}
    for key in ("classifier", "hybrid", "frozen_neural_head", "frozen_blend_nested", "linear_head"):
        vals = [r[key] for r in results if key in r]
        if vals:
            summary[key] = {"mean": round(float(np.mean(vals)), 4), "std": round(float(np.std(vals)), 4)}
    print(f"folds {args.folds}: " + "; ".join(f"{k} {v['mean']:.4f} ± {v['std']:.4f}" for k, v in summary.items()))
    if args.out:
        args.out.write_text(json.dumps({"folds": results, "summary": summary, "config": config.to_dict(), "threads": os.cpu_count()}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
