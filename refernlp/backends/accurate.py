"""The accurate backend's encoder: a fine-tuned all-MiniLM-L6-v2, run by onnxruntime.

``scripts/train_encoder.py`` fine-tunes the packaged all-MiniLM-L6-v2 end to
end on the referral corpus (one shared encoder, one head per task), exports it
to ONNX and quantizes it to int8. At inference only ``onnxruntime`` and the
``tokenizers`` library are used (no torch, no transformers): the draft is
tokenized (long drafts keep their head and their tail, where asks and
sign-offs are), the ONNX graph returns the mean-pooled token vectors, and the
task heads (folded into each task's :class:`~refernlp.modelio.LinearModel`
``dense`` weights, blended with the n-gram part) turn that into probabilities.

Every file of an encoder directory is listed with its sha256 in
``encoder-manifest.json`` and checked before any byte is used.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import MissingExtraError, ModelError
from ..modelio import sha256_file

#: manifest of an ONNX encoder directory
ONNX_MANIFEST = "encoder-manifest.json"
ONNX_FORMAT = "refernlp-onnx-encoder"
ONNX_FORMAT_VERSION = 1
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
#: token budget per draft; longer drafts keep HEAD_TOKENS from the start and the rest from the end
MAX_TOKENS = 256
HEAD_TOKENS = 160
#: encoder outputs are rounded so that batching (padding) cannot flip a decision by float noise
ROUND_DECIMALS = 4
MAX_MANIFEST_BYTES = 1 << 20


def load_tokenizer(path: str | os.PathLike[str]):
    """A ``tokenizers.Tokenizer`` from ``tokenizer.json`` with truncation and padding off (we do both)."""
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise MissingExtraError("the accurate backend needs the tokenizers package: pip install tokenizers onnxruntime") from None
    try:
        tok = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises plain Exception subclasses
        raise ModelError(f"cannot read the tokenizer {path}: {str(exc).splitlines()[0]}") from None
    tok.no_truncation()
    tok.no_padding()
    return tok


def head_tail(ids: Sequence[int], max_tokens: int = MAX_TOKENS, head: int = HEAD_TOKENS) -> list[int]:
    """Keep the first ``head`` and the last ``max_tokens - head`` token ids of a long sequence."""
    ids = list(ids)
    if len(ids) <= max_tokens:
        return ids
    return ids[:head] + ids[len(ids) - (max_tokens - head):]


def batch_arrays(tokenizer, texts: Sequence[str], max_tokens: int = MAX_TOKENS, head: int = HEAD_TOKENS) -> tuple[np.ndarray, np.ndarray]:
    """``(input_ids, attention_mask)`` int64 arrays for ``texts``, padded to the longest."""
    rows = [head_tail(e.ids, max_tokens, head) for e in tokenizer.encode_batch(list(texts))]
    width = max((len(r) for r in rows), default=1)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = r
        mask[i, : len(r)] = 1
    return ids, mask


def has_onnx_encoder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` holds an accurate-backend (ONNX) encoder rather than a torch one."""
    return (Path(path) / ONNX_MANIFEST).is_file() and (Path(path) / MODEL_FILE).is_file()


def read_onnx_manifest(path: Path) -> dict:
    """The checked manifest of an ONNX encoder directory."""
    mpath = Path(path) / ONNX_MANIFEST
    if not mpath.is_file():
        raise ModelError(f"{path}: no {ONNX_MANIFEST}; not an accurate-backend encoder directory")
    if mpath.stat().st_size > MAX_MANIFEST_BYTES:
        raise ModelError(f"{mpath}: manifest is too large")
    try:
        info = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{mpath}: cannot read the encoder manifest ({exc})") from None
    files = info.get("files") if isinstance(info, dict) else None
    if not isinstance(info, dict) or info.get("format") != ONNX_FORMAT or not isinstance(files, dict):
        raise ModelError(f"{mpath}: not a refernlp ONNX encoder manifest (expected format {ONNX_FORMAT!r})")
    if info.get("format_version") != ONNX_FORMAT_VERSION:
        raise ModelError(f"{mpath}: unsupported format_version {info.get('format_version')!r} (this refernlp reads {ONNX_FORMAT_VERSION})")
    for name in (MODEL_FILE, TOKENIZER_FILE):
        if name not in files:
            raise ModelError(f"{mpath}: no checksum listed for {name}")
    if not all(isinstance(k, str) and "/" not in k and isinstance(v, str) and len(v) == 64 for k, v in files.items()):
        raise ModelError(f"{mpath}: malformed file checksums")
    dim = info.get("dim")
    if type(dim) is not int or not 1 <= dim <= 4096:
        raise ModelError(f"{mpath}: 'dim' must be an integer embedding size")
    return info


class OnnxEncoder:
    """The fine-tuned encoder as an ONNX graph: ``encode(texts)`` gives mean-pooled vectors.

    Thread-safe (onnxruntime sessions may be shared between threads).
    ``batch_size`` defaults to 1: the int8 graph quantizes activations with a
    scale taken over the whole batch, so batching drafts together would make a
    draft's judgement depend on its neighbours; one draft per run keeps
    ``critique`` and ``critique_many`` identical (and wastes no padding). The
    interface (``encode``, ``dim``, ``fingerprint``, ``name``) is the one the
    task models' ``dense`` weights are checked against.
    """

    def __init__(self, model_dir: str | os.PathLike[str], *, batch_size: int = 1, threads: int | None = None) -> None:
        path = Path(model_dir)
        if not path.is_dir():
            raise ModelError(f"encoder directory {path} does not exist")
        info = read_onnx_manifest(path)
        for name, digest in info["files"].items():
            f = path / name
            if not f.is_file():
                raise ModelError(f"encoder file {f} is missing")
            if sha256_file(f) != digest:
                raise ModelError(f"encoder file {f}: checksum mismatch (corrupted or changed); refusing to load")
        try:
            import onnxruntime as ort
        except ImportError:
            raise MissingExtraError("the accurate backend needs onnxruntime: pip install onnxruntime tokenizers") from None
        self.path = path
        self.info = info
        self.name = str(info.get("name", path))
        self.dim = int(info["dim"])
        self.max_tokens = int(info.get("max_tokens", MAX_TOKENS))
        self.head_tokens = int(info.get("head_tokens", HEAD_TOKENS))
        self.batch_size = batch_size
        self.fingerprint = info["files"][MODEL_FILE]
        self.tokenizer = load_tokenizer(path / TOKENIZER_FILE)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads if threads is not None else min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(path / MODEL_FILE), sess_options=opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelError(f"cannot load {path / MODEL_FILE}: {str(exc).splitlines()[0]}") from None
        self._tok_lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pooled encoder outputs ``(len(texts), dim)`` float32; batched by length."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not len(texts):
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            with self._tok_lock:
                ids, mask = batch_arrays(self.tokenizer, [texts[i] for i in idx], self.max_tokens, self.head_tokens)
            (pooled,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            out[idx] = pooled
        return np.round(out, ROUND_DECIMALS)
