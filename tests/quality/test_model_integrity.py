"""Model directories are verified before use, and a model file can never run code.

Each test copies the shipped models to a temporary folder and injects one fault:
the loader (``LinearModel.load`` / ``load_models`` / ``Critic.load``) must raise
:class:`~refernlp.errors.ModelError` with a message naming the problem, and
``refernlp critique --models DIR`` must exit 2 with that message on one line.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import tempfile
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from refernlp import Critic, ModelError
from refernlp.cli import main
from refernlp.errors import ExitCode
from refernlp.loading import load_models, shipped_models_dir
from refernlp.modelio import MANIFEST, WEIGHTS, LinearModel, sha256_file, write_npz
from refernlp.schema import ALL_TASKS

DRAFT = "Hi Sam, could you refer me for the Data Analyst role at Acme? Thanks so much!\n"
TASK = "politeness"  # a three-class model; "transparency" is the binary one


@pytest.fixture
def models(tmp_path) -> Path:
    """A private copy of the shipped models (model files only)."""
    dst = tmp_path / "models"
    shutil.copytree(shipped_models_dir(), dst, ignore=shutil.ignore_patterns("__pycache__", "*.py", "*.pyc"))
    return dst


def _manifest(d: Path) -> dict:
    return json.loads((d / MANIFEST).read_text(encoding="utf-8"))


def _write_manifest(d: Path, m: dict) -> None:
    (d / MANIFEST).write_text(json.dumps(m, indent=2), encoding="utf-8")


def _rehash(d: Path) -> None:
    """Make the manifest agree with whatever weights.npz now holds (so the checksum passes)."""
    m = _manifest(d)
    w = d / WEIGHTS
    m["files"][WEIGHTS] = {"sha256": sha256_file(w), "bytes": w.stat().st_size}
    _write_manifest(d, m)


class Boom:
    """Unpickling this would create the marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


