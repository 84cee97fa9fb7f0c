"""Fine-tuning the accurate backend's encoder (the only torch imports) and exporting it to ONNX.

One shared all-MiniLM-L6-v2 encoder, fine-tuned end to end with one linear head
per task on its mean-pooled output (multi-task: one encoder pass serves every
task, and one int8 encoder fits the package's size budget where one encoder per
task would not). The epoch kept is the one with the best mean dev accuracy; the
test split is never looked at here. :func:`export_onnx` writes the encoder as an
ONNX graph (``input_ids``, ``attention_mask`` -> mean-pooled vectors) and its
int8 dynamic quantization; :mod:`refernlp.backends.accurate` runs it.
"""

from __future__ import annotations

import copy
import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from ..backends.accurate import (
    HEAD_TOKENS,
    MAX_TOKENS,
    MODEL_FILE,
    ONNX_FORMAT,
    ONNX_FORMAT_VERSION,
    ONNX_MANIFEST,
    TOKENIZER_FILE,
    batch_arrays,
    load_tokenizer,
)
from ..errors import ModelError
from ..modelio import sha256_file


def head_tasks() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every classifier task of the schema plus ``asks_introduction`` (labels ``false``/``true``)."""
    from ..schema import CLASSIFIER_TASKS, TASKS

    heads = {t: (TASKS[t].column, tuple(TASKS[t].labels)) for t in CLASSIFIER_TASKS}
    heads["asks_introduction"] = ("asks_introduction", ("false", "true"))
    return heads


def label_index(value, labels: Sequence[str]) -> int:
    """Index of a gold value among ``labels`` (booleans as ``false``/``true``); -1 when absent."""
    if isinstance(value, bool):
        value = str(value).lower()
    return labels.index(value) if isinstance(value, str) and value in labels else -1


@dataclass
class FineTuneConfig:
    epochs: int = 6
    lr: float = 5e-5
    head_lr: float = 1e-3
    batch_size: int = 16
    warmup: float = 0.1
    weight_decay: float = 0.01
    seed: int = 0
    max_tokens: int = MAX_TOKENS
    head_tokens: int = HEAD_TOKENS
    threads: int = 2

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class FineTuned:
    """The result of :func:`fine_tune_multitask` (torch objects; training side only)."""

    model: object
    heads: dict[str, tuple[np.ndarray, np.ndarray]]
    labels: dict[str, tuple[str, ...]]
    best_epoch: int
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0


def _targets(examples, heads) -> dict[str, np.ndarray]:
    return {t: np.asarray([label_index(e.labels.get(col), labels) for e in examples]) for t, (col, labels) in heads.items()}


def _batches(lengths: np.ndarray, batch_size: int, rng) -> list[np.ndarray]:
    """Shuffled batches of similar length (less padding, same examples every epoch)."""
    order = rng.permutation(len(lengths))
    chunk = batch_size * 32
    out = []
    for start in range(0, len(order), chunk):
        part = order[start : start + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        out.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    return [out[i] for i in rng.permutation(len(out))]


def fine_tune_multitask(
    base_dir: Path,
    train_texts: Sequence[str],
    train_examples: Sequence,
    dev_texts: Sequence[str],
    dev_examples: Sequence,
    config: FineTuneConfig,
    progress: Callable[[str], None] | None = None,
) -> FineTuned:
    """Fine-tune the encoder in ``base_dir`` with one head per task; keep the best epoch on dev."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    say = progress or (lambda m: None)
    heads_spec = head_tasks()
    tokenizer = load_tokenizer(Path(base_dir) / TOKENIZER_FILE)
    model = AutoModel.from_pretrained(str(base_dir), local_files_only=True, use_safetensors=True)
    dim = int(model.config.hidden_size)
    heads = torch.nn.ModuleDict({t: torch.nn.Linear(dim, len(labels)) for t, (_, labels) in heads_spec.items()})
    y_train, y_dev = _targets(train_examples, heads_spec), _targets(dev_examples, heads_spec)
    lengths = np.asarray([len(e.ids) for e in tokenizer.encode_batch(list(train_texts))])
    rng = np.random.default_rng(config.seed)
    per_epoch = (len(train_texts) + config.batch_size - 1) // config.batch_size
    steps = max(1, config.epochs * per_epoch)
    warm = max(1, int(config.warmup * steps))
    opt = torch.optim.AdamW(
        [{"params": model.parameters(), "lr": config.lr}, {"params": heads.parameters(), "lr": config.head_lr}],
        weight_decay=config.weight_decay,
    )
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / max(1, steps - warm)))

    def pooled(texts):
        ids, mask = batch_arrays(tokenizer, texts, config.max_tokens, config.head_tokens)
        ids_t, mask_t = torch.as_tensor(ids), torch.as_tensor(mask)
        hidden = model(input_ids=ids_t, attention_mask=mask_t, token_type_ids=torch.zeros_like(ids_t)).last_hidden_state
        m = mask_t.unsqueeze(-1).to(hidden.dtype)
        return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)

    def dev_scores() -> dict[str, float]:
        model.eval()
        order = np.argsort([len(t) for t in dev_texts])
        logits = {t: np.zeros((len(dev_texts), len(heads_spec[t][1]))) for t in heads_spec}
        with torch.inference_mode():
            for start in range(0, len(order), 32):
                idx = order[start : start + 32]
                p = pooled([dev_texts[i] for i in idx])
                for t in heads_spec:
                    logits[t][idx] = heads[t](p).numpy()
        model.train()
        out = {}
        for t, z in logits.items():
            keep = y_dev[t] >= 0
            out[t] = float((z[keep].argmax(1) == y_dev[t][keep]).mean()) if keep.any() else float("nan")
        return out

    t0 = time.perf_counter()
    best, best_score, best_epoch, history = None, -1.0, 0, []
    model.train()
    for epoch in range(config.epochs):
        total, n = 0.0, 0
        for b, idx in enumerate(_batches(lengths, config.batch_size, rng)):
            p = pooled([train_texts[i] for i in idx])
            loss = 0.0
            for t in heads_spec:
                y = torch.as_tensor(y_train[t][idx])
                if (y >= 0).any():
                    loss = loss + torch.nn.functional.cross_entropy(heads[t](p), y, ignore_index=-1)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(model.parameters()) + list(heads.parameters()), 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
            n += len(idx)
            if b % 50 == 0:
                say(f"epoch {epoch + 1}/{config.epochs} batch {b}/{per_epoch}: loss {total / max(1, n):.3f} ({time.perf_counter() - t0:.0f}s)")
        scores = dev_scores()
        mean = float(np.nanmean(list(scores.values())))
        history.append({"epoch": epoch + 1, "train_loss": round(total / max(1, n), 4), "dev_accuracy": {k: round(v, 4) for k, v in scores.items()}, "dev_mean": round(mean, 4), "seconds": round(time.perf_counter() - t0, 1)})
        say(f"epoch {epoch + 1}: dev " + " ".join(f"{k} {v:.3f}" for k, v in scores.items()) + f" (mean {mean:.4f})")
        if mean > best_score:
            best_score, best_epoch = mean, epoch + 1
            best = (copy.deepcopy(model.state_dict()), copy.deepcopy(heads.state_dict()))
    model.load_state_dict(best[0])
    heads.load_state_dict(best[1])
    model.eval()
    head_arrays = {t: (heads[t].weight.detach().numpy().copy(), heads[t].bias.detach().numpy().copy()) for t in heads_spec}
    return FineTuned(model, head_arrays, {t: labels for t, (_, labels) in heads_spec.items()}, best_epoch, history, time.perf_counter() - t0)


