"""Package data (lexicons, phrase banks, schema) read with importlib.resources."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def load_json(*parts: str) -> Any:
    """Load a JSON file shipped inside the ``refernlp`` package (cached, read-only use)."""
    path = resources.files("refernlp").joinpath(*parts)
    with path.open("r", encoding="utf-8") as fh:
        return json.load(fh)


def lexicon(name: str) -> Any:
    """Return the lexicon ``refernlp/lexicons/<name>.json``."""
    return load_json("lexicons", f"{name}.json")
