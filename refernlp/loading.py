"""Finding and loading model directories: the shipped models, overridden task by task by the user's."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import ModelError
from .modelio import MANIFEST, LinearModel
from .schema import ALL_TASKS

#: judgement backends: ``accurate`` (the default: a fine-tuned MiniLM encoder run by
#: onnxruntime, its heads blended with the linear models), ``fast`` (the n-gram linear
#: models alone, numpy only) and ``neural`` (models trained by the user with
#: ``refernlp train --neural/--fine-tune``: a torch encoder at inference; needs the
#: neural extra; no longer shipped)
BACKENDS = ("accurate", "fast", "neural")
DEFAULT_BACKEND = "accurate"
#: older spellings still accepted
BACKEND_ALIASES = {"linear": "fast"}
#: sub-directory of a model directory holding an encoder (ONNX for accurate, safetensors for neural)
ENCODER_DIR = "encoder"
#: sub-directory of the shipped models holding the accurate backend's task models
ACCURATE_DIR = "accurate"


def shipped_models_dir() -> Path:
    """Where the models that ship with refernlp live (inside the installed package)."""
    return Path(str(resources.files("refernlp.models")))


def check_backend(backend: str) -> str:
    """The canonical name of ``backend`` (aliases resolved); :class:`ModelError` for an unknown one."""
    backend = BACKEND_ALIASES.get(backend, backend)
    if backend not in BACKENDS:
        raise ModelError(f"unknown backend {backend!r} (available: {', '.join(BACKENDS)})")
    return backend


def shipped_encoder_dir() -> Path:
    """The accurate backend's shipped ONNX encoder."""
    return shipped_models_dir() / ENCODER_DIR


def tuned_encoder_dir(models_dir: str | os.PathLike[str] | None) -> Path | None:
    """The fine-tuned encoder that ``refernlp train --fine-tune`` wrote beside ``models_dir``'s models, if any."""
    if models_dir is None:
        return None
    root = Path(models_dir)
    # models_dir may be the whole output or one task directory inside it
    tuned = root / ENCODER_DIR if not (root / MANIFEST).is_file() else root.parent / ENCODER_DIR
    return tuned if tuned.is_dir() else None


def load_models(models_dir: str | os.PathLike[str] | None = None, *, backend: str = DEFAULT_BACKEND) -> dict[str, LinearModel]:
    """Load the shipped models, replaced task by task by those found in ``models_dir``.

    ``models_dir`` may hold any subset of the task directories (``request_type/``,
    ``politeness/``...) or be a single task directory itself. With
    ``backend="accurate"`` the shipped accurate classifiers (``models/accurate/``)
    are preferred where they exist; ``fast`` and ``neural`` use the shipped
    linear models for tasks ``models_dir`` does not hold.
    """
    backend = check_backend(backend)
    shipped = shipped_models_dir()
    accurate_dir = shipped / ACCURATE_DIR
    override: dict[str, LinearModel] = {}
    if models_dir is not None:
        root = Path(models_dir)
        if not root.exists():
            raise ModelError(f"model directory {root} does not exist")
        if not root.is_dir():
            raise ModelError(f"{root} is a file, not a model directory")
        if (root / MANIFEST).is_file():
            m = LinearModel.load(root)
            if m.task not in ALL_TASKS:
                raise ModelError(f"{root}: unknown task {m.task!r}")
            override[m.task] = m
        else:
            for task in ALL_TASKS:
                if backend == "accurate" and (root / ACCURATE_DIR / task).is_dir():
                    override[task] = LinearModel.load(root / ACCURATE_DIR / task)
                elif (root / task).is_dir():
                    override[task] = LinearModel.load(root / task)
        if not override:
            raise ModelError(f"{root}: no refernlp models found (expected sub-directories like request_type/ with a {MANIFEST})")
    models: dict[str, LinearModel] = {}
    for task in ALL_TASKS:
        if task in override:
            models[task] = override[task]
        elif backend == "accurate" and (accurate_dir / task / MANIFEST).is_file():
            models[task] = LinearModel.load(accurate_dir / task)
        elif (shipped / task / MANIFEST).is_file():
            models[task] = LinearModel.load(shipped / task)
        else:
            raise ModelError(f"the shipped {task} model is missing from {shipped}; rebuild with `python scripts/train_models.py`")
    return models
