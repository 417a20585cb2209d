"""Real framework apps under ``asgion check`` and under ``Inspector`` with httpx: no false findings."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from asgion import Inspector
from tests.conftest import CliRun

BODY = '{"name": "widget"}'
STARLETTE_PATHS = ["/items", "HEAD:/items", "HEAD:/text", "/stream", "/text", "/empty", "/moved", "/background"]
FASTAPI_PATHS = ["/items", "HEAD:/items", "/stream", "DELETE:/items/3", "/moved", "POST:/background"]


def findings(data: dict[str, Any], *severities: str) -> list[str]:
    return [f"{s['label']}: {v['rule_id']} {v['message']}" for s in data["scopes"] for v in s["violations"]
            if v["severity"] in severities]


@pytest.mark.parametrize(
    ("app", "paths"),
    [("tests.integration.apps.starlette_app:app", STARLETTE_PATHS),
     ("tests.integration.apps.fastapi_app:app", FASTAPI_PATHS)],
)
def test_framework_app_is_clean(app: str, paths: list[str], run_cli: CliRun) -> None:
    args = ["check", app, "--format", "json"]
    for path in paths:
        args += ["--path", path]
    code, out, err = run_cli(*args)
    assert code == 0, err
    data = json.loads(out)
    assert findings(data, "error", "warning") == []
    assert data["summary"]["exceptions"] == 0 and data["summary"]["timeouts"] == 0
    assert len([s for s in data["scopes"] if s["scope_type"] == "http"]) == len(paths)
    # lifespan state reached the requests: /items answers with it
    assert not any(s["exception"] for s in data["scopes"])


@pytest.mark.parametrize("app", ["tests.integration.apps.starlette_app:app", "tests.integration.apps.fastapi_app:app"])
def test_post_with_json_body_is_clean(app: str, run_cli: CliRun) -> None:
    code, out, _ = run_cli("check", app, "--path", "POST:/items", "-d", BODY, "-H", "content-type: application/json",
                           "--format", "json", "--strict")
    data = json.loads(out)
    assert code == 0, findings(data, "error", "warning", "info", "perf")


def test_inspector_with_httpx_transport() -> None:
    from tests.integration.apps.starlette_app import app as starlette_app

    inspector = Inspector(starlette_app)

    async def main() -> list[int]:
        transport = httpx.ASGITransport(app=inspector)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            responses = [await client.get("/text"), await client.get("/empty"), await client.head("/text")]
        return [r.status_code for r in responses]

    assert asyncio.run(main()) == [200, 204, 200]
    errors = [v for v in inspector.violations if v.severity.value in ("error", "warning")]
    assert errors == []


def test_inspector_finds_bugs_through_httpx() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"10")]})
        await send({"type": "http.response.body", "body": b"way more than ten bytes"})

    inspector = Inspector(app)

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=inspector), base_url="http://t") as client:
            await client.get("/")

    asyncio.run(main())
    ids = {v.rule_id for v in inspector.violations}
    assert {"HF-018", "SEM-002"} <= ids
