"""The OpenAPI 3.1 document of the API, built from the request rules and ``refernlp/schema.json``."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..schema import CHANNELS, GIVEN_RELATIONSHIPS, RELATIONSHIP_ALIASES, SEVERITIES
from .validate import MAX_BODY_BYTES, MAX_REWRITES

_CRITIQUE_REF = "#/components/schemas/Critique"


def _critique_schema() -> dict[str, Any]:
    """``schema.json`` with its ``#/$defs/...`` references re-pointed inside the OpenAPI document."""
    schema = json.loads(resources.files("refernlp").joinpath("schema.json").read_text(encoding="utf-8"))
    schema.pop("$schema", None)
    schema.pop("$id", None)

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (v.replace("#/$defs/", f"{_CRITIQUE_REF}/$defs/") if k == "$ref" and isinstance(v, str) else fix(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [fix(x) for x in node]
        return node

    return fix(schema)


def _request_schema(rewrite: bool) -> dict[str, Any]:
    props: dict[str, Any] = {
        "text": {"type": "string", "minLength": 1, "description": "The draft (at most the server's max_chars characters; 20,000 by default)."},
        "relationship": {"type": ["string", "null"], "enum": sorted(RELATIONSHIP_ALIASES) + [None],
                         "description": f"Your tie with the recipient ({', '.join(GIVEN_RELATIONSHIPS)}); inferred when absent."},
        "channel": {"type": ["string", "null"], "enum": list(CHANNELS) + [None], "description": "Where the message will be sent."},
    }
    if rewrite:
        props["n"] = {"type": "integer", "minimum": 1, "maximum": MAX_REWRITES, "default": MAX_REWRITES, "description": "How many rewrites."}
    return {"type": "object", "additionalProperties": False, "required": ["text"], "properties": props}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def openapi_document(*, version: str, backend: str) -> dict[str, Any]:
    """The OpenAPI description of every endpoint ``create_app`` serves."""
    errors = {
        "400": _error("The body is not JSON (code invalid_json)."),
        "401": _error("A token is required and the Authorization header is missing or wrong (code unauthorized)."),
        "413": _error(f"The body is over {MAX_BODY_BYTES:,} bytes (body_too_large) or the text over max_chars (text_too_long)."),
        "422": _error("A field is missing, empty, of the wrong type or has an unknown value (missing_field, invalid_type, invalid_value, invalid_request, invalid_text)."),
        "503": _error("The request took longer than the server's time limit (code timeout)."),
    }
    post = lambda summary, schema, ok: {  # noqa: E731
        "summary": summary,
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": schema}}}},
        "responses": {"200": ok, **errors},
        "security": [{}, {"bearer": []}],
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "refernlp", "version": version, "description": f"Critique job-referral request drafts (backend {backend}). Drafts are never logged or stored."},
        "paths": {
            "/healthz": {"get": {"summary": "Liveness, version and backend", "responses": {"200": _json("#/components/schemas/Health", "The server is up.")}}},
            "/v1/critique": {"post": post("Critique a draft", "#/components/schemas/CritiqueRequest", _json(_CRITIQUE_REF, "Critique.to_dict(), schema version 1."))},
            "/v1/rewrite": {"post": post("Critique a draft and suggest rewrites", "#/components/schemas/RewriteRequest", _json("#/components/schemas/RewriteResponse", "The critique and the rewrites."))},
            "/v1/rules": {"get": {"summary": "Every finding id with its severity and description", "security": [{}, {"bearer": []}],
                                  "responses": {"200": _json("#/components/schemas/Rules", "The rules."), "401": errors["401"]}}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}},
            "/": {"get": {"summary": "The web page", "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Only when the server was started with --token."}},
            "schemas": {
                "CritiqueRequest": _request_schema(False),
                "RewriteRequest": _request_schema(True),
                "Critique": _critique_schema(),
                "Rewrite": {
                    "type": "object",
                    "required": ["relationship", "text", "scores", "changes", "placeholders"],
                    "properties": {
                        "relationship": {"type": "string"},
                        "text": {"type": "string"},
                        "scores": {"type": "object", "properties": {"politeness": {"type": "number"}, "transparency": {"type": "number"}}},
                        "changes": {"type": "array", "items": {"type": "string"}},
                        "placeholders": {"type": "array", "items": {"type": "string"}},
                        "edits": {"type": "array", "description": "Span edits against the draft, where this build produces them.", "items": {"type": "object"}},
                    },
                },
                "RewriteResponse": {"type": "object", "required": ["critique", "rewrites"], "properties": {
                    "critique": {"$ref": _CRITIQUE_REF}, "rewrites": {"type": "array", "items": {"$ref": "#/components/schemas/Rewrite"}}}},
                "Health": {"type": "object", "required": ["status", "version", "backend"], "properties": {
                    "status": {"const": "ok"}, "version": {"type": "string"}, "backend": {"type": "string"}}},
                "Rules": {"type": "object", "required": ["rules"], "properties": {"rules": {"type": "array", "items": {
                    "type": "object", "required": ["id", "severity", "description"],
                    "properties": {"id": {"type": "string"}, "severity": {"enum": list(SEVERITIES)}, "description": {"type": "string"}}}}}},
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}}}}},
            },
        },
    }
