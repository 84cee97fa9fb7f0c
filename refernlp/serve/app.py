"""The HTTP app (Starlette): the JSON API and the web page, on one shared :class:`refernlp.Critic`.

``create_app(critic, ...)`` builds it; ``refernlp serve`` runs it on uvicorn.
The critic is loaded once and shared by a pool of worker threads (it is
thread-safe). Every refusal is JSON, ``{"error": {"code": str, "message": str}}``,
never a stack trace; draft text is never logged or stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import inspect
import logging
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable, Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .._version import __version__
from ..errors import InputError, RequestError
from .openapi import openapi_document
from .page import ASSET_TYPES, PAGE_CSP, asset_bytes, render_index
from .validate import (
    DEFAULT_TIMEOUT_S,
    DEFAULT_WORKERS,
    MAX_BODY_BYTES,
    CritiqueRequest,
    check_content_length,
    parse_json,
    parse_request,
)

log = logging.getLogger("refernlp.serve")

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}
#: headers on every API answer: results are personal, so never cached
_API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers={**_API_HEADERS, **(headers or {})})


def _accepts(fn: Callable, name: str) -> bool:
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


class Service:
    """What the endpoints share: the critic, the worker pool, the limits and the token."""

    def __init__(self, critic, *, token: str | None, workers: int, timeout: float, max_body: int) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.critic = critic
        self.token = token or None
        self.timeout = float(timeout)
        self.max_body = int(max_body)
        self.workers = int(workers)
        self.pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="refernlp-serve")
        #: whether this build's Critic takes a ``channel`` (issue 18); requests naming one are refused otherwise
        self.channels = _accepts(critic.critique, "channel")
        self.index_html = render_index(channels=self.channels).encode("utf-8")
        self.openapi = openapi_document(version=__version__, backend=self.backend)

    @property
    def backend(self) -> str:
        return str(getattr(self.critic, "backend", "unknown"))

    def authorise(self, request: Request) -> None:
        if self.token is None:
            return
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.token.encode()):
            raise RequestError(401, "unauthorized", "this server needs an 'Authorization: Bearer <token>' header")

    async def read_body(self, request: Request) -> bytes:
        """The body, refused with 413 as soon as it is known to be over the limit (never read whole first)."""
        check_content_length(request.headers.get("content-length"), self.max_body)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.max_body:
                raise RequestError(413, "body_too_large", f"the request body is over the limit of {self.max_body:,} bytes")
        return bytes(body)

    async def run(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the worker pool within the time limit."""
        future = asyncio.get_running_loop().run_in_executor(self.pool, fn)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except asyncio.TimeoutError:
            raise RequestError(503, "timeout", f"the request took longer than the limit of {self.timeout:g} s") from None

    def critique_kwargs(self, req: CritiqueRequest) -> dict[str, Any]:
        if req.channel is not None and not self.channels:
            raise RequestError(422, "invalid_value", "this refernlp build does not take a channel yet; leave 'channel' out")
        return {"relationship": req.relationship, **({"channel": req.channel} if req.channel is not None else {})}

    def critique(self, req: CritiqueRequest) -> dict[str, Any]:
        return self.critic.critique(req.text, **self.critique_kwargs(req)).to_dict()

    def rewrite(self, req: CritiqueRequest) -> dict[str, Any]:
        kwargs = self.critique_kwargs(req)
        analysis = self.critic.analyse(req.text)
        result = self.critic.critique(analysis, **kwargs)
        rw_kwargs = {k: v for k, v in kwargs.items() if k != "channel" or _accepts(self.critic.rewrite, "channel")}
        rewrites = self.critic.rewrite(analysis, n=req.n, **rw_kwargs)
        return {"critique": result.to_dict(), "rewrites": [r.to_dict() for r in rewrites]}


def _endpoint(fn: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """Turn every refusal into a JSON error and every bug into a 500 without a trace (or the draft) in the answer or the log."""

    async def wrapped(request: Request) -> Response:
        try:
            return await fn(request)
        except RequestError as exc:
            return error_response(exc.status, exc.code, str(exc))
        except InputError as exc:  # the library refused the draft (too short, NUL byte...)
            return error_response(422, "invalid_text", str(exc))
        except Exception as exc:  # noqa: BLE001  (the server must keep serving)
            where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
            log.error("internal error on %s: %s at %s:%s", request.url.path, type(exc).__name__, where.filename if where else "?", where.lineno if where else "?")
            return error_response(500, "internal", "internal error; the server keeps running")

    wrapped.__name__ = fn.__name__
    return wrapped


def create_app(
    critic,
    *,
    token: str | None = None,
    cors: Sequence[str] = (),
    workers: int = DEFAULT_WORKERS,
    timeout: float = DEFAULT_TIMEOUT_S,
    max_body: int = MAX_BODY_BYTES,
) -> Starlette:
    """The ASGI app serving ``critic``: the API under ``/v1``, ``/healthz``, ``/openapi.json`` and the page at ``/``.

    ``token``: require ``Authorization: Bearer TOKEN`` on ``/v1/*``. ``cors``:
    origins allowed to call the API from a browser (none by default).
    ``timeout``: seconds a request may take. ``max_body``: bytes a body may hold.
    """
    svc = Service(critic, token=token, workers=workers, timeout=timeout, max_body=max_body)

    @_endpoint
    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__, "backend": svc.backend}, headers=_API_HEADERS)

    async def _analyse(request: Request, rewrite: bool) -> Response:
        svc.authorise(request)
        obj = parse_json(await svc.read_body(request))
        req = parse_request(obj, max_chars=svc.critic.max_chars, rewrite=rewrite)
        out = await svc.run(lambda: svc.rewrite(req) if rewrite else svc.critique(req))
        return JSONResponse(out, headers=_API_HEADERS)

    @_endpoint
    async def critique(request: Request) -> Response:
        return await _analyse(request, rewrite=False)

    @_endpoint
    async def rewrite(request: Request) -> Response:
        return await _analyse(request, rewrite=True)

    @_endpoint
    async def rules(request: Request) -> Response:
        svc.authorise(request)
        from ..findings import RULES

        items = [{"id": r.id, "severity": r.severity, "description": r.description} for r in RULES.values()]
        return JSONResponse({"rules": items}, headers=_API_HEADERS)

    @_endpoint
    async def openapi(request: Request) -> Response:
        return JSONResponse(svc.openapi, headers=_API_HEADERS)

    @_endpoint
    async def index(request: Request) -> Response:
        return Response(svc.index_html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})

    @_endpoint
    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        data = asset_bytes(name)
        if data is None:
            raise RequestError(404, "not_found", f"no asset {name!r}")
        return Response(data, media_type=ASSET_TYPES[name.rsplit(".", 1)[-1]], headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"})

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", "") or "error"
        headers = dict(getattr(exc, "headers", None) or {})
        message = {404: f"no such endpoint: {request.url.path}", 405: f"{request.method} is not allowed on {request.url.path}"}.get(status, str(detail))
        return error_response(status, _HTTP_CODES.get(status, "error"), message, headers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        try:
            yield
        finally:
            svc.pool.shutdown(wait=False, cancel_futures=True)

    middleware = []
    if cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(cors), allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"], max_age=600))
    routes = [
        Route("/", index, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/v1/critique", critique, methods=["POST"]),
        Route("/v1/rewrite", rewrite, methods=["POST"]),
        Route("/v1/rules", rules, methods=["GET"]),
    ]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: http_error}, lifespan=lifespan)
    app.state.service = svc
    return app
