"""The project's own tests, written without asgion in mind (asgion must not need a line of them changed)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi.testclient import TestClient
from shop import app, current_user

client = TestClient(app)


def test_ok() -> None:
    assert client.get("/ok").json() == {"ok": True}


def test_short_body() -> None:
    assert client.get("/short").status_code == 200


def test_stream() -> None:
    with client.stream("GET", "/stream") as response:
        assert b"".join(response.iter_bytes()) == b"abc"


def test_app_exception_reaches_the_test() -> None:
    with pytest.raises(ValueError, match="boom"):
        client.get("/boom")


def test_websocket() -> None:
    with client.websocket_connect("/ws") as websocket:
        websocket.send_text("hi")
        assert websocket.receive_text() == "hi"


def test_websocket_left_open() -> None:
    with client.websocket_connect("/ws-open") as websocket:
        websocket.send_text("hi")
        assert websocket.receive_text() == "hi"


def test_lifespan_and_state() -> None:
    with TestClient(app) as local:
        assert local.app is app and local.app.state.ready
        assert local.get("/ok").status_code == 200
    assert app.state.ready is False


def test_dependency_override() -> None:
    app.dependency_overrides[current_user] = lambda: "test user"
    try:
        assert client.get("/me").json() == {"user": "test user"}
    finally:
        app.dependency_overrides.clear()


def test_async_client_short_body() -> None:
    async def fetch() -> int:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as async_client:
            return (await async_client.get("/short")).status_code

    assert asyncio.run(fetch()) == 200
