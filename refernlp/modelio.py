"""Safe model persistence: JSON manifest + ``.npz`` arrays, sha256-checked, never pickle.

A model directory holds ``manifest.json`` (format version, task, labels,
feature configuration, library versions, training-data hash, metrics, and the
sha256 of every file it uses), ``weights.npz`` (loaded with
``allow_pickle=False``) and a human model card ``README.md``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .errors import ModelError

FORMAT = "refernlp-linear"
FORMAT_VERSION = 1
WEIGHTS = "weights.npz"
MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Write arrays as a deterministic ``.npz`` (fixed zip timestamps, sorted names)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class LinearModel:
    """A linear classifier whose inference is plain numpy.

    ``coef`` has shape ``(n_classes, n_features)`` (one row for a binary model,
    whose positive class is ``labels[1]``), ``intercept`` ``(n_classes,)`` or ``(1,)``.
    """

    task: str
    labels: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    manifest: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_features(self) -> int:
        return int(self.coef.shape[1])

    def decision(self, indices: np.ndarray, values: np.ndarray) -> np.ndarray:
        if len(indices) == 0:
            return self.intercept.astype(np.float64)
        return self.coef[:, indices].astype(np.float64) @ values + self.intercept

    def predict_proba(self, indices, values) -> np.ndarray:
        """Class probabilities in ``labels`` order for one sparse row."""
        z = self.decision(np.asarray(indices, dtype=np.int64), np.asarray(values, dtype=np.float64))
        if self.coef.shape[0] == 1:
            p = 1.0 / (1.0 + np.exp(-z[0]))
            return np.array([1.0 - p, p])
        z = z - z.max()
        e = np.exp(z)
        return e / e.sum()

    def save(self, directory: Path, manifest: Mapping[str, Any]) -> None:
        """Write weights and manifest (with checksums) into an existing directory."""
        directory = Path(directory)
        write_npz(
            directory / WEIGHTS,
            {"coef": self.coef.astype(np.float32), "intercept": self.intercept.astype(np.float32)},
        )
        files = {WEIGHTS: {"sha256": sha256_file(directory / WEIGHTS), "bytes": (directory / WEIGHTS).stat().st_size}}
        full = dict(manifest)
        full.update({"format": FORMAT, "format_version": FORMAT_VERSION, "task": self.task, "labels": list(self.labels), "files": files})
        write_json(directory / MANIFEST, full)

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> "LinearModel":
        """Load and verify a model directory; any problem raises :class:`ModelError`."""
        directory = Path(directory)
        where = str(directory)
        if not directory.exists():
            raise ModelError(f"model directory {where} does not exist")
        if not directory.is_dir():
            raise ModelError(f"{where} is a file, not a model directory")
        mpath = directory / MANIFEST
        if not mpath.is_file():
            raise ModelError(f"{where}: no {MANIFEST}")
        try:
            manifest = json.loads(mpath.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{mpath}: manifest is not valid JSON ({exc})") from None
        if not isinstance(manifest, dict):
            raise ModelError(f"{mpath}: manifest must be a JSON object")
        if manifest.get("format") != FORMAT:
            raise ModelError(f"{mpath}: unknown model format {manifest.get('format')!r} (expected {FORMAT!r})")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ModelError(
                f"{mpath}: unsupported format_version {manifest.get('format_version')!r} "
                f"(this refernlp reads version {FORMAT_VERSION}); retrain with `refernlp train`"
            )
        labels = manifest.get("labels")
        if not isinstance(labels, list) or len(labels) < 2 or not all(isinstance(x, str) for x in labels):
            raise ModelError(f"{mpath}: manifest has no valid 'labels' list")
        files = manifest.get("files")
        if not isinstance(files, dict) or WEIGHTS not in files or "sha256" not in files[WEIGHTS]:
            raise ModelError(f"{mpath}: manifest lists no checksum for {WEIGHTS}")
        wpath = directory / WEIGHTS
        if not wpath.is_file():
            raise ModelError(f"{where}: {WEIGHTS} is missing")
        actual = sha256_file(wpath)
        if actual != files[WEIGHTS]["sha256"]:
            raise ModelError(f"{wpath}: checksum mismatch (file changed or corrupted); refusing to load")
        try:
            with np.load(wpath, allow_pickle=False) as npz:
                coef = np.asarray(npz["coef"], dtype=np.float32)
                intercept = np.asarray(npz["intercept"], dtype=np.float32)
        except (ValueError, OSError, KeyError, zipfile.BadZipFile, EOFError) as exc:
            raise ModelError(f"{wpath}: not a valid weights file ({exc})") from None
        n_rows = 1 if len(labels) == 2 else len(labels)
        if coef.ndim != 2 or coef.shape[0] != n_rows or intercept.shape != (n_rows,):
            raise ModelError(f"{wpath}: weight shapes {coef.shape}/{intercept.shape} do not match {len(labels)} labels")
        feat = manifest.get("featurizer", {})
        n_bits = feat.get("n_bits") if isinstance(feat, dict) else None
        if not isinstance(n_bits, int) or coef.shape[1] != 1 << n_bits:
            raise ModelError(f"{wpath}: weight width {coef.shape[1]} does not match featurizer n_bits {n_bits!r}")
        coef.setflags(write=False)
        intercept.setflags(write=False)
        return cls(task=str(manifest.get("task")), labels=tuple(labels), coef=coef, intercept=intercept, manifest=manifest)
