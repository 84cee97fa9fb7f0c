"""Retraining: small fixture datasets, round trips, determinism, validation errors, partial model dirs, CLI."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import DATA, ROOT

from refernlp import Critic
from refernlp.cli import main
from refernlp.data import load_examples
from refernlp.errors import ConfigError, DataError, ExitCode
from refernlp.modelio import LinearModel
from refernlp.training import TrainingConfig, train_tasks

SMALL = TrainingConfig.from_dict({"features": {"n_bits": 14}})


@pytest.fixture(scope="module")
def small_jsonl(tmp_path_factory):
    rows = [json.loads(line) for line in (DATA / "train.jsonl").open(encoding="utf-8")][:240]
    path = tmp_path_factory.mktemp("data") / "small.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(small_jsonl, tmp_path_factory):
    from refernlp.training import split_examples

    ex = load_examples(small_jsonl)
    train, test = split_examples(ex, "request_type", 0.25, 0)
    out = tmp_path_factory.mktemp("m") / "model"
    metrics = train_tasks(["request_type", "politeness"], train, test, out, config=SMALL, seed=0, plot=False)
    return out, metrics, train, test


def test_train_writes_model_dir(trained):
    out, metrics, _, _ = trained
    for task in ("request_type", "politeness"):
        assert {p.name for p in (out / task).iterdir()} >= {"manifest.json", "weights.npz", "README.md"}
        assert "test" in metrics[task]
    card = (out / "request_type" / "README.md").read_text()
    assert "Confusion matrix" in card and "macro-F1" in card
    assert not list(out.parent.glob(".model.tmp-*"))


def test_loaded_model_predicts_like_in_memory(trained):
    out, _, _, test = trained
    from refernlp.training import Featurizer, fit_lr  # noqa: F401

    critic_loaded = Critic.load(out)
    model = LinearModel.load(out / "request_type")
    # the Critic uses the loaded arrays; recompute with the LinearModel directly
    for ex in test[:20]:
        doc = critic_loaded.nlp(ex.text)
        idx, val = critic_loaded.classifiers.features(doc, critic_loaded.classifiers.configs["request_type"])
        p = model.predict_proba(idx, val)
        assert critic_loaded.critique(ex.text).request_type.label == model.labels[int(np.argmax(p))]


def test_training_is_deterministic(small_jsonl, tmp_path):
    ex = load_examples(small_jsonl)
    digests = []
    for i in range(2):
        out = tmp_path / f"m{i}"
        train_tasks(["relationship"], ex, [], out, config=SMALL, seed=3, plot=False)
        digests.append(hashlib.sha256((out / "relationship" / "weights.npz").read_bytes()).hexdigest())
    assert digests[0] == digests[1]


#: the OpenBLAS kernels the shipped weights were computed with: lbfgs's sums (and so the last bits of the weights)
#: depend on them, and OpenBLAS picks them by CPU at load time unless OPENBLAS_CORETYPE says
SHIPPED_BLAS_CORE = "SkylakeX"


def _has_avx512() -> bool:
    try:
        return " avx512f" in Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return False


@pytest.mark.skipif(not _has_avx512(), reason=f"the shipped weights were computed with OpenBLAS's {SHIPPED_BLAS_CORE} (AVX-512) kernels")
def test_shipped_model_reproduces_exactly(tmp_path):
    """Retraining request_type on data/train.jsonl gives the shipped weights byte for byte, with the same BLAS kernels."""
    import os
    import subprocess
    import sys

    shipped = json.loads((ROOT / "models" / "request_type" / "manifest.json").read_text())
    code = (
        "import sys; from pathlib import Path; from refernlp.data import load_examples; "
        "from refernlp.training import TrainingConfig, train_tasks; "
        "train_tasks(['request_type'], load_examples(Path(sys.argv[1])), [], Path(sys.argv[2]), config=TrainingConfig(), "
        "seed=int(sys.argv[3]), plot=False)"
    )
    env = {**os.environ, "OPENBLAS_CORETYPE": SHIPPED_BLAS_CORE}  # read when numpy loads OpenBLAS: a fresh process
    subprocess.run([sys.executable, "-c", code, str(DATA / "train.jsonl"), str(tmp_path / "m"), str(shipped["training"]["seed"])],
                   check=True, env=env, cwd=ROOT, timeout=600)
    got = hashlib.sha256((tmp_path / "m" / "request_type" / "weights.npz").read_bytes()).hexdigest()
    assert got == shipped["files"]["weights.npz"]["sha256"]


def test_partial_model_dir_falls_back(trained):
    out, _, _, _ = trained
    critic = Critic.load(out)
    assert critic.models["request_type"].coef.shape[1] == 1 << 14
    assert critic.models["relationship"].coef.shape[1] == 1 << 18  # shipped


def _write_csv(path: Path, rows, header):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_validation_errors(tmp_path, small_jsonl):
    csv_path = tmp_path / "d.csv"
    _write_csv(csv_path, [["hi there", "polite"]] * 3, ["body", "tone"])
    with pytest.raises(DataError, match=r"expected a text column 'text', found \['body', 'tone'\]"):
        load_examples(csv_path, task="politeness")
    ex = load_examples(csv_path, task="politeness", text_column="body", label_column="tone")
    with pytest.raises(DataError, match="fewer than 5"):
        train_tasks(["politeness"], ex, [], tmp_path / "o", config=SMALL)
    _write_csv(csv_path, [["hi", "polite"], ["yo", "rude"], ["hey", "meh"]], ["text", "politeness"])
    with pytest.raises(DataError, match=r"unknown politeness label\(s\) 'meh', 'rude' at row\(s\) 2, 3"):
        train_tasks(["politeness"], load_examples(csv_path, task="politeness"), [], tmp_path / "o", config=SMALL)
    _write_csv(csv_path, [["hi", "polite"], ["  ", "polite"]], ["text", "politeness"])
    with pytest.raises(DataError, match="row 2 has an empty"):
        load_examples(csv_path, task="politeness")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a", "type": "none"}\n{"text": oops}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.jsonl:2: malformed JSON"):
        load_examples(bad)
    undec = tmp_path / "u.csv"
    undec.write_bytes(b"text,politeness\nab\xffcd,polite\n")
    with pytest.raises(DataError, match="byte offset 18"):
        load_examples(undec, task="politeness")
    assert not (tmp_path / "o").exists()


def test_leakage_warning(small_jsonl, tmp_path):
    ex = load_examples(small_jsonl)
    msgs = []
    train_tasks(["request_type"], ex, ex[:10], tmp_path / "o", config=SMALL, progress=msgs.append, plot=False)
    assert any("leakage" in m for m in msgs)


def test_refuses_to_overwrite_without_force(small_jsonl, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(DataError, match="--force"):
        train_tasks(["request_type"], load_examples(small_jsonl), [], out, config=SMALL)
    assert (out / "keep.txt").read_text() == "mine"


def test_config_errors(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text("[politeness]\nC = 2.0\n")
    assert TrainingConfig.from_file(p).politeness.C == 2.0
    p.write_text("[politeness]\nCC = 2.0\n")
    with pytest.raises(ConfigError, match="unknown task setting"):
        TrainingConfig.from_file(p)
    p.write_text("nonsense = [\n")
    with pytest.raises(ConfigError, match="invalid config"):
        TrainingConfig.from_file(p)


def test_cli_train_evaluate_critique_with_own_columns(tmp_path):
    rows = [json.loads(line) for line in (DATA / "train.jsonl").open(encoding="utf-8")][:200]
    csv_path = tmp_path / "mine.csv"
    _write_csv(csv_path, [[r["text"], r["politeness"]] for r in rows], ["message", "tone"])
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"features": {"n_bits": 14}}))
    runner = CliRunner()
    out = tmp_path / "model"
    args = ["train", "politeness", "--data", str(csv_path), "--text-column", "message", "--label-column", "tone", "--out", str(out), "--config", str(cfg)]
    res = runner.invoke(main, args)
    assert res.exit_code == 0, res.output
    assert (out / "politeness" / "confusion.png").is_file()
    res = runner.invoke(main, args)
    assert res.exit_code == 2 and "--force" in res.output
    res = runner.invoke(main, ["evaluate", "--data", str(csv_path), "--text-column", "message", "--label-column", "tone", "--task", "politeness", "--models", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert set(report["tasks"]) == {"politeness"}
    assert {"accuracy", "macro_f1", "per_class", "confusion_matrix"} <= set(report["tasks"]["politeness"])
    res = runner.invoke(main, ["evaluate", "--data", str(DATA / "dev.jsonl")])
    assert res.exit_code == 0 and "request_type: accuracy" in res.output and "company" in res.output
    draft = tmp_path / "d.txt"
    draft.write_text("Refer me for the analyst job at Acme. Now.")
    res = runner.invoke(main, ["critique", "--models", str(out), "--format", "json", str(draft)])
    assert res.exit_code == 0 and json.loads(res.output)["politeness"]["label"] in {"polite", "neutral", "impolite"}


def test_train_help_shows_defaults():
    res = CliRunner().invoke(main, ["train", "--help"])
    assert res.exit_code == 0 and "stanford_weight" in res.output and "n_bits" in res.output


def test_cli_fine_tune_needs_the_neural_backend(tmp_path):
    out = tmp_path / "m"
    res = CliRunner().invoke(main, ["train", "politeness", "--data", str(DATA / "dev.jsonl"), "--out", str(out), "--fine-tune"])
    assert res.exit_code == ExitCode.USAGE
    assert res.stderr.strip().count("\n") == 0 and "--fine-tune needs --backend neural" in res.stderr
    assert not out.exists()
    assert "--fine-tune" in CliRunner().invoke(main, ["train", "--help"]).output
