"""``refernlp serve``: a local HTTP API and web page over one shared :class:`refernlp.Critic` (the ``serve`` extra).

``create_app(critic, ...)`` (in :mod:`.app`) builds the Starlette app;
:mod:`.server` binds and runs it on uvicorn. Importing this package imports
neither: :mod:`.validate` (request checks) and :mod:`.page` need only the
standard library, so the critique path never pulls in the web stack.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
