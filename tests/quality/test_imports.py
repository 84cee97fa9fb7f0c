"""The critique path stays light: no training, plotting or neural libraries get imported.

A behaviour test, not a timing test: it runs in a fresh interpreter, because this
test session itself imports scikit-learn and friends for the training tests.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import ROOT

HEAVY = ("sklearn", "scipy", "datasets", "transformers", "torch", "matplotlib", "pandas", "starlette", "uvicorn")
DRAFT = "Hi Sam, could you refer me for the analyst role at Acme? Thanks!"


def _loaded_after(code: str) -> list[str]:
    """The HEAVY modules in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = code + f"\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_critique_imports_no_heavy_modules():
    loaded = _loaded_after(f"import refernlp\nrefernlp.critique({DRAFT!r})")
    if loaded:
        # say where they come from: spaCy's own import (thinc imports torch whenever
        # it is installed) or refernlp's code
        via_spacy = _loaded_after("import spacy\nspacy.blank('en')")
        culprits = {m: ("spaCy/thinc at `import spacy`" if m in via_spacy else "refernlp") for m in loaded}
        pytest.fail(f"the critique path imported heavy modules: {culprits}")


def test_import_refernlp_alone_imports_no_heavy_modules():
    assert _loaded_after("import refernlp") == []


def test_torch_still_importable_after_refernlp():
    pytest.importorskip("torch")
    proc = subprocess.run(
        [sys.executable, "-c", "import refernlp, torch; print(torch.__version__)"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
