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
import math
import os
import zipfile
import zlib
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


def probabilities(z: np.ndarray) -> np.ndarray:
    """Class probabilities from decision values: a sigmoid for one column, a softmax otherwise.

    ``z`` is one row ``(n_rows,)`` or a matrix ``(n_samples, n_rows)``; the one
    implementation used at inference and in training.
    """
    z = np.asarray(z, dtype=np.float64)
    rows = z[None, :] if z.ndim == 1 else z
    if rows.shape[1] == 1:
        p = 1.0 / (1.0 + np.exp(-rows[:, 0]))
        out = np.stack([1.0 - p, p], axis=1)
    else:
        e = np.exp(rows - rows.max(axis=1, keepdims=True))
        out = e / e.sum(axis=1, keepdims=True)
    return out[0] if z.ndim == 1 else out


@dataclass(frozen=True)
class LinearModel:
    """A linear classifier whose inference is plain numpy.

    ``coef`` has shape ``(n_classes, n_features)`` (one row for a binary model,
    whose positive class is ``labels[1]``), ``intercept`` ``(n_classes,)`` or ``(1,)``.
    ``dense`` (neural backend only) has shape ``(n_classes, dim)``: weights on a
    sentence embedding, added to the sparse part when an embedding is given.
    """

    task: str
    labels: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    manifest: Mapping[str, Any] = field(default_factory=dict)
    dense: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        return int(self.coef.shape[1])

    def decision(self, indices: np.ndarray, values: np.ndarray, embedding: np.ndarray | None = None) -> np.ndarray:
        if len(indices) == 0:
            z = self.intercept.astype(np.float64)
        else:
            z = self.coef[:, indices].astype(np.float64) @ values + self.intercept
        if self.dense is not None and embedding is not None:
            z = z + self.dense.astype(np.float64) @ np.asarray(embedding, dtype=np.float64)
        return z

    def predict_proba(self, indices, values, embedding: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities in ``labels`` order for one sparse row (and its embedding, if ``dense``)."""
        z = self.decision(np.asarray(indices, dtype=np.int64), np.asarray(values, dtype=np.float64))
        return self.proba_from_decision(z, embedding)

    def proba_from_decision(self, z: np.ndarray, embedding: np.ndarray | None = None) -> np.ndarray:
        """Probabilities from the sparse part's decision values (the embedding term is added here)."""
        if self.dense is not None and embedding is not None:
            z = z + self.dense.astype(np.float64) @ np.asarray(embedding, dtype=np.float64)
        return probabilities(z)

    def save(self, directory: Path, manifest: Mapping[str, Any], *, coef_from: Mapping[str, Any] | None = None) -> None:
        """Write weights and manifest (with checksums) into an existing directory.

        ``coef_from`` (``{"task", "sha256", "scale"}``) stores no sparse weights:
        they are the linear model of the same task in the models root
        (``../../<task>/``, whose weights must have that sha256) times ``scale``.
        The accurate backend's models use it so the n-gram weights ship once.
        """
        directory = Path(directory)
        arrays = {"intercept": self.intercept.astype(np.float32)}
        if coef_from is None:
            # float16 when that loses nothing (models from refernlp's training are rounded to it)
            half = self.coef.astype(np.float16)
            arrays["coef"] = half if np.array_equal(half.astype(np.float32), self.coef) else self.coef.astype(np.float32)
        if self.dense is not None:
            arrays["dense"] = self.dense.astype(np.float32)
        write_npz(directory / WEIGHTS, arrays)
        files = {WEIGHTS: {"sha256": sha256_file(directory / WEIGHTS), "bytes": (directory / WEIGHTS).stat().st_size}}
        full = dict(manifest)
        full.pop("dense_dim", None)
        full.update({"format": FORMAT, "format_version": FORMAT_VERSION, "task": self.task, "labels": list(self.labels), "files": files})
        full.pop("coef_from", None)
        if coef_from is not None:
            full["coef_from"] = dict(coef_from)
        if self.dense is not None:
            full["dense_dim"] = int(self.dense.shape[1])
        write_json(directory / MANIFEST, full)

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> "LinearModel":
        """Load and verify a model directory; any problem raises :class:`ModelError`.

        Nothing in the directory is trusted before it is checked: the manifest is
        validated, the weights' size and sha256 are compared with it, each array's
        header (dtype and shape) is checked *before* its data is read, and pickles
        are never loaded, so a hostile directory can neither run code nor make
        refernlp allocate more than the declared model size.
        """
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
            manifest = json.loads(_read_limited(mpath, MAX_MANIFEST_BYTES).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise ModelError(f"{mpath}: manifest is not valid JSON ({_one_line(exc)})") from None
        if not isinstance(manifest, dict):
            raise ModelError(f"{mpath}: manifest must be a JSON object")
        if manifest.get("format") != FORMAT:
            raise ModelError(f"{mpath}: unknown model format {manifest.get('format')!r} (expected {FORMAT!r})")
        version = manifest.get("format_version")
        if type(version) is not int or version != FORMAT_VERSION:
            raise ModelError(
                f"{mpath}: unsupported format_version {version!r} "
                f"(this refernlp reads version {FORMAT_VERSION}); retrain with `refernlp train`"
            )
        labels = manifest.get("labels")
        if (
            not isinstance(labels, list)
            or len(labels) < 2
            or not all(isinstance(x, str) and x for x in labels)
            or len(set(labels)) != len(labels)
        ):
            raise ModelError(f"{mpath}: manifest has no valid 'labels' list (two or more distinct names)")
        feat = manifest.get("featurizer")
        n_bits = _check_featurizer(feat, mpath)
        threshold = manifest.get("threshold", 0.5)
        if not _is_real(threshold) or not 0.0 <= threshold <= 1.0:
            raise ModelError(f"{mpath}: 'threshold' must be a number between 0 and 1, got {threshold!r}")
        files = manifest.get("files")
        entry = files.get(WEIGHTS) if isinstance(files, dict) else None
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise ModelError(f"{mpath}: manifest lists no checksum for {WEIGHTS}")
        wpath = directory / WEIGHTS
        if not wpath.is_file():
            raise ModelError(f"{where}: {WEIGHTS} is missing")
        try:
            size = wpath.stat().st_size
            declared = entry.get("bytes")
            if isinstance(declared, int) and declared != size:
                raise ModelError(
                    f"{wpath}: checksum mismatch ({size:,} bytes, the manifest says {declared:,}); refusing to load"
                )
            actual = sha256_file(wpath)
        except OSError as exc:
            raise ModelError(f"{wpath}: cannot read ({exc.strerror or exc})") from None
        if actual != entry["sha256"]:
            raise ModelError(f"{wpath}: checksum mismatch (file changed or corrupted); refusing to load")
        n_rows = 1 if len(labels) == 2 else len(labels)
        expected = {"coef": (n_rows, 1 << n_bits), "intercept": (n_rows,)}
        dense_dim = manifest.get("dense_dim")
        if dense_dim is not None:
            if type(dense_dim) is not int or not 1 <= dense_dim <= MAX_DENSE_DIM:
                raise ModelError(f"{mpath}: 'dense_dim' must be an integer from 1 to {MAX_DENSE_DIM}, got {dense_dim!r}")
            expected["dense"] = (n_rows, dense_dim)
        base = None
        if "coef_from" in manifest:
            base, scale = _coef_base(directory, manifest, mpath, n_rows, n_bits)
            del expected["coef"]
        arrays = _read_weights(wpath, expected)
        if base is not None:
            arrays["coef"] = base.coef * np.float32(scale)
        for name in arrays:
            arrays[name] = arrays[name].astype(np.float32, copy=False)
            if not np.isfinite(arrays[name]).all():
                raise ModelError(f"{wpath}: weights contain NaN or infinite values")
            arrays[name].setflags(write=False)
        return cls(
            task=str(manifest.get("task")),
            labels=tuple(labels),
            coef=arrays["coef"],
            intercept=arrays["intercept"],
            manifest=manifest,
            dense=arrays.get("dense"),
        )


def _coef_base(directory: Path, manifest: Mapping[str, Any], mpath: Path, n_rows: int, n_bits: int) -> tuple["LinearModel", float]:
    """The linear model whose weights a ``coef_from`` manifest reuses, verified, and the scale."""
    ref = manifest["coef_from"]
    if not isinstance(ref, dict) or ref.get("task") != manifest.get("task") or not isinstance(ref.get("sha256"), str) or not _is_real(ref.get("scale")) or ref["scale"] < 0:
        raise ModelError(f"{mpath}: 'coef_from' must be {{'task': <this task>, 'sha256': <weights sha256>, 'scale': number >= 0}}")
    base_dir = directory.parent.parent / str(ref["task"])
    try:
        base = LinearModel.load(base_dir)
    except ModelError as exc:
        raise ModelError(f"{exc} (the accurate {ref['task']} model reuses its n-gram weights)") from None
    if "coef_from" in base.manifest:
        raise ModelError(f"{mpath}: 'coef_from' must name a model with its own weights")
    if base.manifest["files"][WEIGHTS]["sha256"] != ref["sha256"]:
        raise ModelError(f"{mpath}: built on other {ref['task']} weights than those in {base_dir} (retrain with scripts/train_encoder.py --reuse)")
    if base.coef.shape != (n_rows, 1 << n_bits):
        raise ModelError(f"{mpath}: the weights in {base_dir} have another shape")
    return base, float(ref["scale"])


MAX_MANIFEST_BYTES = 16 * 1024**2
MAX_N_BITS = 24
MAX_DENSE_DIM = 8192
_FLOAT_KINDS = "f"
_PICKLE_START = (b"\x80", b"(", b"c", b"]", b"}")  # pickle protocols 2-5, and 0/1 opcodes


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _is_real(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _read_limited(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as fh:
            # read(n) reserves n bytes up front: ask only for what the file holds
            data = fh.read(min(limit, os.fstat(fh.fileno()).st_size) + 1)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise ModelError(f"{path}: larger than {limit:,} bytes; not a refernlp manifest")
    return data


def _check_featurizer(feat: object, mpath: Path) -> int:
    """Validate the manifest's featurizer settings (used later at inference); return ``n_bits``."""
    if not isinstance(feat, dict):
        raise ModelError(f"{mpath}: manifest has no 'featurizer' object")
    n_bits = feat.get("n_bits")
    if type(n_bits) is not int or not 1 <= n_bits <= MAX_N_BITS:
        raise ModelError(f"{mpath}: featurizer 'n_bits' must be an integer from 1 to {MAX_N_BITS}, got {n_bits!r}")
    for key in ("word_ngrams", "char_ngrams"):
        if key in feat:
            v = feat[key]
            if not (isinstance(v, list) and len(v) == 2 and all(type(x) is int for x in v) and 1 <= v[0] <= v[1] <= 20):
                raise ModelError(f"{mpath}: featurizer {key!r} must be [min, max] with 1 <= min <= max <= 20, got {v!r}")
    for key in ("word_weight", "char_weight", "cue_weight"):
        if key in feat and not _is_real(feat[key]):
            raise ModelError(f"{mpath}: featurizer {key!r} must be a finite number, got {feat[key]!r}")
    if "use_cues" in feat and not isinstance(feat["use_cues"], bool):
        raise ModelError(f"{mpath}: featurizer 'use_cues' must be true or false, got {feat['use_cues']!r}")
    return n_bits


def _read_weights(wpath: Path, expected: Mapping[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """Read float arrays from an ``.npz``, checking each header before any data is allocated."""
    bad = f"{wpath}: not a valid weights file"
    try:
        with wpath.open("rb") as fh:
            head = fh.read(4)
        if not head.startswith(b"PK"):
            if head.startswith(_PICKLE_START):
                raise ModelError(f"{bad}: it looks like a pickle, which refernlp never loads (it could run code)")
            raise ModelError(f"{bad}: not an .npz archive")
        out: dict[str, np.ndarray] = {}
        with zipfile.ZipFile(wpath) as zf:
            extra = sorted(n.removesuffix(".npy") for n in zf.namelist() if n.removesuffix(".npy") not in expected)
            if extra:
                raise ModelError(f"{bad}: unexpected array(s) {extra} (not declared in the manifest)")
            for name, shape in expected.items():
                try:
                    info = zf.getinfo(f"{name}.npy")
                except KeyError:
                    raise ModelError(f"{bad}: no '{name}' array") from None
                with zf.open(info) as member:
                    major, minor = np.lib.format.read_magic(member)
                    if (major, minor) == (1, 0):
                        got_shape, _fortran, dtype = np.lib.format.read_array_header_1_0(member)
                    elif major in (2, 3):
                        got_shape, _fortran, dtype = np.lib.format.read_array_header_2_0(member)
                    else:
                        raise ModelError(f"{bad}: unsupported .npy version {major}.{minor} for '{name}'")
                    header_len = member.tell()
                if dtype.hasobject:
                    raise ModelError(f"{bad}: '{name}' holds Python objects (a pickle), which refernlp never loads")
                if dtype.kind not in _FLOAT_KINDS:
                    raise ModelError(f"{bad}: '{name}' has dtype {dtype}, expected floats")
                if tuple(got_shape) != tuple(shape):
                    raise ModelError(f"{bad}: '{name}' has shape {tuple(got_shape)}, expected {tuple(shape)} from the manifest")
                if info.file_size != header_len + dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
                    raise ModelError(f"{bad}: '{name}' is {info.file_size:,} bytes, which does not match its header")
                with zf.open(info) as member:
                    out[name] = np.lib.format.read_array(member, allow_pickle=False)
        return out
    except ModelError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError) as exc:
        raise ModelError(f"{bad} ({_one_line(exc)})") from None
