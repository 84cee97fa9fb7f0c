"""``refernlp serve``: the local HTTP API and web page (needs the serve extra; nothing of it is imported until it runs)."""

from __future__ import annotations

import click

from ..errors import ConfigError, RefernlpError
from ..loading import BACKENDS, check_backend
from ..serve.validate import DEFAULT_TIMEOUT_S, DEFAULT_WORKERS
from ..textio import DEFAULT_MAX_CHARS
from .options import exit_on_error, max_chars_option, models_option


def warn(msg: str) -> None:
    click.echo(f"refernlp: warning: {msg}", err=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on. Anything but a loopback address is reachable from other machines.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on (0: any free port).")
@click.option("--workers", type=click.IntRange(1, 64), default=DEFAULT_WORKERS, show_default=True, help="Worker threads sharing the one loaded critic.")
@models_option()
@click.option("--backend", default=None, metavar="NAME", help=f"Judgement backend ({', '.join(BACKENDS)})  [default: the library's default]")
@click.option("--token", envvar="REFERNLP_TOKEN", default=None, help="Require 'Authorization: Bearer TOKEN' on /v1/* (or set REFERNLP_TOKEN).")
@click.option("--cors", multiple=True, metavar="ORIGIN", help="Let web pages from ORIGIN call the API (repeatable; off by default).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT_S, show_default=True, help="Seconds a request may take before it is answered 503.")
@max_chars_option(DEFAULT_MAX_CHARS)
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info", show_default=True)
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log each request's method, path and status (never its body).")
def serve(host, port, workers, models_dir, backend, token, cors, timeout, max_chars, log_level, access_log) -> None:
    """Serve the JSON API and the web page at http://127.0.0.1:8000/.

    \b
    Endpoints: GET / (the page), GET /healthz, POST /v1/critique,
    POST /v1/rewrite, GET /v1/rules, GET /openapi.json.
    Drafts are never logged or stored. Needs: pip install "refernlp[serve]".
    """
    from ..serve import server

    try:
        server.require_extra()
        if backend is not None:
            check_backend(backend)
        if token is not None and not token.strip():
            raise ConfigError("--token is empty")
        for origin in cors:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ConfigError(f"--cors {origin!r} is not an origin like http://localhost:3000")
        sock = server.bind(host, port)
    except RefernlpError as exc:
        exit_on_error(exc)
    try:
        from ..critic import Critic

        critic = Critic.load(models_dir, max_chars=max_chars, **({"backend": backend} if backend is not None else {}))
        from ..serve.app import create_app

        app = create_app(critic, token=token, cors=cors, workers=workers, timeout=timeout)
    except RefernlpError as exc:
        sock.close()
        exit_on_error(exc)
    if not server.is_loopback(host):
        if token:
            warn(f"listening on {host}, reachable from other machines; the token travels unencrypted (plain HTTP)")
        else:
            warn(f"listening on {host}, reachable from other machines, with no authentication: anyone who can reach it can use it (add --token)")
    if "*" in cors:
        warn("--cors '*' lets any web page call this server")
    click.echo(f"refernlp serve: {server.url_of(sock)} (backend {critic.backend}, {workers} workers); Ctrl+C stops it", err=True)
    try:
        server.run(app, sock, log_level=log_level, access_log=access_log)
    except KeyboardInterrupt:  # uvicorn has shut down gracefully and re-raised Ctrl+C: that is a normal stop
        pass
    click.echo("refernlp serve: stopped", err=True)
