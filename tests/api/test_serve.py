"""The HTTP API through an in-process client: every endpoint, every error, auth, CORS, limits, concurrency.

Responses are compared with the library's own output for the same draft
(``Critic.critique(...).to_dict()``), never with stored answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import tomllib
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import DATA, ROOT

pytest.importorskip("starlette", reason="the serve extra is not installed (pip install -e '.[serve]')")
pytest.importorskip("httpx", reason="starlette's TestClient needs httpx")

from starlette.testclient import TestClient

import refernlp
from refernlp.errors import RequestError
from refernlp.findings import RULES
from refernlp.schema import CHANNELS, SEVERITIES
from refernlp.serve.app import create_app
from refernlp.serve.page import ASSETS, EXPLANATIONS, VOCABULARY
from refernlp.serve.validate import MAX_BODY_BYTES, parse_request

DEMANDING = (DATA / "examples" / "targeted_demanding.txt").read_text(encoding="utf-8")
WEAK = (DATA / "examples" / "weak_tie_email.txt").read_text(encoding="utf-8")
SHORT = "Hi Sam, could you refer me for the Data Analyst role at Acme (job ID R-1234)? Thanks! Alex"


@pytest.fixture(scope="module")
def client(critic):
    # a generous time limit: on a loaded 2-core machine 16 queued requests can wait longer than the default 10 s
    with TestClient(create_app(critic, workers=4, timeout=300)) as c:
        yield c


def assert_error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"] and "Traceback" not in resp.text
    return body["error"]


# --- endpoints --------------------------------------------------------------------------
def test_healthz_reports_version_and_the_critics_backend(client, critic):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "version": refernlp.__version__, "backend": critic.backend}


@pytest.mark.parametrize("text, extra", [
    (DEMANDING, {}),
    (WEAK, {"relationship": "weak"}),
    (SHORT, {"relationship": "second_degree", "channel": "email"}),
    (SHORT, {"relationship": "second-degree", "channel": "linkedin_note"}),
    (SHORT, {"relationship": None, "channel": None}),
])
def test_critique_is_exactly_the_librarys_to_dict(client, critic, text, extra):
    resp = client.post("/v1/critique", json={"text": text, **extra})
    assert resp.status_code == 200, resp.text
    kwargs = {k: v for k, v in extra.items() if v is not None}
    assert resp.json() == critic.critique(text, **kwargs).to_dict()
    assert resp.headers["cache-control"] == "no-store"


def test_the_relationship_and_channel_given_change_the_answer(client):
    strong = client.post("/v1/critique", json={"text": SHORT, "relationship": "strong"}).json()
    weak = client.post("/v1/critique", json={"text": SHORT, "relationship": "weak"}).json()
    assert strong["relationship"] == {**strong["relationship"], "label": "strong", "source": "given"}
    assert weak["relationship"]["label"] == "weak"


@pytest.mark.parametrize("extra", [{}, {"relationship": "weak", "n": 1}, {"relationship": "strong", "n": 2, "channel": "email"}])
def test_rewrite_is_the_librarys_critique_and_rewrites(client, critic, extra):
    resp = client.post("/v1/rewrite", json={"text": DEMANDING, **extra})
    assert resp.status_code == 200, resp.text
    kwargs = {k: v for k, v in extra.items() if k != "n"}
    analysis = critic.analyse(DEMANDING)
    expected = {
        "critique": critic.critique(analysis, **kwargs).to_dict(),
        "rewrites": [r.to_dict() for r in critic.rewrite(analysis, relationship=extra.get("relationship"), n=extra.get("n", 3))],
    }
    assert resp.json() == expected
    assert 1 <= len(expected["rewrites"]) <= extra.get("n", 3)


def test_rules_lists_every_finding_id_with_severity_and_description(client):
    rules = client.get("/v1/rules").json()["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for r in rules:
        assert r["severity"] in SEVERITIES and r["description"] == RULES[r["id"]].description


def test_openapi_describes_every_route_and_its_critique_schema_validates_a_real_answer(client):
    jsonschema = pytest.importorskip("jsonschema")
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert {"/healthz", "/v1/critique", "/v1/rewrite", "/v1/rules", "/openapi.json", "/"} <= set(doc["paths"])
    for path in ("/v1/critique", "/v1/rewrite"):
        assert {"200", "400", "413", "422"} <= set(doc["paths"][path]["post"]["responses"])
    answer = client.post("/v1/rewrite", json={"text": DEMANDING, "n": 1}).json()
    for name, instance in (("Critique", answer["critique"]), ("RewriteResponse", answer), ("Error", {"error": {"code": "x", "message": "y"}})):
        jsonschema.validate(instance, {**doc, "$ref": f"#/components/schemas/{name}"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema_version": "1"}, {**doc, "$ref": "#/components/schemas/Critique"})


def test_page_and_its_assets_are_local(client):
    resp = client.get("/")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    csp = resp.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    page = resp.text
    assert re.search(r'<textarea id="draft"', page) and '<label for="draft"' in page
    for channel in CHANNELS:
        assert f'value="{channel}"' in page
    refs = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert refs and all(r.startswith(("/", "#")) and not r.startswith("//") for r in refs), refs
    for name in ASSETS:
        asset = client.get(f"/static/{name}")
        assert asset.status_code == 200 and asset.content
        content = re.sub(rb'xmlns="[^"]*"', b"", asset.content)  # an XML namespace name is not fetched
        assert not re.search(rb"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", content, re.I), f"{name} refers to another host"
    assert_error(client.get("/static/../app.py"), 404, "not_found")
    assert_error(client.get("/static/nothing.js"), 404, "not_found")


def test_every_label_the_page_shows_has_a_plain_explanation():
    for field, labels in VOCABULARY.items():
        missing = [label for label in labels if not EXPLANATIONS[field].get(label)]
        assert missing == [], f"{field}: no explanation for {missing}"


# --- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize("body", [b"not json", b"{\"text\": ", b"", b"  ", b"\xff\xfe{}"])
def test_a_body_that_is_not_json_is_400(client, body):
    assert_error(client.post("/v1/critique", content=body, headers={"content-type": "application/json"}), 400, "invalid_json")


@pytest.mark.parametrize("path, obj, code", [
    ("/v1/critique", {}, "missing_field"),
    ("/v1/critique", {"relationship": "weak"}, "missing_field"),
    ("/v1/critique", {"text": ""}, "invalid_value"),
    ("/v1/critique", {"text": " \n\t "}, "invalid_value"),
    ("/v1/critique", {"text": 42}, "invalid_type"),
    ("/v1/critique", {"text": None}, "invalid_type"),
    ("/v1/critique", {"text": ["a draft"]}, "invalid_type"),
    ("/v1/critique", {"text": SHORT, "relationship": "cousin"}, "invalid_value"),
    ("/v1/critique", {"text": SHORT, "relationship": 1}, "invalid_type"),
    ("/v1/critique", {"text": SHORT, "channel": "fax"}, "invalid_value"),
    ("/v1/critique", {"text": SHORT, "channel": False}, "invalid_type"),
    ("/v1/critique", {"text": SHORT, "n": 2}, "invalid_request"),
    ("/v1/critique", {"txt": SHORT}, "invalid_request"),
    ("/v1/critique", [SHORT], "invalid_request"),
    ("/v1/critique", SHORT, "invalid_request"),
    ("/v1/critique", {"text": "a"}, "invalid_text"),
    ("/v1/critique", {"text": "Hi\x00there, refer me?"}, "invalid_text"),
    ("/v1/rewrite", {"text": SHORT, "n": 0}, "invalid_value"),
    ("/v1/rewrite", {"text": SHORT, "n": 4}, "invalid_value"),
    ("/v1/rewrite", {"text": SHORT, "n": "2"}, "invalid_type"),
    ("/v1/rewrite", {"text": SHORT, "n": True}, "invalid_type"),
    ("/v1/rewrite", {"text": SHORT, "n": 1.5}, "invalid_type"),
])
def test_bad_fields_are_422(client, path, obj, code):
    assert_error(client.post(path, json=obj), 422, code)


def test_a_text_over_max_chars_is_413(client, critic):
    err = assert_error(client.post("/v1/critique", json={"text": "a" * (critic.max_chars + 1)}), 413, "text_too_long")
    assert f"{critic.max_chars:,}" in err["message"]
    assert client.post("/v1/critique", json={"text": "Could you refer me? " + "a" * (critic.max_chars - 20)}).status_code == 200


def test_a_body_over_1_mb_is_413(client):
    assert_error(client.post("/v1/critique", content=b'{"text": "' + b"a" * MAX_BODY_BYTES + b'"}'), 413, "body_too_large")


def test_unknown_paths_and_methods_get_json_errors(client):
    assert_error(client.get("/v2/critique"), 404, "not_found")
    assert_error(client.get("/v1/critique"), 405, "method_not_allowed")
    assert_error(client.post("/healthz", json={}), 405, "method_not_allowed")


def test_the_server_keeps_serving_after_every_error(client, critic):
    for body in (b"{", b"[]", b'{"text": 1}', b'{"text": "' + b"a" * 30_000 + b'"}', b'{"text": "' + b"a" * (MAX_BODY_BYTES + 1) + b'"}'):
        assert client.post("/v1/critique", content=body).status_code in (400, 413, 422)
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.post("/v1/critique", json={"text": SHORT}).json() == critic.critique(SHORT).to_dict()


# --- the body limit is enforced while reading, not after --------------------------------
def _asgi_post(app, headers: list[tuple[bytes, bytes]], chunks: int, chunk_size: int = 65_536):
    """POST /v1/critique straight through ASGI with a streamed body; returns (status, body, chunks the app read)."""
    read = {"n": 0}
    sent: list[dict] = []

    async def receive():
        if read["n"] >= chunks:
            return {"type": "http.disconnect"}
        read["n"] += 1
        return {"type": "http.request", "body": b"a" * chunk_size, "more_body": read["n"] < chunks}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/v1/critique", "raw_path": b"/v1/critique", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), read["n"]


def test_a_streamed_body_over_the_limit_is_refused_before_it_is_read_whole(critic):
    app = create_app(critic, workers=1)
    total_chunks = 160  # 10 MB offered in 64 KiB chunks, with no Content-Length
    status, body, read = _asgi_post(app, [], total_chunks)
    assert status == 413 and body["error"]["code"] == "body_too_large"
    assert read <= MAX_BODY_BYTES // 65_536 + 1 < total_chunks


def test_a_declared_content_length_over_the_limit_is_refused_without_reading(critic):
    app = create_app(critic, workers=1)
    status, body, read = _asgi_post(app, [(b"content-length", str(10 * MAX_BODY_BYTES).encode())], 160)
    assert (status, body["error"]["code"], read) == (413, "body_too_large", 0)


# --- safety ------------------------------------------------------------------------------
def test_a_token_is_required_on_the_api_when_set(critic):
    with TestClient(create_app(critic, token="s3cret-token")) as c:
        assert_error(c.post("/v1/critique", json={"text": SHORT}), 401, "unauthorized")
        assert_error(c.post("/v1/critique", json={"text": SHORT}, headers={"Authorization": "Bearer wrong"}), 401, "unauthorized")
        assert_error(c.post("/v1/critique", json={"text": SHORT}, headers={"Authorization": "Basic s3cret-token"}), 401, "unauthorized")
        assert_error(c.get("/v1/rules"), 401, "unauthorized")
        ok = c.post("/v1/critique", json={"text": SHORT}, headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200 and ok.json() == critic.critique(SHORT).to_dict()
        assert c.get("/v1/rules", headers={"Authorization": "bearer s3cret-token"}).status_code == 200
        assert c.get("/healthz").status_code == 200 and c.get("/").status_code == 200


def test_cors_is_off_by_default(client):
    resp = client.post("/v1/critique", json={"text": SHORT}, headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in resp.headers
    pre = client.options("/v1/critique", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 405 and "access-control-allow-origin" not in pre.headers


def test_cors_allows_only_the_origins_given(critic):
    with TestClient(create_app(critic, cors=["http://localhost:3000"])) as c:
        pre = c.options("/v1/critique", headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Headers": "content-type, authorization"})
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "http://localhost:3000"
        resp = c.post("/v1/critique", json={"text": SHORT}, headers={"Origin": "http://localhost:3000"})
        assert resp.headers["access-control-allow-origin"] == "http://localhost:3000"
        other = c.post("/v1/critique", json={"text": SHORT}, headers={"Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_a_request_over_the_time_limit_is_503_and_the_server_goes_on(critic):
    with TestClient(create_app(critic, timeout=1e-6)) as c:
        assert_error(c.post("/v1/critique", json={"text": DEMANDING}), 503, "timeout")
        assert c.get("/healthz").status_code == 200


class ExplodingCritic:
    """Stands in for a Critic with a bug whose exception message quotes the draft."""

    backend = "exploding"
    max_chars = 20_000

    def critique(self, text, *, relationship=None, channel=None):
        raise RuntimeError(f"bug while reading {text!r}")


def test_an_internal_error_is_500_json_without_trace_or_draft(caplog):
    secret = "Hi Sam, refer me at Zanzibar-Quokka-7731 please"
    with caplog.at_level(logging.DEBUG), TestClient(create_app(ExplodingCritic())) as c:
        err = assert_error(c.post("/v1/critique", json={"text": secret}), 500, "internal")
        assert "Zanzibar" not in err["message"]
        assert c.get("/healthz").json()["backend"] == "exploding"
    assert any("internal error" in r.getMessage() for r in caplog.records)
    assert not any("Zanzibar" in r.getMessage() or "Zanzibar" in (r.exc_text or "") for r in caplog.records)


def test_drafts_are_never_logged(client, caplog):
    marker = "Quetzal-Marmalade-5519"
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/critique", json={"text": f"Hi Sam, could you refer me at {marker}? Thanks"})
        client.post("/v1/rewrite", json={"text": f"Refer me at {marker} NOW", "n": 1})
        client.post("/v1/critique", json={"text": f"{marker} " * 5000})
        client.post("/v1/critique", content=f'{{"text": "{marker}'.encode())
    assert not any(marker in r.getMessage() for r in caplog.records)


# --- concurrency --------------------------------------------------------------------------
def test_16_threads_get_exactly_the_librarys_answers(client, critic):
    rows = [json.loads(line) for line in (DATA / "dev.jsonl").open(encoding="utf-8")][:24]
    jobs = [(rows[i % len(rows)]["text"], (None, "weak", "strong")[i % 3]) for i in range(160)]
    expected = {(t, r): critic.critique(t, relationship=r).to_dict() for t, r in set(jobs)}
    barrier = threading.Barrier(16)

    def ask(chunk):
        barrier.wait()
        out = []
        for text, rel in chunk:
            resp = client.post("/v1/critique", json={"text": text, **({"relationship": rel} if rel else {})})
            out.append((text, rel, resp.status_code, resp.json()))
        return out

    with ThreadPoolExecutor(16) as pool:
        answers = [a for part in pool.map(ask, [jobs[i::16] for i in range(16)]) for a in part]
    assert len(answers) == len(jobs)
    mismatched = [(t[:40], r, status) for t, r, status, body in answers if status != 200 or body != expected[(t, r)]]
    assert mismatched == []


# --- request checks and packaging ---------------------------------------------------------
def test_parse_request_normalises_and_refuses():
    req = parse_request({"text": SHORT, "relationship": "Second-Degree", "channel": "sms"}, max_chars=100, rewrite=False)
    assert (req.relationship, req.channel, req.n) == ("second_degree", "sms", 3)
    assert parse_request({"text": SHORT, "relationship": "unknown"}, max_chars=100).relationship is None
    with pytest.raises(RequestError) as info:
        parse_request({"text": SHORT}, max_chars=10)
    assert (info.value.status, info.value.code) == (413, "text_too_long")


def test_the_wheel_ships_the_serve_package_and_every_page_asset():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "refernlp.serve" in cfg["tool"]["setuptools"]["packages"]
    patterns = cfg["tool"]["setuptools"]["package-data"]["refernlp.serve"]
    static = ROOT / "refernlp" / "serve" / "static"
    files = sorted(p.relative_to(static.parent).as_posix() for p in static.iterdir() if p.is_file())
    assert set(ASSETS) | {"index.html"} == {f.split("/", 1)[1] for f in files}
    from fnmatch import fnmatch

    assert [f for f in files if not any(fnmatch(f, p) for p in patterns)] == []
    assert "serve" in cfg["project"]["optional-dependencies"]
