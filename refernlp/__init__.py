"""refernlp: critique and improve job-referral request messages.

>>> from refernlp import critique
>>> critique("Hi Sam, could you refer me for the Data Analyst role at Acme? Thanks!").request_type.label
'targeted'
"""

from __future__ import annotations

__version__ = "0.1.0"

from .critic import Critic, critique
from .errors import ConfigError, DataError, ExitCode, InputError, MissingExtraError, ModelError, RefernlpError
from .results import Critique, Finding, Label, Politeness, Relationship, Slots, Stats, Strategy, Transparency

__all__ = [
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
