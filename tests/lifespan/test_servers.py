"""The cross-scope lifespan rules judge each server's requests against that server's own lifespan scope."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from asgion import Inspector
from asgion_core.scenario import http_scope
from tests.helpers import RecordingServer

LIFESPAN_SCOPE = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}


def make_app(startup_may_finish: threading.Event) -> Any:
    async def wait_for_the_test() -> None:
        while not startup_may_finish.is_set():
            await asyncio.sleep(0.01)

    return app_with_startup(wait_for_the_test)


def app_with_startup(startup: Callable[[], Awaitable[None]]) -> Any:
    """A correct app whose lifespan startup runs ``startup`` before it answers."""
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await receive()
            await startup()
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await receive()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
        await send({"type": "http.response.body", "body": b"ok"})
    return app


async def serve_lifespan(inspector: Inspector, started: threading.Event) -> None:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    replies: list[Any] = []

    async def send(message: Any) -> None:
        replies.append(message)
        if message["type"] == "lifespan.startup.complete":
            await inbox.put({"type": "lifespan.shutdown"})

    task = asyncio.ensure_future(inspector(dict(LIFESPAN_SCOPE, state={}), inbox.get, send))
    await asyncio.sleep(0.02)  # lifespan.startup delivered, the app still starting
    started.set()
    await task


def test_another_servers_startup_is_not_this_servers() -> None:
    """Server A is still starting; server B (another thread, another loop) serves a request: no LF-011."""
    may_finish, a_started = threading.Event(), threading.Event()
    inspector = Inspector(make_app(may_finish), profile="strict")
    server_a = threading.Thread(target=lambda: asyncio.run(serve_lifespan(inspector, a_started)))
    server_a.start()
    assert a_started.wait(10)
    RecordingServer().run(inspector, http_scope())  # server B: its own loop, no lifespan scope
    may_finish.set()
    server_a.join(10)
    assert "LF-011" not in {v.rule_id for v in inspector.violations}


def test_a_request_during_this_servers_startup_is_reported() -> None:
    may_finish, started = threading.Event(), threading.Event()
    inspector = Inspector(make_app(may_finish), profile="strict")

    async def one_server() -> None:
        lifespan = asyncio.ensure_future(serve_lifespan(inspector, started))
        while not started.is_set():
            await asyncio.sleep(0.01)
        server = RecordingServer()
        await inspector(http_scope(), server.receive, server.send)  # the same loop: the same server
        may_finish.set()
        await lifespan

    asyncio.run(one_server())
    assert "LF-011" in {v.rule_id for v in inspector.violations}
