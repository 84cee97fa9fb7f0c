"""refernlp: critique and improve job-referral request messages.

>>> from refernlp import critique
>>> critique("Hi Sam, could you refer me for the Data Analyst role at Acme? Thanks!").request_type.label
'targeted'
"""

from __future__ import annotations

from ._version import __version__


def _import_spacy_without_torch() -> None:
    """Import spaCy while hiding torch from thinc.

    thinc imports torch at import time whenever it is installed, which costs
    seconds on every ``import spacy`` although the default (linear) backend
    never uses it. Hiding it during that one import keeps the critique path
    light; ``import torch`` works normally afterwards (the neural backend
    imports it lazily and does not go through thinc).
    """
    import sys

    if "spacy" in sys.modules or "torch" in sys.modules:
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
    try:
        import spacy  # noqa: F401
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


_import_spacy_without_torch()

from .analysis import Analysis
from .critic import Critic, critique
from .errors import ConfigError, DataError, ExitCode, InputError, MissingExtraError, ModelError, RefernlpError
from .results import Critique, Finding, Label, Politeness, Relationship, Slots, Stats, Strategy, Transparency

__all__ = [
    "Analysis",
    "ConfigError",
    "Critic",
    "Critique",
    "DataError",
    "ExitCode",
    "Finding",
    "InputError",
    "Label",
    "MissingExtraError",
    "ModelError",
    "Politeness",
    "RefernlpError",
    "Relationship",
    "Slots",
    "Stats",
    "Strategy",
    "Transparency",
    "__version__",
    "critique",
]
