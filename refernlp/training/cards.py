"""Model cards: the human-readable README of every model directory, and its confusion-matrix plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .classifier import TrainResult


def save_confusion_png(path: Path, metrics: Mapping[str, Any], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "refernlp"
    cm = np.asarray(metrics["confusion_matrix"])
    labels = metrics["labels"]
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * len(labels), 1.0 + 1.0 * len(labels)), dpi=100)
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"{title} (test split)")
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", color="white" if cm[i, j] > cm.max() / 2 else "black")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


# --- orchestration (``refernlp train`` and scripts/train_models.py) -------------------
PUBLISHED = {"unigram SVM (2013)": 0.798, "strategies + unigrams SVM (2013)": 0.838, "human agreement (2013)": 0.867}


def model_card(task: str, result: TrainResult, data_desc: str) -> str:
    m = result.manifest
    lines = [f"# refernlp model: {task}", "", f"Trained by `refernlp` {m['versions']['refernlp']} ({data_desc}).", ""]
    tr = m["training"]
    lines += ["## Training", "", f"- examples: {tr['n_train']}" + (f" (candidates {tr['n_candidates']}, positive {tr['n_positive']})" if "n_candidates" in tr else ""), f"- data sha256: `{tr['data_sha256']}`", f"- seed: {tr['seed']}", f"- hyper-parameters: `{json.dumps(m['hyperparameters'])}`", f"- features: `{json.dumps(m['featurizer'])}`"]
    emb = m["featurizer"].get("embedding") if isinstance(m.get("featurizer"), dict) else None
    if emb:
        lines.append(f"- backend: neural — frozen encoder `{emb['encoder']}` (dim {emb['dim']}, sha256 of weights `{emb['encoder_sha256'][:16]}…`), mean-pooled unit-norm embedding × {emb['weight']} appended to the n-gram and strategy features; a linear head on top")
    blend = m.get("blend")
    enc = m.get("fine_tuned_encoder")
    if enc:
        lines.append(f"- encoder fine-tuned by `refernlp train --fine-tune` (in `../encoder/`, weights sha256 `{enc['sha256'][:16]}…`): {enc['epochs']} epochs, learning rate {enc['lr']}, batch {enc['batch_size']}, on these training examples")
    if blend and "fixed" in blend["selection"]:
        lines.append(f"- blend weight fixed at w = {blend['neural_weight']}: {blend['selection']['fixed']}")
    elif blend:
        sel = blend["selection"]
        lines.append(
            f"- blend: the linear head (n-gram and strategy features only) and the neural head are combined as "
            f"`z = (1 - w) * z_linear + w * z_neural` with **w = {blend['neural_weight']}**, folded into the saved weights; "
            f"w maximises {sel['metric']} on {sel['folds']}-fold out-of-fold predictions over the {sel['n']} training examples (never the test split)"
        )
        lines.append("- out-of-fold " + sel["metric"] + " by w: " + ", ".join(f"{r['weight']}: {r[sel['metric']]:.3f}" for r in sel["curve"]))
    if "label_counts" in tr:
        lines.append("- label counts: " + ", ".join(f"{k} {v}" for k, v in tr["label_counts"].items()))
    if "threshold" in m:
        lines.append(f"- decision threshold (tuned on dev): {m['threshold']}")
    lines.append("")
    metrics = result.metrics
    test = metrics.get("test")
    if test and "confusion_matrix" in test:
        lines += ["## Test-split metrics", "", f"- examples: {test['n']}", f"- accuracy: {test['accuracy']:.3f}", f"- macro-F1: {test['macro_f1']:.3f}", "", "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for label, s in test["per_class"].items():
            lines.append(f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
        labels = test["labels"]
        lines += ["", "Confusion matrix (rows gold, columns predicted):", "", "| gold \\ pred | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
        for label, row in zip(labels, test["confusion_matrix"]):
            lines.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
        comp = (blend or {}).get("components_test")
        if comp:
            lines += ["", "Each head alone on the same test split (the blend above is what ships):", "", "| head | accuracy | macro-F1 |", "|---|---|---|"]
            lines += [f"| {name} | {c['accuracy']:.3f} | {c['macro_f1']:.3f} |" for name, c in comp.items()]
        lines += ["", "![confusion matrix](confusion.png)", ""]
    elif test:
        lines += ["## Test-split metrics (exact match)", "", f"- precision {test['precision']:.3f}, recall {test['recall']:.3f}, F1 {test['f1']:.3f} (gold {test['n_gold']}, predicted {test['n_pred']}, correct {test['n_correct']})", ""]
    cv = metrics.get("stanford_cv")
    if cv:
        lines += ["## Stanford Politeness Corpus (Wikipedia), top vs bottom quartile", "", f"{cv['k']}-fold stratified cross-validation, same features and hyper-parameters, n = {cv['n']}:", "", "| system | accuracy |", "|---|---|"]
        if "components" in cv:
            nested = cv["nested"]
            lines += [
                f"| **this model: blend with the shipped weight w = {cv['neural_weight']}** | **{cv['mean_accuracy']:.3f}** (sd {cv['std']:.3f}) |",
                f"| **blend, w re-chosen inside each fold from its training part (nested, {nested['inner_folds']}-fold inner selection)** | **{nested['mean_accuracy']:.3f}** (sd {nested['std']:.3f}) |",
                f"| linear head alone | {cv['components']['linear']['mean_accuracy']:.3f} (sd {cv['components']['linear']['std']:.3f}) |",
                f"| neural head alone | {cv['components']['neural']['mean_accuracy']:.3f} (sd {cv['components']['neural']['std']:.3f}) |",
            ]
        else:
            lines.append(f"| **this model (mean of {cv['k']} folds)** | **{cv['mean_accuracy']:.3f}** (sd {cv['std']:.3f}) |")
        for name, acc in PUBLISHED.items():
            lines.append(f"| {name} | {acc:.3f} |")
        lines += ["", "Per-fold accuracies: " + ", ".join(f"{a:.3f}" for a in cv["fold_accuracies"]), ""]
        if "components" in cv:
            lines += [
                "The shipped weight was chosen for what this model does, the 3-way politeness of the training data "
                "(drafts and Stanford requests together); the nested row applies the same selection rule to the "
                "binary Wikipedia task inside each fold, so no fold's test part influences its weight. The embedding "
                "weight and C were chosen on this same cross-validation (a grid of 8 settings), so all rows are slightly optimistic.",
                "",

                "Nested per-fold accuracies: " + ", ".join(f"{a:.3f}" for a in cv["nested"]["fold_accuracies"]) + " (inner weights " + ", ".join(str(w) for w in cv["nested"]["weights"]) + ")",
                "",
                "Linear head per fold: " + ", ".join(f"{a:.3f}" for a in cv["components"]["linear"]["fold_accuracies"]),
                "",
                "Neural head per fold: " + ", ".join(f"{a:.3f}" for a in cv["components"]["neural"]["fold_accuracies"]),
                "",
            ]
    if task == "politeness":
        lines += ["## Attribution", "", "Trained in part on the Stanford Politeness Corpus (Wikipedia requests), Danescu-Niculescu-Mizil, Sudhof, Jurafsky, Leskovec and Potts, \"A computational approach to politeness with application to social factors\", ACL 2013; corpus distributed under CC BY 4.0 by ConvoKit.", ""]
    lines += ["## Files", "", "- `manifest.json`: format version, labels, features, versions, data hash, metrics, sha256 of `weights.npz`", "- `weights.npz`: float32 arrays `coef` and `intercept`" + (" and `dense` (weights on the sentence embedding)" if emb else "") + ", loaded with `allow_pickle=False`", ""]
    return "\n".join(lines)


def metrics_summary(metrics: Mapping[str, Any]) -> str:
    test = metrics.get("test")
    parts = []
    if test and "accuracy" in test:
        parts.append(f"test accuracy {test['accuracy']:.3f}, macro-F1 {test['macro_f1']:.3f}")
    elif test:
        parts.append(f"test F1 {test['f1']:.3f}")
    if "stanford_cv" in metrics:
        parts.append(f"Stanford CV accuracy {metrics['stanford_cv']['mean_accuracy']:.3f}")
    return "; ".join(parts) or "no test data"
