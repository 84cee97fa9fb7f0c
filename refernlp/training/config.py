"""Hyper-parameters: ``TrainingConfig`` (with ``to_dict``/``from_dict``/``from_file``), validated in one place."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from ..errors import ConfigError
from ..features import FeatureConfig
from ..schema import ALL_TASKS

MIN_PER_CLASS = 5


Progress = Callable[[str], None]


@dataclass(frozen=True)
class TaskConfig:
    """Hyper-parameters of one task's logistic regression."""

    C: float = 4.0
    max_iter: int = 2000
    class_weight: str | None = "balanced"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "TaskConfig":
        unknown = set(d) - set(cls.__dataclass_fields__)
        if unknown:
            raise ConfigError(f"unknown task setting(s) {sorted(unknown)}; expected {sorted(cls.__dataclass_fields__)}")
        return cls(**d)


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that decides a trained model. Load from TOML/JSON with :meth:`from_file`."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    request_type: TaskConfig = field(default_factory=lambda: TaskConfig(C=4.0))
    transparency: TaskConfig = field(default_factory=lambda: TaskConfig(C=4.0))
    politeness: TaskConfig = field(default_factory=lambda: TaskConfig(C=1.0))
    relationship: TaskConfig = field(default_factory=lambda: TaskConfig(C=4.0))
    purpose: TaskConfig = field(default_factory=lambda: TaskConfig(C=4.0))
    company: TaskConfig = field(default_factory=lambda: TaskConfig(C=1.0, class_weight=None))
    role: TaskConfig = field(default_factory=lambda: TaskConfig(C=1.0, class_weight=None))
    #: weight of each Stanford Politeness Corpus row relative to a referral draft
    stanford_weight: float = 0.5
    #: neural backend: scale of the (unit-norm) sentence embedding beside the n-gram features
    embedding_weight: float = 1.0
    #: neural backend: folds of the out-of-fold predictions that choose the linear/neural blend weight
    blend_folds: int = 5
    #: neural backend with fine-tuning (``refernlp train --fine-tune``): epochs, learning rate and batch size
    fine_tune_epochs: int = 3
    fine_tune_lr: float = 3e-5
    fine_tune_batch_size: int = 16

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["features"] = self.features.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "TrainingConfig":
        known = set(cls.__dataclass_fields__)
        unknown = set(d) - known
        if unknown:
            raise ConfigError(f"unknown config key(s) {sorted(unknown)}; expected some of {sorted(known)}")
        kw: dict[str, Any] = {}
        for key, value in d.items():
            if key == "features":
                if not isinstance(value, Mapping):
                    raise ConfigError("[features] must be a table")
                unknown_f = set(value) - set(FeatureConfig.__dataclass_fields__)
                if unknown_f:
                    raise ConfigError(f"unknown [features] setting(s) {sorted(unknown_f)}")
                kw[key] = FeatureConfig.from_dict(value)
            elif key in ALL_TASKS:
                if not isinstance(value, Mapping):
                    raise ConfigError(f"[{key}] must be a table")
                kw[key] = TaskConfig.from_dict(value)
            else:
                kw[key] = value
        try:
            return cls(**kw)
        except TypeError as exc:
            raise ConfigError(str(exc)) from None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> "TrainingConfig":
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise ConfigError(f"{p}: cannot read config ({exc.strerror or exc})") from None
        try:
            if p.suffix.lower() == ".json":
                data = json.loads(raw.decode("utf-8"))
            else:
                import tomllib

                data = tomllib.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{p}: invalid config ({exc})") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{p}: config must be a table/object")
        return cls.from_dict(data)

    def task(self, name: str) -> TaskConfig:
        return getattr(self, name)
