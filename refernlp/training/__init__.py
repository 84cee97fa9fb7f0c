"""Training and evaluation: the code behind ``refernlp train``, ``refernlp evaluate`` and ``scripts/train_models.py``.

scikit-learn is imported in :mod:`refernlp.training.estimators` only (never on
the critique path). The learned weights are exported to
:class:`~refernlp.modelio.LinearModel` arrays.
"""

from __future__ import annotations

from .blend import BLEND_GRID, BLEND_RULE, SELECTION_METRIC, blend_curve, choose_blend, fold_blend, pick_weight
from .cards import PUBLISHED, model_card
from .classifier import TrainResult, train_classifier
from .config import MIN_PER_CLASS, TaskConfig, TrainingConfig
from .estimators import fit_lr, logistic_regression, stratified_folds, to_linear
from .examples import Example, data_hash, leakage, split_examples, validate_examples
from .featurize import Featurizer
from .metrics import classification_metrics, slot_metrics
from .output import AtomicDir, write_model_dir
from .ranker import train_ranker
from .run import train_tasks
from .stanford import stanford_cv

__all__ = [
    "BLEND_GRID", "BLEND_RULE", "MIN_PER_CLASS", "PUBLISHED", "SELECTION_METRIC", "AtomicDir", "Example", "Featurizer",
    "TaskConfig", "TrainResult", "TrainingConfig", "blend_curve", "choose_blend", "classification_metrics", "data_hash",
    "fit_lr", "fold_blend", "leakage", "logistic_regression", "model_card", "pick_weight", "slot_metrics",
    "split_examples", "stanford_cv", "stratified_folds", "train_classifier", "train_ranker", "to_linear", "train_tasks",
    "validate_examples", "write_model_dir",
]
