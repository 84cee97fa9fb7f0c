"""``refernlp train`` and ``refernlp evaluate``: retrain the models on your labelled data and measure them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import ConfigError, ExitCode, RefernlpError
from ..schema import ALL_TASKS, CLASSIFIER_TASKS, TASK_BY_CLI, TASK_COLUMN, TASKS
from .options import backend_option, data_options, fail, models_option


def _defaults_epilog() -> str:
    try:
        from ..training import TrainingConfig

        cfg = json.dumps(TrainingConfig().to_dict(), indent=1, sort_keys=True)
    except ImportError:
        cfg = "(install refernlp[train] to see them)"
    return "\b\nDefault hyper-parameters (override any of them with --config FILE, TOML or JSON, same keys):\n" + cfg


TASK_CHOICES = [t.cli for t in TASKS.values()] + ["all"]


def _progress(msg: str) -> None:
    if sys.stderr.isatty() and msg.startswith("featurised "):
        done, total = msg.split()[1].split("/")
        width = 30
        filled = int(width * int(done) / max(1, int(total)))
        click.echo(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} texts", nl=int(done) >= int(total), err=True)
    else:
        click.echo(msg, err=True)


def _require_train_extra() -> None:
    try:
        import datasets  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        fail('training and evaluation need the train extra: pip install "refernlp[train]"')
        sys.exit(ExitCode.USAGE)


@click.command(epilog=_defaults_epilog())
@click.argument("task", type=click.Choice(TASK_CHOICES))
@click.option("--data", "data_paths", multiple=True, required=True, type=click.Path(), help="Training data (JSON Lines, CSV, Parquet or a save_to_disk folder); repeatable.")
@click.option("--out", "out_dir", type=click.Path(), default="refernlp-model", show_default=True, help="Model directory to write.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--test-size", type=float, default=0.2, show_default=True, help="Share of the data held out for the model card's metrics (ignored with --test-data).")
@click.option("--test-data", "test_paths", multiple=True, type=click.Path(), help="A separate test set instead of --test-size.")
@click.option("--dev-data", "dev_paths", multiple=True, type=click.Path(), help="Tuning data for the slot-ranker thresholds.")
@click.option("--cv", type=click.IntRange(min=0), default=10, show_default=True, help="Folds for the Stanford politeness cross-validation (with --stanford; 0 skips it).")
@click.option("--stanford", type=click.Path(), help="Stanford Politeness Corpus CSV to add to the politeness training data.")
@click.option("--config", "config_path", type=click.Path(), help="Hyper-parameters (TOML or JSON); defaults below.")
@data_options
@click.option("--label-column", help="Column holding TASK's label (default: the refernlp column name).")
@click.option("--force", is_flag=True, help="Replace an existing --out directory.")
@backend_option("fast: linear models (used by every backend for the tasks you train); neural: also train a head on the features plus the all-MiniLM-L6-v2 sentence embedding and blend it with the linear head, weight chosen on out-of-fold predictions (needs refernlp[neural]). The shipped accurate backend is rebuilt with `python scripts/train_encoder.py`.", choices=("fast", "linear", "neural"), default="fast")
@click.option("--fine-tune", is_flag=True, help="With --backend neural and one classifier task: first fine-tune the whole encoder on the training data (minutes to tens of minutes on a CPU) and save it in OUT/encoder/ (safetensors, about 90 MB); `critique --backend neural --models OUT` uses it.")
def train(task, data_paths, out_dir, seed, test_size, test_paths, dev_paths, cv, stanford, config_path, data_format, text_column, label_column, force, backend, fine_tune) -> None:
    """Train TASK's model(s) on your labelled data and write a model directory.

    The directory has the same format as the shipped models (manifest with
    checksums, weights without pickle, a model card) and can be used with
    `refernlp critique --models DIR`. It is written atomically.
    """
    _require_train_extra()
    from ..data import load_examples, load_stanford, stanford_binary
    from ..training import TrainingConfig, split_examples, train_tasks

    try:
        config = TrainingConfig.from_file(config_path) if config_path else TrainingConfig()
        tname = None if task == "all" else TASK_BY_CLI[task]
        load = lambda p: load_examples(p, task=tname, data_format=data_format, text_column=text_column, label_column=label_column)  # noqa: E731
        examples = [e for p in data_paths for e in load(p)]
        tasks = [tname] if tname else [t for t in ALL_TASKS if any(TASK_COLUMN[t] in e.labels for e in examples)]
        if not tasks:
            raise ConfigError("the data has no label column for any task")
        if test_paths:
            train_ex, test_ex = examples, [e for p in test_paths for e in load(p)]
        else:
            split_on = tasks[0] if tasks[0] in CLASSIFIER_TASKS else "request_type" if any("type" in e.labels for e in examples) else tasks[0]
            train_ex, test_ex = split_examples(examples, split_on, test_size, seed)
        dev_ex = [e for p in dev_paths for e in load(p)]
        st, binary = [], None
        if stanford and "politeness" in tasks:
            st = load_stanford(stanford, weight=config.stanford_weight)
            binary = stanford_binary(stanford)
        out = Path(out_dir)
        encoder = None
        if fine_tune and backend != "neural":
            raise ConfigError("--fine-tune needs --backend neural")
        if backend == "neural":
            from ..neural import Encoder

            encoder = Encoder()
        metrics = train_tasks(tasks, train_ex, test_ex, out, config=config, dev=dev_ex, seed=seed, stanford=st, stanford_binary=binary, cv=cv, force=force, progress=_progress, data_desc=", ".join(str(p) for p in data_paths), encoder=encoder, fine_tune=fine_tune)
    except RefernlpError as exc:
        fail(str(exc))
        sys.exit(ExitCode.USAGE)
    click.echo(f"wrote {out} ({', '.join(metrics)})")


@click.command()
@click.option("--data", "data_paths", multiple=True, required=True, type=click.Path(), help="Labelled data to evaluate on (repeatable).")
@models_option("Model directory (default: the shipped models).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@data_options
@click.option("--label-column", help="Column holding the label of --task.")
@click.option("--task", type=click.Choice(TASK_CHOICES[:-1]), help="With --label-column: which task that column labels.")
@backend_option("Which backend's judgement to evaluate.")
def evaluate(data_paths, models_dir, fmt, data_format, text_column, label_column, task, backend) -> None:
    """Evaluate models on labelled data: accuracy, macro-F1, per-class scores, confusion matrices, slot F1."""
    _require_train_extra()
    from ..critic import Critic
    from ..data import load_examples
    from ..evaluation import evaluate_examples, render_report

    try:
        tname = TASK_BY_CLI[task] if task else None
        examples = [e for p in data_paths for e in load_examples(p, task=tname, data_format=data_format, text_column=text_column, label_column=label_column)]
        critic = Critic.load(models_dir, max_chars=10**7, backend=backend)
        report = evaluate_examples(critic, examples)
    except RefernlpError as exc:
        fail(str(exc))
        sys.exit(ExitCode.USAGE)
    click.echo(json.dumps(report, indent=2) if fmt == "json" else render_report(report))
