"""Real framework apps under ``asgion check`` and under ``Inspector`` with httpx: no false findings, real bugs found.

Each framework app serves JSON, streaming, HEAD, 204, a WebSocket echo and lifespan state; each also has
deliberately buggy endpoints whose findings must carry the right rule id.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from asgion import Inspector
from tests.conftest import CliRun

APPS = {
    "starlette": "tests.integration.apps.starlette_app:app",
    "fastapi": "tests.integration.apps.fastapi_app:app",
    "litestar": "tests.integration.apps.litestar_app:app",
    "quart": "tests.integration.apps.quart_app:app",
}
CLEAN_PATHS = ["/items", "HEAD:/items", "/stream", "DELETE:/items/3", "ws:/ws/echo"]
EXTRA_CLEAN = {"starlette": ["/moved", "/background", "/empty", "HEAD:/text"],
               "fastapi": ["/moved", "POST:/background"]}


def run_json(run_cli: CliRun, app: str, *args: str) -> dict[str, Any]:
    code, out, err = run_cli("check", app, "--format", "json", *args)
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    return data


def findings(data: dict[str, Any], *severities: str) -> list[str]:
    return [f"{s['label']}: {v['rule_id']} {v['message']}" for s in data["scopes"] for v in s["violations"]
            if v["severity"] in severities]


def paths(*items: str) -> list[str]:
    return [arg for path in items for arg in ("--path", path)]


@pytest.mark.parametrize("framework", sorted(APPS))
@pytest.mark.parametrize("scenarios", [False, True], ids=["plain", "scenarios"])
def test_framework_app_is_clean(framework: str, scenarios: bool, run_cli: CliRun) -> None:
    chosen = CLEAN_PATHS + EXTRA_CLEAN.get(framework, [])
    data = run_json(run_cli, APPS[framework], *paths(*chosen), *(["--scenarios"] if scenarios else []))
    assert findings(data, "error", "warning") == []
    assert data["summary"]["exceptions"] == 0 and data["summary"]["timeouts"] == 0
    labels = [s["label"] for s in data["scopes"]]
    expected = len(chosen) + (sum(1 if p.startswith("ws:") else 2 for p in chosen) if scenarios else 0)
    assert len(labels) == expected + 1, labels  # plus the lifespan scope
    assert labels[0] == "lifespan"
    if scenarios:
        assert "GET /stream [client disconnect]" in labels and "WS /ws/echo [client closes first]" in labels


@pytest.mark.parametrize("framework", ["starlette", "fastapi", "litestar"])
def test_websocket_exit_without_close_is_caught(framework: str, run_cli: CliRun) -> None:
    data = run_json(run_cli, APPS[framework], *paths("ws:/ws/no-close"))
    scope = data["scopes"][-1]
    assert [v["rule_id"] for v in scope["violations"]] == ["WF-014"]


def test_quart_closes_websockets_itself(run_cli: CliRun) -> None:
    data = run_json(run_cli, APPS["quart"], *paths("ws:/ws/no-close"))
    assert data["scopes"][-1]["violations"] == []


@pytest.mark.parametrize("framework", sorted(APPS))
def test_send_after_complete_is_caught(framework: str, run_cli: CliRun) -> None:
    data = run_json(run_cli, APPS[framework], *paths("/buggy/send-after-close"), "--strict")
    scope = data["scopes"][-1]
    assert "HF-004" in [v["rule_id"] for v in scope["violations"]]
    assert scope["exception"] is None, "the server's OSError after the body is no app exception"


def test_quart_websocket_that_receives_before_accepting_is_exercised(run_cli: CliRun) -> None:
    data = run_json(run_cli, APPS["quart"], *paths("ws:/ws/echo"), "--ws-send", "one", "--ws-send", "two",
                    "--timeout", "3")
    scope = data["scopes"][-1]
    assert scope["label"] == "WS /ws/echo"
    assert not scope["timed_out"] and scope["violations"] == []
    assert scope["duration_ms"] < 2000


def test_quart_default_204_sends_content_length(run_cli: CliRun) -> None:
    """A real finding, not a false one: Quart's default 204 carries content-length: 0 (RFC 9110 section 8.6)."""
    data = run_json(run_cli, APPS["quart"], *paths("DELETE:/default-204/3"))
    assert [v["rule_id"] for v in data["scopes"][-1]["violations"]] == ["SEM-014"]


def test_failed_startup_is_reported_once_and_stops_the_run(run_cli: CliRun) -> None:
    code, out, _err = run_cli("check", "tests.integration.apps.failing_startup:app", "--format", "json", "--strict")
    data = json.loads(out)
    assert code == 1
    assert [s["scope_type"] for s in data["scopes"]] == ["lifespan"]
    assert data["scopes"][0]["violations"] == [], "the app reported its failure correctly: nothing to blame"
    startup_notes = [n for n in data["notes"] if "startup failed" in n]
    assert len(startup_notes) == 1 and "database unreachable" in startup_notes[0]


def test_post_with_json_body_is_clean(run_cli: CliRun) -> None:
    for app in (APPS["starlette"], APPS["fastapi"]):
        code, out, _ = run_cli("check", app, "--path", "POST:/items", "-d", '{"name": "widget"}',
                               "-H", "content-type: application/json", "--format", "json", "--strict",
                               "--scenarios")
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
