"""The accurate backend: the shipped ONNX encoder, its checks, and its judgement against the fast backend."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from helpers import DATA, ROOT

from refernlp import Critic
from refernlp.backends.accurate import MODEL_FILE, ONNX_MANIFEST, OnnxEncoder, head_tail
from refernlp.errors import ModelError
from refernlp.loading import shipped_encoder_dir, shipped_models_dir
from refernlp.schema import CLASSIFIER_TASKS, TASKS

ENCODER = shipped_encoder_dir()


@pytest.fixture(scope="module")
def fast():
    return Critic.load(backend="fast")


def test_default_backend_is_the_accurate_one(critic):
    assert critic.backend == "accurate"
    assert isinstance(critic.encoder, OnnxEncoder)
    assert Critic.load(backend="linear").backend == "fast"  # the old spelling


def test_unknown_backend_is_refused():
    with pytest.raises(ModelError, match="unknown backend 'gpu'"):
        Critic.load(backend="gpu")


def test_every_accurate_model_names_the_shipped_encoder():
    digest = json.loads((ENCODER / ONNX_MANIFEST).read_text())["files"][MODEL_FILE]
    for task in CLASSIFIER_TASKS:
        manifest = json.loads((shipped_models_dir() / "accurate" / task / "manifest.json").read_text())
        assert manifest["featurizer"]["embedding"]["encoder_sha256"] == digest, task
        assert 0.0 <= manifest["blend"]["encoder_weight"] <= 1.0 and manifest["blend"]["temperature"] > 0


def test_models_directory_fits_the_size_budget():
    total = sum(p.stat().st_size for p in (ROOT / "models").rglob("*") if p.is_file())
    assert total <= 40_000_000, f"models/ is {total / 1e6:.1f} MB"


@pytest.fixture()
def encoder_copy(tmp_path):
    copy = tmp_path / "encoder"
    shutil.copytree(ENCODER, copy)
    return copy


def test_a_changed_model_file_is_refused(encoder_copy):
    with (encoder_copy / MODEL_FILE).open("r+b") as fh:
        fh.seek(5000)
        byte = fh.read(1)
        fh.seek(5000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ModelError, match="checksum mismatch"):
        OnnxEncoder(encoder_copy)


def test_a_bad_manifest_is_refused(encoder_copy):
    info = json.loads((encoder_copy / ONNX_MANIFEST).read_text())
    info["format_version"] = 99
    (encoder_copy / ONNX_MANIFEST).write_text(json.dumps(info))
    with pytest.raises(ModelError, match="format_version"):
        OnnxEncoder(encoder_copy)
    (encoder_copy / ONNX_MANIFEST).write_text("[1, 2")
    with pytest.raises(ModelError, match="manifest"):
        OnnxEncoder(encoder_copy)
    (encoder_copy / ONNX_MANIFEST).unlink()
    with pytest.raises(ModelError, match="no encoder-manifest.json"):
        OnnxEncoder(encoder_copy)


def test_models_trained_on_another_encoder_are_refused(critic):
    class Other:
        dim = critic.encoder.dim
        fingerprint = "0" * 64

        def encode(self, texts):
            return np.zeros((len(texts), self.dim), dtype=np.float32)

    with pytest.raises(ModelError, match="trained on another encoder"):
        Critic(critic.models, encoder=Other())


def test_long_drafts_keep_their_head_and_tail():
    ids = list(range(1000))
    kept = head_tail(ids, 256, 160)
    assert len(kept) == 256 and kept[:160] == ids[:160] and kept[160:] == ids[-96:]
    assert head_tail(ids[:10], 256, 160) == ids[:10]


def test_one_draft_is_judged_alike_alone_and_in_a_batch(critic, test_rows):
    texts = [r["text"] for r in test_rows[:40]]
    alone = [critic.critique(t).to_dict() for t in texts]
    together = [c.to_dict() for c in critic.critique_many(texts)]
    assert alone == together


def test_encoder_outputs_are_deterministic(critic):
    texts = ["Could you refer me for the Data Analyst role at Shopify?", "thx!!"]
    a, b = critic.encoder.encode(texts), critic.encoder.encode(list(reversed(texts)))[::-1]
    assert np.array_equal(a, b)


def _headline(report, task):
    return report["tasks"][task][TASKS[task].metric if TASKS[task].metric != "f1" else "accuracy"]


def test_accurate_judges_the_test_split_no_worse_than_fast(critic, fast):
    from refernlp.data import load_examples
    from refernlp.evaluation import evaluate_examples

    test = load_examples(DATA / "test.jsonl")
    acc, lin = evaluate_examples(critic, test), evaluate_examples(fast, test)
    for task in ("request_type", "transparency", "politeness", "relationship", "purpose"):
        # weights and temperatures are chosen on dev, so allow a hair of test noise
        assert _headline(acc, task) >= _headline(lin, task) - 0.01, (task, _headline(acc, task), _headline(lin, task))
    # the fast backend's own floors (measured: type macro-F1 0.903, transparency 0.847, politeness 0.851, relationship 0.841, purpose macro-F1 0.777)
    for task, floor in {"request_type": 0.88, "transparency": 0.82, "politeness": 0.83, "relationship": 0.82, "purpose": 0.75}.items():
        assert _headline(lin, task) >= floor, (task, _headline(lin, task))


def test_critique_never_imports_torch_with_the_accurate_backend(tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text("Hi Ana, could you refer me for the Data Analyst role at Shopify? Thanks!", encoding="utf-8")
    code = (
        "import sys, refernlp; from refernlp import Critic; c = Critic.load(); "
        f"c.critique(open({str(draft)!r}).read()); "
        "print(c.backend, [m for m in ('torch', 'transformers', 'sklearn') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "accurate" and out.stdout.strip().endswith("[]")


def test_export_to_onnx_matches_the_torch_encoder(tmp_path):
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("onnx")
    from transformers import AutoModel

    from refernlp.neural import build_tiny_encoder
    from refernlp.training.encoder import FineTuned, export_onnx, write_manifest

    tiny = build_tiny_encoder(tmp_path / "tiny")
    model = AutoModel.from_pretrained(str(tiny), local_files_only=True, use_safetensors=True).eval()
    out = tmp_path / "onnx"
    paths = export_onnx(FineTuned(model, {}, {}, 1), tiny, out, name="tiny", training={}, quantize=False)
    write_manifest(out, paths["fp32"], name="tiny", dim=16, base={"name": "tiny"}, training={"max_tokens": 64, "head_tokens": 40}, quantization="none")
    enc = OnnxEncoder(out)
    texts = ["hi could you refer me please", "thanks a lot for the help with the role at the company"]
    got = enc.encode(texts)
    from refernlp.backends.accurate import batch_arrays

    ids, mask = batch_arrays(enc.tokenizer, texts, 64, 40)
    with torch.inference_mode():
        hidden = model(input_ids=torch.as_tensor(ids), attention_mask=torch.as_tensor(mask), token_type_ids=torch.zeros_like(torch.as_tensor(ids))).last_hidden_state
        m = torch.as_tensor(mask).unsqueeze(-1).float()
        want = ((hidden * m).sum(1) / m.sum(1)).numpy()
    assert np.allclose(got, want, atol=2e-4)
