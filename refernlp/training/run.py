"""Orchestration: ``train_tasks`` trains several tasks into one model directory (``refernlp train``, ``scripts/train_models.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from ..errors import ConfigError
from ..schema import RANKER_TASKS, TASK_COLUMN
from .cards import metrics_summary, model_card
from .classifier import train_classifier
from .config import Progress, TrainingConfig
from .examples import Example, leakage, validate_examples
from .featurize import Featurizer
from .output import AtomicDir, write_model_dir
from .ranker import train_ranker
from .stanford import stanford_cv


def train_tasks(
    tasks: Sequence[str],
    train: Sequence[Example],
    test: Sequence[Example],
    out: Path,
    *,
    config: TrainingConfig | None = None,
    dev: Sequence[Example] = (),
    seed: int = 0,
    stanford: Sequence[Example] = (),
    stanford_binary: tuple[Sequence[str], Sequence[str]] | None = None,
    cv: int = 10,
    force: bool = False,
    progress: Progress | None = None,
    data_desc: str = "user data",
    plot: bool = True,
    encoder=None,
    fine_tune: bool = False,
) -> dict[str, dict[str, Any]]:
    """Validate, train, evaluate and write one model directory per task into ``out`` (atomically).

    ``encoder`` (a :class:`refernlp.neural.Encoder`) trains the neural backend's
    classifiers; the slot rankers are the same for both backends. ``fine_tune``
    (one classifier task, with ``encoder``) first fine-tunes a copy of the encoder
    on the task's training data and writes it to ``out/encoder/`` (safetensors and
    a checksum manifest; :meth:`refernlp.Critic.load` picks it up); the Stanford
    cross-validation is then skipped, because that encoder has seen every
    Stanford label (``scripts/finetune_probe.py`` measures fine-tuning fold by fold).
    """
    config = config or TrainingConfig()
    say = progress or (lambda m: None)
    if fine_tune:
        if encoder is None:
            raise ConfigError("fine-tuning needs the neural backend (--backend neural)")
        if len(tasks) != 1 or tasks[0] in RANKER_TASKS:
            raise ConfigError("fine-tuning trains one encoder for one classifier task: name a single task (request-type, transparency, politeness or relationship)")
        for key in ("fine_tune_epochs", "fine_tune_batch_size"):
            if type(getattr(config, key)) is not int or getattr(config, key) < 1:
                raise ConfigError(f"{key} must be a positive integer, got {getattr(config, key)!r}")
        if not isinstance(config.fine_tune_lr, (int, float)) or not 0 < config.fine_tune_lr < 1:
            raise ConfigError(f"fine_tune_lr must be a number between 0 and 1, got {config.fine_tune_lr!r}")
    plan = {}
    for task in tasks:
        plan[task] = (
            validate_examples(task, train, where="training data"),
            validate_examples(task, test, where="test data", min_per_class=0) if test and any(TASK_COLUMN[task] in e.labels for e in test) else [],
        )
    leaks = leakage(train, test)
    if leaks:
        say(f"warning: {leaks} test text(s) also occur in the training data (leakage)")
    featurizer = Featurizer(progress=say)
    results: dict[str, dict[str, Any]] = {}
    with AtomicDir(out, force) as tmp:
        for task in tasks:
            tr, te = plan[task]
            say(f"training {task} on {len(tr)} examples")
            if task in RANKER_TASKS:
                dv = [e for e in dev if TASK_COLUMN[task] in e.labels]
                res = train_ranker(task, tr, dv, te, config, featurizer=featurizer, seed=seed)
            else:
                tr_all = list(tr) + (list(stanford) if task == "politeness" else [])
                task_encoder, fixed = encoder, None
                if fine_tune:
                    from ..neural import fine_tune as run_fine_tune
                    from ..textio import prepare

                    say(f"fine-tuning {encoder.name} on {len(tr_all)} {task} examples ({config.fine_tune_epochs} epochs)")
                    task_encoder = run_fine_tune(
                        encoder, [prepare(e.text).text for e in tr_all], [e.labels[TASK_COLUMN[task]] for e in tr_all], tmp / "encoder",
                        weights=[e.weight for e in tr_all], epochs=config.fine_tune_epochs, lr=config.fine_tune_lr,
                        batch_size=config.fine_tune_batch_size, seed=seed, progress=say,
                    )
                    fixed = 1.0
                res = train_classifier(task, tr_all, te, config, featurizer=featurizer, seed=seed, encoder=task_encoder, progress=say, fixed_weight=fixed)
                if fine_tune:
                    res.manifest["fine_tuned_encoder"] = {"sha256": task_encoder.fingerprint, "epochs": config.fine_tune_epochs, "lr": config.fine_tune_lr, "batch_size": config.fine_tune_batch_size}
                    if task == "politeness" and stanford_binary is not None and cv >= 2:
                        say("politeness: Stanford cross-validation skipped (the fine-tuned encoder has seen every Stanford label); see scripts/finetune_probe.py")
                elif task == "politeness" and stanford_binary is not None and cv >= 2:
                    say(f"politeness: {cv}-fold cross-validation on the Stanford Politeness Corpus quartile task")
                    weight = res.manifest["blend"]["neural_weight"] if "blend" in res.manifest else None
                    res.metrics["stanford_cv"] = stanford_cv(stanford_binary[0], stanford_binary[1], config, featurizer=featurizer, k=cv, seed=seed, progress=say, encoder=encoder, blend_weight=weight)
            write_model_dir(tmp / task, res, model_card(task, res, data_desc), plot=plot)
            results[task] = res.metrics
            say(f"wrote {task}: " + metrics_summary(res.metrics))
        (tmp / "training-config.json").write_text(json.dumps(config.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return results