def export_onnx(tuned: FineTuned, base_dir: Path, out_dir: Path, *, name: str, training: Mapping, quantize: bool = True) -> dict[str, Path]:
    """Write ``model.onnx`` (fp32, and ``model.int8.onnx`` when ``quantize``) plus the tokenizer into ``out_dir``.

    Returns the paths written. :func:`write_manifest` then records the one that ships.
    """
    import shutil

    import torch

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = tuned.model

    class Pooled(torch.nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)

    wrapper = Pooled(model).eval()
    ids = torch.ones((2, 12), dtype=torch.int64)
    mask = torch.ones((2, 12), dtype=torch.int64)
    fp32 = out / "model.fp32.onnx"
    with torch.inference_mode():
        torch.onnx.export(
            wrapper, (ids, mask), str(fp32), input_names=["input_ids", "attention_mask"], output_names=["pooled"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "pooled": {0: "batch"}},
            opset_version=17, dynamo=False,
        )
    paths = {"fp32": fp32}
    if quantize:
        paths["int8"] = quantize_int8(fp32, out / "model.int8.onnx")
    shutil.copyfile(Path(base_dir) / TOKENIZER_FILE, out / TOKENIZER_FILE)
    return paths


#: how the shipped encoder is quantized: int8 weights, one scale per output channel
#: (per-tensor scales cost 2.6 points of dev politeness accuracy, per-channel 0.8)
QUANTIZATION = "int8 dynamic, per-channel weights (onnxruntime.quantization.quantize_dynamic)"


def quantize_int8(fp32: Path, int8: Path) -> Path:
    """Dynamic int8 quantization of an exported encoder, per-channel weight scales."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.ERROR)  # onnxruntime's "consider pre-processing" notice
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    return Path(int8)


def write_manifest(out_dir: Path, model_path: Path, *, name: str, dim: int, base: Mapping, training: Mapping, quantization: str, versions: Mapping | None = None) -> dict:
    """Move ``model_path`` to ``model.onnx`` in ``out_dir`` and write the checksummed manifest."""
    out = Path(out_dir)
    target = out / MODEL_FILE
    if Path(model_path) != target:
        Path(model_path).replace(target)
    files = {n: sha256_file(out / n) for n in (MODEL_FILE, TOKENIZER_FILE)}
    if not all(files.values()):
        raise ModelError(f"{out}: encoder files missing")
    info = {
        "format": ONNX_FORMAT,
        "format_version": ONNX_FORMAT_VERSION,
        "name": name,
        "dim": int(dim),
        "max_tokens": training.get("max_tokens", MAX_TOKENS),
        "head_tokens": training.get("head_tokens", HEAD_TOKENS),
        "pooling": "mean over real tokens (not normalised)",
        "quantization": quantization,
        "base": dict(base),
        "training": dict(training),
        "versions": dict(versions or {"python": platform.python_version()}),
        "files": files,
    }
    (out / ONNX_MANIFEST).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return info
