"""Measure fine-tuning all-MiniLM-L6-v2 on the Stanford politeness quartile task, fold by fold.

    python scripts/finetune_probe.py [--folds 0 1 2] [--epochs 3] [--lr 3e-5]

The neural backend uses the encoder frozen (see README, "Neural backend"); this
script is the measurement behind that choice. It fine-tunes the whole encoder
with a mean-pooled linear classifier on the training part of the same
stratified 10-fold split the model cards use (seed 0), reports each fold's
test accuracy and wall time, and prints the frozen-encoder blend and heads of
the shipped politeness model card on the same folds beside it. Needs the
neural extra and ../shared/politeness/. CPU only; nothing is written except
--out (JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from refernlp.data import stanford_binary  # noqa: E402
from refernlp.neural import ENCODER_SHA256, packaged_encoder_dir, require_extra, verify_files  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stanford", type=Path, default=ROOT.parent / "shared" / "politeness" / "wikipedia.annotated.csv")
    ap.add_argument("--folds", type=int, nargs="*", default=[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = ap.parse_args()
    if not args.stanford.is_file():
        print(f"error: {args.stanford} not found", file=sys.stderr)
        return 2
    require_extra()
    import numpy as np
    import torch
    from sklearn.model_selection import StratifiedKFold
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    torch.set_num_threads(args.threads)
    path = packaged_encoder_dir()
    verify_files(path, ENCODER_SHA256)
    texts, labels = stanford_binary(args.stanford)
    y = np.asarray([1 if lab == "polite" else 0 for lab in labels])
    folds = list(StratifiedKFold(n_splits=10, shuffle=True, random_state=0).split(np.zeros(len(y)), y))
    tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    card = json.loads((ROOT / "models" / "neural" / "politeness" / "manifest.json").read_text())["metrics"].get("stanford_cv", {})

    def pooled(model, batch):
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    results = []
    for k in args.folds:
        tr, te = folds[k]
        torch.manual_seed(0)
        encoder = AutoModel.from_pretrained(str(path), local_files_only=True, use_safetensors=True)
        head = torch.nn.Linear(encoder.config.hidden_size, 2)
        params = list(encoder.parameters()) + list(head.parameters())
        opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
        steps = args.epochs * ((len(tr) + args.batch_size - 1) // args.batch_size)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, (steps - s) / steps))
        rng = np.random.default_rng(0)
        t0 = time.perf_counter()
        encoder.train()
        for epoch in range(args.epochs):
            order = rng.permutation(tr)
            for start in range(0, len(order), args.batch_size):
                idx = order[start : start + args.batch_size]
                batch = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=args.max_length, return_tensors="pt")
                logits = head(pooled(encoder, batch))
                loss = torch.nn.functional.cross_entropy(logits, torch.as_tensor(y[idx]))
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
                sched.step()
            print(f"fold {k} epoch {epoch + 1}: last loss {loss.item():.3f} ({time.perf_counter() - t0:.0f}s)", flush=True)
        train_s = time.perf_counter() - t0
        encoder.eval()
        correct = 0
        with torch.inference_mode():
            for start in range(0, len(te), 64):
                idx = te[start : start + 64]
                batch = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=args.max_length, return_tensors="pt")
                correct += int((head(pooled(encoder, batch)).argmax(1).numpy() == y[idx]).sum())
        acc = correct / len(te)
        row = {"fold": k, "fine_tuned_accuracy": round(acc, 4), "train_seconds": round(train_s, 1)}
        if card.get("components"):
            row["frozen_neural_head"] = card["components"]["neural"]["fold_accuracies"][k]
            row["frozen_blend_nested"] = card["nested"]["fold_accuracies"][k]
        results.append(row)
        print(json.dumps(row), flush=True)
    mean = float(np.mean([r["fine_tuned_accuracy"] for r in results]))
    print(f"fine-tuned mean over folds {args.folds}: {mean:.4f}; train time per fold {np.mean([r['train_seconds'] for r in results]):.0f}s")
    if args.out:
        args.out.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "folds": results, "mean": round(mean, 4)}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
