"""A non-editable install into a fresh virtualenv ships the models and package data."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv

import pytest
from helpers import DATA, ROOT


@pytest.mark.slow
def test_wheel_install_in_fresh_venv(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git not available")
    # build from a clean copy so no editable-install artefacts leak in
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", ".git", "*.egg-info", "build", "__pycache__", ".pytest_cache", ".hypothesis"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    proc = subprocess.run([str(py), "-m", "pip", "install", "-q", str(src)], capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    draft = DATA / "examples" / "targeted_demanding.txt"
    out = subprocess.run([str(env_dir / "bin" / "refernlp"), "critique", "--format", "json", str(draft)], capture_output=True, text=True, cwd=elsewhere, timeout=300)
    assert out.returncode == 0, out.stderr
    assert '"request_type"' in out.stdout
    check = subprocess.run([str(py), "-c", "import refernlp, sys; from refernlp.loading import shipped_models_dir; p = shipped_models_dir(); print(p); assert 'site-packages' in str(p); assert (p / 'politeness' / 'weights.npz').is_file()"], capture_output=True, text=True, cwd=elsewhere)
    assert check.returncode == 0, check.stderr
    # the default backend is the accurate one, from the wheel, with no torch anywhere
    backend = subprocess.run(
        [str(py), "-c", "import importlib.util, sys; from refernlp import Critic; c = Critic.load(); c.critique('Could you refer me for the analyst role at Acme?'); "
         "print(c.backend, importlib.util.find_spec('torch') is None, 'torch' in sys.modules, 'transformers' in sys.modules)"],
        capture_output=True, text=True, cwd=elsewhere, timeout=300,
    )
    assert backend.returncode == 0, backend.stderr
    assert backend.stdout.split() == ["accurate", "True", "False", "False"]
