"""Secrets stay out of traces: header values, query parameters and form/JSON fields with secret names."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from asgion import Inspector
from asgion_core.config import parse_config
from asgion_core.redaction import DEFAULT_SECRET_NAMES, Redactor
from asgion_core.scenario import http_scope
from tests.helpers import RecordingServer

SECRET_HEADERS = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-auth-token", "x-api-key",
                  "apikey", "x-amz-security-token", "x-session-id", "x-client-secret", "x-signature",
                  "x-credential", "passwd", "x-password"]


@pytest.mark.parametrize("name", SECRET_HEADERS)
@pytest.mark.parametrize("kind", [str, bytes, bytearray])
def test_secret_header_names_of_every_type(name: str, kind: type) -> None:
    value = name.upper() if kind is str else kind(name.upper().encode())
    assert Redactor().is_secret(value)


@pytest.mark.parametrize("name", ["content-type", "accept", "x-request-id", "host", "user-agent",
                                  "access-control-allow-credentials", "Access-Control-Allow-Headers",
                                  b"www-authenticate"])
def test_ordinary_names_are_kept(name: str | bytes) -> None:
    assert not Redactor().is_secret(name)


def test_query_form_and_json_fields() -> None:
    r = Redactor()
    assert r.query_string(b"q=shoes&token=abc&page=2") == b"q=shoes&token=[redacted]&page=2"
    assert r.query_string("api_key=x") == "api_key=[redacted]"
    assert r.form(b"user=ann&password=hunter2") == b"user=ann&password=[redacted]"
    assert r.form(b"pass%77ord=x") == b"pass%77ord=[redacted]"
    assert r.json(b'{"user": "ann", "password": "hunter2", "n": {"api_key": 42}}') == (
        b'{"user": "ann", "password": "[redacted]", "n": {"api_key": "[redacted]"}}')
    assert r.body(b'{"secret": "s"}', "application/json") == b'{"secret": "[redacted]"}'
    assert r.body(b"secret=s", "application/x-www-form-urlencoded") == b"secret=[redacted]"
    assert r.body(b"secret=s", "text/plain") == b"secret=s"


def test_extend_and_replace() -> None:
    assert Redactor(extra=["x-internal-*"]).is_secret("X-Internal-Id")
    assert Redactor(extra=["x-internal-*"]).is_secret("authorization")
    replaced = Redactor(replace=["x-only"])
    assert replaced.is_secret("x-only") and not replaced.is_secret("authorization")
    assert not Redactor(replace=[]).is_secret("authorization")
    assert Redactor(extra=["www-authenticate"]).is_secret("WWW-Authenticate"), "asked for by name: redacted"
    assert Redactor(replace=["*auth*"]).is_secret("www-authenticate"), "your own patterns have no exceptions"
    assert Redactor(extra=(name for name in ["x-internal-*"])).is_secret("x-internal-id"), "any iterable"
    assert "*token*" in DEFAULT_SECRET_NAMES


def traced_app(scope: Any, receive: Any, send: Any) -> Any:
    async def app(scope_: Any, receive_: Any, send_: Any) -> None:
        await receive_()
        await send_({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"), (b"set-cookie", b"sid=abc"), (b"x-api-key", bytearray(b"k"))]})
        await send_({"type": "http.response.body", "body": b'{"access_token": "tok-123", "ok": true}'})
    return app


def run_traced(**options: Any) -> Any:
    inspector = Inspector(traced_app(None, None, None), trace=True, **options)
    scope = http_scope(query_string=b"page=1&token=qs-secret",
                       headers=[(b"host", b"x"), (b"authorization", b"Bearer hdr-secret"),
                                (b"content-type", b"application/x-www-form-urlencoded")])
    server = RecordingServer([{"type": "http.request", "body": b"user=ann&password=form-secret"}])
    server.run(inspector, scope)
    return inspector


def test_a_trace_holds_no_secret() -> None:
    record = run_traced().traces[0]
    text = record.to_json()
    for secret in ("hdr-secret", "qs-secret", "form-secret", "tok-123", "sid=abc"):
        assert secret not in text, secret
    assert "page=1" in text and '"ok": true' in json.loads(text)["events"][-1]["message"]["body"]["$bytes"]


def test_config_extends_the_names() -> None:
    config = parse_config({"redact": ["page"]})
    assert "page=1" not in run_traced(config=config).traces[0].to_json()
    replaced = parse_config({"redact_replace": []})
    assert "hdr-secret" in run_traced(config=replaced).traces[0].to_json()


def test_trace_files_are_private(tmp_path: Path) -> None:
    directory = tmp_path / "traces"
    run_traced(trace_dir=directory)
    [file] = list(directory.iterdir())
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600
