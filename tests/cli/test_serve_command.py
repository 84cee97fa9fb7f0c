"""``refernlp serve``: options checked at start with one-line errors, the warning off loopback, and a real server process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner
from helpers import DATA, ROOT

pytest.importorskip("uvicorn", reason="the serve extra is not installed")

from refernlp.cli import main
from refernlp.serve import server


def run_cli(*args: str):
    return CliRunner().invoke(main, ["serve", *args])


def one_line_error(result, text: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("refernlp: error: ") and text in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_backend_is_a_one_line_error():
    one_line_error(run_cli("--backend", "bogus"), "unknown backend 'bogus'")


def test_a_missing_model_directory_is_a_one_line_error(tmp_path):
    one_line_error(run_cli("--models", str(tmp_path / "nope"), "--port", "0"), "does not exist")
    (tmp_path / "empty").mkdir()
    one_line_error(run_cli("--models", str(tmp_path / "empty"), "--port", "0"), "no refernlp models found")


def test_a_bad_cors_origin_or_empty_token_is_a_one_line_error():
    one_line_error(run_cli("--cors", "localhost:3000"), "is not an origin")
    one_line_error(run_cli("--token", " "), "--token is empty")


def test_a_busy_port_is_a_one_line_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        one_line_error(run_cli("--port", str(busy.getsockname()[1])), "cannot listen on 127.0.0.1")


def test_is_loopback():
    assert all(server.is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.8.0.1"))
    assert not any(server.is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.4", "example.org"))


@pytest.mark.parametrize("token, warning", [(None, "with no authentication"), ("t0ken", "the token travels unencrypted")])
def test_binding_off_loopback_warns(monkeypatch, token, warning):
    bound, real_bind = [], server.bind

    def fake_bind(host, port):  # never really listen off loopback in a test
        bound.append(host)
        return real_bind("127.0.0.1", 0)

    monkeypatch.setattr(server, "bind", fake_bind)
    monkeypatch.setattr(server, "run", lambda app, sock, **kw: sock.close())
    result = run_cli("--host", "0.0.0.0", *(["--token", token] if token else []))
    assert result.exit_code == 0, result.output
    assert bound == ["0.0.0.0"]
    assert "refernlp: warning: listening on 0.0.0.0, reachable from other machines" in result.stderr and warning in result.stderr


def test_loopback_gives_no_warning(monkeypatch):
    monkeypatch.setattr(server, "run", lambda app, sock, **kw: sock.close())
    result = run_cli("--port", "0")
    assert result.exit_code == 0 and "warning" not in result.stderr
    assert "refernlp serve: http://127.0.0.1:" in result.stderr


def _post(url: str, body: bytes):
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_real_server_process_answers_and_stops_on_ctrl_c(critic):
    proc = subprocess.Popen(
        [sys.executable, "-c", "from refernlp.cli import main; main()", "serve", "--port", "0", "--workers", "2"],
        cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        url, deadline, seen = None, time.monotonic() + 120, []
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith("refernlp serve: http://"):
                url = line.split()[2]
        assert url, "".join(seen)
        for _ in range(100):  # uvicorn accepts once its startup is done
            try:
                with urllib.request.urlopen(url + "healthz", timeout=5) as resp:
                    health = json.loads(resp.read())
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        assert health == {"status": "ok", "version": health["version"], "backend": critic.backend}
        draft = (DATA / "examples" / "targeted_demanding.txt").read_text(encoding="utf-8")
        assert _post(url + "v1/critique", json.dumps({"text": draft}).encode()) == (200, critic.critique(draft).to_dict())
        status, err = _post(url + "v1/critique", b"{not json")
        assert status == 400 and err["error"]["code"] == "invalid_json"
        # a 2 MB body announced, 1 kB of it sent: the answer comes without the rest being read
        host, port = url.split("//")[1].rstrip("/").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=30) as raw:
            raw.sendall(b"POST /v1/critique HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n" + b"a" * 1000)
            head = b""
            while b"body_too_large" not in head and (chunk := raw.recv(65536)):
                head += chunk
            head = head.decode("latin-1")
        assert head.startswith("HTTP/1.1 413") and "body_too_large" in head, head
        assert _post(url + "v1/critique", json.dumps({"text": draft}).encode())[0] == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        rest = proc.stderr.read()
        proc.stderr.close()
    assert proc.returncode == 0, rest
    assert draft not in rest and "Traceback" not in rest


def test_the_cli_and_the_critique_path_import_no_web_stack():
    code = ("import sys, refernlp, refernlp.cli\n"
            "refernlp.critique('Hi Sam, could you refer me for the analyst role at Acme? Thanks!')\n"
            "print(sorted(m for m in ('starlette', 'uvicorn', 'selenium') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == "[]"
