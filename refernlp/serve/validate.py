"""Reading and checking API requests: pure functions, no web framework, so they are tested on their own.

Every refusal is a :class:`refernlp.errors.RequestError` carrying the HTTP
status and a stable error code; ``app.py`` turns it into
``{"error": {"code": ..., "message": ...}}``. Messages never quote the draft.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import RequestError
from ..schema import CHANNELS, RELATIONSHIP_ALIASES, normalise_relationship

#: the largest request body accepted, in bytes (1 MB); larger ones are refused before they are read whole
MAX_BODY_BYTES = 1_000_000
#: the default per-request time limit, in seconds
DEFAULT_TIMEOUT_S = 10.0
#: the default size of the worker pool that runs critiques
DEFAULT_WORKERS = 4
#: how many rewrites a request may ask for (the CLI's range)
MAX_REWRITES = 3
CRITIQUE_FIELDS = ("text", "relationship", "channel")
REWRITE_FIELDS = CRITIQUE_FIELDS + ("n",)


@dataclass(frozen=True)
class CritiqueRequest:
    """A checked ``/v1/critique`` or ``/v1/rewrite`` request."""

    text: str
    relationship: str | None = None  #: a label of ``schema.GIVEN_RELATIONSHIPS``, or None to infer it
    channel: str | None = None  #: one of ``schema.CHANNELS``, or None
    n: int = MAX_REWRITES  #: rewrites wanted (``/v1/rewrite`` only)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def check_content_length(header: str | None, limit: int = MAX_BODY_BYTES) -> None:
    """Refuse a declared body size over ``limit`` before any of the body is read."""
    if header is None:
        return
    try:
        size = int(header)
    except ValueError:
        raise RequestError(400, "invalid_request", "Content-Length is not a number") from None
    if size > limit:
        raise RequestError(413, "body_too_large", f"the request body is {size:,} bytes, over the limit of {limit:,}")


def parse_json(body: bytes) -> Any:
    """Decode a request body as UTF-8 JSON, or refuse it with 400."""
    if not body.strip():
        raise RequestError(400, "invalid_json", "the request body is empty; send a JSON object such as {\"text\": \"...\"}")
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RequestError(400, "invalid_json", f"the request body is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise RequestError(400, "invalid_json", f"the request body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def _optional_str(obj: dict[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if value is not None and not isinstance(value, str):
        raise RequestError(422, "invalid_type", f"'{name}' must be a string, got {_json_type(value)}")
    return value


def parse_request(obj: Any, *, max_chars: int, rewrite: bool = False) -> CritiqueRequest:
    """Check a decoded JSON body against the request schema; ``max_chars`` is the critic's limit."""
    if not isinstance(obj, dict):
        raise RequestError(422, "invalid_request", f"the body must be a JSON object, got {_json_type(obj)}")
    allowed = REWRITE_FIELDS if rewrite else CRITIQUE_FIELDS
    unknown = sorted(k for k in obj if k not in allowed)
    if unknown:
        raise RequestError(422, "invalid_request", f"unknown field {unknown[0]!r} (allowed: {', '.join(allowed)})")
    if "text" not in obj:
        raise RequestError(422, "missing_field", "missing field 'text' (the draft to critique)")
    text = obj["text"]
    if not isinstance(text, str):
        raise RequestError(422, "invalid_type", f"'text' must be a string, got {_json_type(text)}")
    if len(text) > max_chars:
        raise RequestError(413, "text_too_long", f"the draft is {len(text):,} characters, over the limit of {max_chars:,}")
    if not text.strip():
        raise RequestError(422, "invalid_value", "'text' is empty" if not text else "'text' contains only whitespace")
    relationship = _optional_str(obj, "relationship")
    if relationship is not None and relationship.strip().lower() not in RELATIONSHIP_ALIASES:
        raise RequestError(422, "invalid_value", f"unknown relationship {relationship!r}: use strong, weak or second_degree")
    channel = _optional_str(obj, "channel")
    if channel is not None and channel not in CHANNELS:
        raise RequestError(422, "invalid_value", f"unknown channel {channel!r}: use one of {', '.join(CHANNELS)}")
    n = obj.get("n", MAX_REWRITES)
    if isinstance(n, bool) or not isinstance(n, int):
        raise RequestError(422, "invalid_type", f"'n' must be an integer, got {_json_type(n)}")
    if not 1 <= n <= MAX_REWRITES:
        raise RequestError(422, "invalid_value", f"'n' must be between 1 and {MAX_REWRITES}, got {n}")
    return CritiqueRequest(text, normalise_relationship(relationship), channel, n)