# --- faults -------------------------------------------------------------------------
def tamper_byte(d: Path, marker: Path) -> None:
    data = bytearray((d / WEIGHTS).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (d / WEIGHTS).write_bytes(bytes(data))


def tamper_append(d: Path, marker: Path) -> None:
    with (d / WEIGHTS).open("ab") as fh:
        fh.write(b"\0")


def tamper_manifest_hash(d: Path, marker: Path) -> None:
    m = _manifest(d)
    m["files"][WEIGHTS]["sha256"] = "0" * 64
    _write_manifest(d, m)


def truncate_to(fraction: float) -> Callable[[Path, Path], None]:
    def fault(d: Path, marker: Path) -> None:
        data = (d / WEIGHTS).read_bytes()
        (d / WEIGHTS).write_bytes(data[: int(len(data) * fraction)])
        _rehash(d)

    return fault


def truncate_member(d: Path, marker: Path) -> None:
    """A well-formed zip whose coef.npy stops half-way through its data."""
    with np.load(d / WEIGHTS) as npz:
        coef, intercept = npz["coef"], npz["intercept"]
    buf = io.BytesIO()
    np.lib.format.write_array(buf, coef, allow_pickle=False)
    with zipfile.ZipFile(d / WEIGHTS, "w") as zf:
        zf.writestr("coef.npy", buf.getvalue()[: len(buf.getvalue()) // 2])
        ib = io.BytesIO()
        np.lib.format.write_array(ib, intercept, allow_pickle=False)
        zf.writestr("intercept.npy", ib.getvalue())
    _rehash(d)


def manifest_edit(**changes) -> Callable[[Path, Path], None]:
    def fault(d: Path, marker: Path) -> None:
        m = _manifest(d)
        for key, value in changes.items():
            if value is _DELETE:
                m.pop(key, None)
            else:
                m[key] = value
        _write_manifest(d, m)

    return fault


def featurizer_edit(**changes) -> Callable[[Path, Path], None]:
    def fault(d: Path, marker: Path) -> None:
        m = _manifest(d)
        m["featurizer"].update(changes)
        _write_manifest(d, m)

    return fault


_DELETE = object()


def pickle_as_weights(d: Path, marker: Path) -> None:
    (d / WEIGHTS).write_bytes(pickle.dumps(Boom(marker)))
    _rehash(d)


def pickle_protocol0_as_weights(d: Path, marker: Path) -> None:
    (d / WEIGHTS).write_bytes(pickle.dumps(Boom(marker), protocol=0))
    _rehash(d)


def pickle_inside_npz(d: Path, marker: Path) -> None:
    """An object array (pickled inside the .npy) in place of the coefficients."""
    with np.load(d / WEIGHTS) as npz:
        intercept = npz["intercept"]
    buf = io.BytesIO()
    np.save(buf, np.array([Boom(marker)], dtype=object), allow_pickle=True)
    ib = io.BytesIO()
    np.save(ib, intercept)
    with zipfile.ZipFile(d / WEIGHTS, "w") as zf:
        zf.writestr("coef.npy", buf.getvalue())
        zf.writestr("intercept.npy", ib.getvalue())
    _rehash(d)


def pickle_npy_as_weights(d: Path, marker: Path) -> None:
    """A bare .npy holding a pickled object array, named weights.npz."""
    buf = io.BytesIO()
    np.save(buf, np.array([Boom(marker)], dtype=object), allow_pickle=True)
    (d / WEIGHTS).write_bytes(buf.getvalue())
    _rehash(d)


def pickle_next_to_weights(d: Path, marker: Path) -> None:
    """A pickle beside valid weights, under names a careless loader might try, and a corrupt manifest."""
    for name in ("model.pkl", "weights.pkl", "classifier.joblib"):
        (d / name).write_bytes(pickle.dumps(Boom(marker)))
    (d / MANIFEST).write_bytes(pickle.dumps(Boom(marker)))


def wrong_shape(d: Path, marker: Path) -> None:
    with np.load(d / WEIGHTS) as npz:
        coef, intercept = npz["coef"], npz["intercept"]
    write_npz(d / WEIGHTS, {"coef": coef[:2], "intercept": intercept[:2]})
    _rehash(d)


def huge_declared_shape(d: Path, marker: Path) -> None:
    """A header promising a 3 x 2**40 array (12 TB): refused before anything is allocated."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": (3, 1 << 40)})
    with zipfile.ZipFile(d / WEIGHTS, "w") as zf:
        zf.writestr("coef.npy", header.getvalue() + b"\0" * 64)
        ib = io.BytesIO()
        np.save(ib, np.zeros(3, dtype=np.float32))
        zf.writestr("intercept.npy", ib.getvalue())
    _rehash(d)


def integer_weights(d: Path, marker: Path) -> None:
    with np.load(d / WEIGHTS) as npz:
        coef, intercept = npz["coef"], npz["intercept"]
    write_npz(d / WEIGHTS, {"coef": coef.astype(np.int32), "intercept": intercept})
    _rehash(d)


def nan_weights(d: Path, marker: Path) -> None:
    with np.load(d / WEIGHTS) as npz:
        coef, intercept = npz["coef"].copy(), npz["intercept"]
    coef[0, 0] = np.nan
    write_npz(d / WEIGHTS, {"coef": coef, "intercept": intercept})
    _rehash(d)


def _add_array(d: Path, name: str) -> None:
    with np.load(d / WEIGHTS) as npz:
        arrays = {"coef": npz["coef"], "intercept": npz["intercept"], name: np.zeros(3, dtype=np.float32)}
    write_npz(d / WEIGHTS, arrays)
    _rehash(d)


def missing_array(d: Path, marker: Path) -> None:
    with np.load(d / WEIGHTS) as npz:
        coef = npz["coef"]
    write_npz(d / WEIGHTS, {"coef": coef})
    _rehash(d)


def add_dense(dim: int, declared: int | str | None) -> Callable[[Path, Path], None]:
    """Embedding weights (neural backend) of width ``dim``, with ``dense_dim`` = ``declared`` in the manifest."""

    def fault(d: Path, marker: Path) -> None:
        with np.load(d / WEIGHTS) as npz:
            arrays = {"coef": npz["coef"], "intercept": npz["intercept"]}
        if dim:
            arrays["dense"] = np.zeros((arrays["intercept"].shape[0], dim), dtype=np.float32)
        write_npz(d / WEIGHTS, arrays)
        _rehash(d)
        if declared is not None:
            m = _manifest(d)
            m["dense_dim"] = declared
            _write_manifest(d, m)

    return fault


def remove(name: str) -> Callable[[Path, Path], None]:
    def fault(d: Path, marker: Path) -> None:
        (d / name).unlink()

    return fault


def weights_is_directory(d: Path, marker: Path) -> None:
    (d / WEIGHTS).unlink()
    (d / WEIGHTS).mkdir()


def weights_is_dev_zero(d: Path, marker: Path) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    (d / WEIGHTS).unlink()
    (d / WEIGHTS).symlink_to("/dev/zero")


def weights_is_fifo(d: Path, marker: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs")
    (d / WEIGHTS).unlink()
    os.mkfifo(d / WEIGHTS)


def manifest_bytes(data: bytes) -> Callable[[Path, Path], None]:
    def fault(d: Path, marker: Path) -> None:
        (d / MANIFEST).write_bytes(data)

    return fault


#: (id, fault, what the message must say)
FAULTS: list[tuple[str, Callable[[Path, Path], None], str]] = [
    ("tampered_byte", tamper_byte, "checksum mismatch"),
    ("tampered_appended", tamper_append, "checksum mismatch"),
    ("tampered_manifest_hash", tamper_manifest_hash, "checksum mismatch"),
    ("truncated_empty", truncate_to(0.0), "not a valid weights file"),
    ("truncated_10pct", truncate_to(0.1), "not a valid weights file"),
    ("truncated_half", truncate_to(0.5), "not a valid weights file"),
    ("truncated_last_byte", truncate_to(0.99999), "not a valid weights file"),
    ("truncated_member", truncate_member, "not a valid weights file"),
    ("format_version_2", manifest_edit(format_version=2), "format_version"),
    ("format_version_string", manifest_edit(format_version="1"), "format_version"),
    ("format_version_missing", manifest_edit(format_version=_DELETE), "format_version"),
    ("format_version_true", manifest_edit(format_version=True), "format_version"),
    ("format_unknown", manifest_edit(format="sklearn-pickle"), "unknown model format"),
    ("labels_missing", manifest_edit(labels=_DELETE), "labels"),
    ("labels_empty", manifest_edit(labels=[]), "labels"),
    ("labels_one", manifest_edit(labels=["polite"]), "labels"),
    ("labels_not_strings", manifest_edit(labels=[1, 2, 3]), "labels"),
    ("labels_duplicated", manifest_edit(labels=["polite", "polite", "neutral"]), "labels"),
    ("labels_wrong_count", manifest_edit(labels=["a", "b", "c", "d"]), "shape"),
    ("files_missing", manifest_edit(files=_DELETE), "checksum"),
    ("files_not_object", manifest_edit(files={WEIGHTS: ["sha256"]}), "checksum"),
    ("featurizer_missing", manifest_edit(featurizer=_DELETE), "featurizer"),
    ("n_bits_wrong", featurizer_edit(n_bits=12), "shape"),
    ("n_bits_huge", featurizer_edit(n_bits=62), "n_bits"),
    ("n_bits_string", featurizer_edit(n_bits="18"), "n_bits"),
    ("ngrams_bad", featurizer_edit(word_ngrams=3), "word_ngrams"),
    ("ngrams_reversed", featurizer_edit(char_ngrams=[5, 2]), "char_ngrams"),
    ("weight_not_number", featurizer_edit(char_weight="heavy"), "char_weight"),
    ("threshold_bad", manifest_edit(threshold="high"), "threshold"),
    ("manifest_missing", remove(MANIFEST), "no manifest.json"),
    ("manifest_not_json", manifest_bytes(b"{not json"), "not valid JSON"),
    ("manifest_not_utf8", manifest_bytes(b'{"format": "\xff"}'), "not valid JSON"),
    ("manifest_array", manifest_bytes(b"[1, 2, 3]"), "JSON object"),
    ("manifest_deeply_nested", manifest_bytes(b"[" * 100_000 + b"]" * 100_000), "not valid JSON"),
    ("weights_missing", remove(WEIGHTS), "missing"),
    ("weights_directory", weights_is_directory, "missing"),
    ("weights_dev_zero", weights_is_dev_zero, "missing"),
    ("weights_fifo", weights_is_fifo, "missing"),
    ("wrong_shape", wrong_shape, "shape"),
    ("huge_declared_shape", huge_declared_shape, "shape"),
    ("integer_weights", integer_weights, "dtype"),
    ("nan_weights", nan_weights, "NaN"),
    ("missing_array", missing_array, "'intercept'"),
    ("dense_undeclared", add_dense(8, None), "unexpected array"),
    ("dense_declared_missing", add_dense(0, 8), "no 'dense' array"),
    ("dense_dim_string", add_dense(8, "8"), "dense_dim"),
    ("dense_wrong_width", add_dense(4, 8), "shape"),
    ("extra_array", lambda d, m: _add_array(d, "backdoor"), "unexpected array"),
    ("pickle_as_weights", pickle_as_weights, "pickle"),
    ("pickle_protocol0_as_weights", pickle_protocol0_as_weights, "pickle"),
    ("pickle_inside_npz", pickle_inside_npz, "pickle"),
    ("pickle_npy_as_weights", pickle_npy_as_weights, "not an .npz"),
    ("pickles_beside_and_as_manifest", pickle_next_to_weights, "not valid JSON"),
]
PICKLE_FAULTS = [f for f in FAULTS if "pickle" in f[0]]


@pytest.mark.parametrize("name,fault,fragment", FAULTS, ids=[f[0] for f in FAULTS])
def test_load_refuses_faulty_model(models, tmp_path, name, fault, fragment):
    marker = tmp_path / "PWNED"
    task_dir = models / TASK
    fault(task_dir, marker)
    with pytest.raises(ModelError) as info:
        LinearModel.load(task_dir)
    msg = str(info.value)
    assert fragment.lower() in msg.lower(), msg
    assert "\n" not in msg and len(msg) < 400, msg
    # the same through the public entry points: a models root and a single task directory
    with pytest.raises(ModelError) as info2:
        load_models(models)
    assert fragment.lower() in str(info2.value).lower()
    with pytest.raises(ModelError):
        load_models(task_dir)
    with pytest.raises(ModelError):
        Critic.load(models)
    assert not marker.exists(), "a pickle in the model directory was executed"


@pytest.mark.parametrize("name,fault,fragment", FAULTS, ids=[f[0] for f in FAULTS])
def test_cli_refuses_faulty_model(models, tmp_path, name, fault, fragment):
    marker = tmp_path / "PWNED"
    fault(models / TASK, marker)
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    runner = CliRunner()
    for command in ("critique", "evaluate") if name == "tampered_byte" else ("critique",):
        args = [command, "--models", str(models), str(draft)] if command == "critique" else [command, "--models", str(models), "--data", str(Path(__file__).parents[2] / "data" / "dev.jsonl")]
        result = runner.invoke(main, args)
        err = result.stderr.strip()
        assert result.exit_code == ExitCode.USAGE, (command, result.output, repr(result.exception))
        assert err.count("\n") == 0 and err.startswith("refernlp: error: "), err
        assert fragment.lower() in err.lower(), err
        assert "Traceback" not in result.output
        assert result.stdout == ""
    assert not marker.exists()


@pytest.mark.parametrize("name,fault,fragment", PICKLE_FAULTS, ids=[f[0] for f in PICKLE_FAULTS])
def test_malicious_pickle_is_never_executed(models, tmp_path, name, fault, fragment):
    """The marker proves the payload works when unpickled, and that refernlp never does so."""
    marker = tmp_path / "PWNED"
    probe = tmp_path / "PROBE"
    pickle.loads(pickle.dumps(Boom(probe)))  # the payload is live: unpickling it runs code
    assert probe.exists()
    fault(models / TASK, marker)
    for load in (lambda: LinearModel.load(models / TASK), lambda: load_models(models), lambda: Critic.load(models)):
        with pytest.raises(ModelError):
            load()
    result = CliRunner().invoke(main, ["critique", "--models", str(models), "-"], input=DRAFT)
    assert result.exit_code == ExitCode.USAGE
    assert not marker.exists(), "unpickling happened"


def test_huge_declared_shape_allocates_nothing(models, tmp_path):
    huge_declared_shape(models / TASK, tmp_path / "x")
    m = _manifest(models / TASK)
    m["featurizer"]["n_bits"] = 24  # the largest accepted; the header still disagrees
    _write_manifest(models / TASK, m)
    tracemalloc.start()
    try:
        with pytest.raises(ModelError, match="shape"):
            LinearModel.load(models / TASK)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024**2, f"peak {peak:,} bytes"


def test_size_mismatch_is_caught_before_hashing(models, tmp_path, monkeypatch):
    """A weights file of the wrong size is refused from its size alone (a 2 GB file costs nothing)."""
    w = models / TASK / WEIGHTS
    with w.open("r+b") as fh:
        fh.truncate(2 * 1024**3)
    from refernlp import modelio

    def no_hashing(path):
        raise AssertionError("hashed a file whose size already disagrees with the manifest")

    monkeypatch.setattr(modelio, "sha256_file", no_hashing)
    with pytest.raises(ModelError, match="checksum mismatch"):
        LinearModel.load(models / TASK)


@pytest.mark.parametrize("name", [MANIFEST, WEIGHTS])
def test_unreadable_model_file(models, name):
    """A model file the user cannot read is a ModelError, not a PermissionError traceback."""
    if not hasattr(os, "geteuid"):
        pytest.skip("POSIX permissions only")
    folder = Path(tempfile.mkdtemp(prefix="refernlp-model-"))  # world-traversable, unlike tmp_path
    try:
        folder.chmod(0o755)
        task_dir = folder / TASK
        shutil.copytree(models / TASK, task_dir)
        task_dir.chmod(0o755)
        (task_dir / name).chmod(0)
        dropped = False
        if os.geteuid() == 0:  # root reads anything: become nobody for the load
            try:
                os.seteuid(65534)
                dropped = True
            except OSError as exc:
                pytest.skip(f"running as root and cannot drop privileges ({exc})")
        try:
            with pytest.raises(ModelError, match="cannot read"):
                LinearModel.load(task_dir)
        finally:
            if dropped:
                os.seteuid(0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- directory shapes ------------------------------------------------------------------
def test_model_dir_given_as_file(models, tmp_path):
    f = models / TASK / WEIGHTS
    for load in (LinearModel.load, load_models, Critic.load):
        with pytest.raises(ModelError, match="is a file, not a model directory"):
            load(f)
    result = CliRunner().invoke(main, ["critique", "--models", str(f), "-"], input=DRAFT)
    assert result.exit_code == ExitCode.USAGE and "is a file" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("kind", ["missing", "empty", "unrelated"])
def test_model_dir_without_models(tmp_path, kind):
    d = tmp_path / "m"
    if kind != "missing":
        d.mkdir()
    if kind == "unrelated":
        (d / "notes.txt").write_text("hello", encoding="utf-8")
        (d / "politeness.pkl").write_bytes(b"\x80\x04N.")
    fragment = "does not exist" if kind == "missing" else "no refernlp models found"
    with pytest.raises(ModelError, match=fragment):
        load_models(d)
    result = CliRunner().invoke(main, ["critique", "--models", str(d), "-"], input=DRAFT)
    assert result.exit_code == ExitCode.USAGE and fragment in result.stderr and result.stderr.count("\n") == 1


def test_unknown_task_in_manifest(models):
    m = _manifest(models / TASK)
    m["task"] = "sentiment"
    _write_manifest(models / TASK, m)
    with pytest.raises(ModelError, match="unknown task"):
        load_models(models / TASK)


def test_partial_model_dir_falls_back_to_shipped(models, tmp_path):
    """Only politeness/ is given: it is used, and every other task comes from the shipped models."""
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copytree(models / TASK, partial / TASK)
    m = _manifest(partial / TASK)
    m["note"] = "from the partial directory"  # the manifest itself is not checksummed; its weights are
    _write_manifest(partial / TASK, m)
    for where in (partial, partial / TASK):
        loaded = load_models(where, backend="fast")
        assert set(loaded) == set(ALL_TASKS)
        assert loaded[TASK].manifest.get("note") == "from the partial directory"
        for task in ALL_TASKS:
            if task != TASK:
                assert "note" not in loaded[task].manifest
                assert loaded[task].manifest == _manifest(shipped_models_dir() / task)
        # the accurate backend: the given task replaces the shipped accurate one, the rest are shipped
        accurate = load_models(where)
        assert accurate[TASK].manifest.get("note") == "from the partial directory"
        assert accurate["request_type"].manifest == _manifest(shipped_models_dir() / "accurate" / "request_type")
    # a fault in the partial directory is reported, not silently replaced by the shipped model
    tamper_byte(partial / TASK, tmp_path / "x")
    with pytest.raises(ModelError, match="checksum mismatch"):
        load_models(partial)


def test_shipped_models_load_and_agree_with_their_manifests():
    root = shipped_models_dir()
    for task in ALL_TASKS:
        model = LinearModel.load(root / task)
        m = _manifest(root / task)
        digest = hashlib.sha256((root / task / WEIGHTS).read_bytes()).hexdigest()
        assert digest == m["files"][WEIGHTS]["sha256"]
        assert model.labels == tuple(m["labels"]) and not model.coef.flags.writeable
        assert np.isfinite(model.coef).all()


def test_saved_model_round_trips(models, tmp_path):
    """A model written by ``LinearModel.save`` passes every check of ``load``."""
    src = LinearModel.load(models / TASK)
    out = tmp_path / "saved"
    out.mkdir()
    manifest = {k: v for k, v in src.manifest.items() if k not in {"files", "format", "format_version", "task", "labels"}}
    src.save(out, manifest)
    again = LinearModel.load(out)
    assert np.array_equal(again.coef, src.coef) and np.array_equal(again.intercept, src.intercept)
    assert again.labels == src.labels and again.task == src.task


def test_dense_weights_round_trip(models, tmp_path):
    """Embedding weights (neural backend) are saved, declared in the manifest and checked on load."""
    src = LinearModel.load(models / TASK)
    rng = np.random.default_rng(0)
    dense = rng.normal(size=(src.coef.shape[0], 16)).astype(np.float32)
    model = LinearModel(task=src.task, labels=src.labels, coef=src.coef, intercept=src.intercept, dense=dense)
    out = tmp_path / "dense"
    out.mkdir()
    manifest = {k: v for k, v in src.manifest.items() if k not in {"files", "format", "format_version", "task", "labels"}}
    model.save(out, manifest)
    again = LinearModel.load(out)
    assert again.manifest["dense_dim"] == 16 and np.array_equal(again.dense, dense)
    idx, val = np.array([1, 5], dtype=np.int64), np.array([0.5, 0.25])
    emb = rng.normal(size=16)
    assert np.allclose(again.predict_proba(idx, val, embedding=emb), model.predict_proba(idx, val, embedding=emb))
    assert np.allclose(again.predict_proba(idx, val), src.predict_proba(idx, val))  # no embedding: sparse part only
