"""The plain ASGI apps, scopes and thin servers the benches share. Imports nothing from asgion, so bench/versus.py
can run them against any installed version."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

App = Callable[..., Awaitable[Any]]
#: Drives one connection (or a batch of them) through an app, as a minimal server would.
Driver = Callable[[App], Coroutine[Any, Any, None]]
SMALL_HEADERS = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"2")]


async def small_get(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": list(SMALL_HEADERS)})
    await send({"type": "http.response.body", "body": b"ok"})


def streaming(chunks: int) -> App:
    """A response of ``chunks`` 64-byte body messages and an empty final one."""
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/octet-stream")]})
        message = {"type": "http.response.body", "body": b"x" * 64, "more_body": True}
        for _ in range(chunks):
            await send(message)
        await send({"type": "http.response.body", "body": b""})
    return app


def http_scope() -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": "/", "raw_path": b"/", "query_string": b"",
            "root_path": "", "headers": [(b"host", b"example.com")], "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000)}


def websocket_scope() -> dict[str, Any]:
    return {"type": "websocket", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
            "scheme": "ws", "path": "/ws", "raw_path": b"/ws", "query_string": b"", "root_path": "",
            "headers": [(b"host", b"example.com")], "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
            "subprotocols": []}


def lifespan_scope() -> dict[str, Any]:
    return {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}


async def ws_echo(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", "text": message["text"]})


async def lifespan_app(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "lifespan.startup.complete"})
    await receive()
    await send({"type": "lifespan.shutdown.complete"})


async def http_receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def discard(message: Any) -> None:
    return None


async def one_http(app: App) -> None:
    await app(http_scope(), http_receive, discard)


def ws_session(frames: int) -> Driver:
    async def run(app: App) -> None:
        inbox = [{"type": "websocket.connect"}] + [{"type": "websocket.receive", "text": "hi"}] * frames + [
            {"type": "websocket.disconnect", "code": 1000}]
        position = 0

        async def receive() -> dict[str, Any]:
            nonlocal position
            position += 1
            return inbox[position - 1]

        await app(websocket_scope(), receive, discard)
    return run


async def lifespan_cycle(app: App) -> None:
    inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

    async def receive() -> dict[str, Any]:
        return inbox.pop(0)

    await app(lifespan_scope(), receive, discard)


async def concurrent(app: App) -> None:
    await asyncio.gather(*(one_http(app) for _ in range(1000)))


@dataclass
class Workload:
    name: str
    app: App
    driver: Driver
    connections: int
    #: What one unit of the "added" figure is: requests per connection (1000 for the concurrent workload), or the
    #: messages of one connection for the per-message workloads.
    units: int
    unit: str


WORKLOADS = [
    Workload("small GET", small_get, one_http, 2000, 1, "request"),
    Workload("stream 1,000 chunks", streaming(1_000), one_http, 20, 1_001, "message"),
    Workload("stream 10,000 chunks", streaming(10_000), one_http, 2, 10_001, "message"),
    Workload("stream 100,000 chunks", streaming(100_000), one_http, 1, 100_001, "message"),
    Workload("websocket echo 1,000", ws_echo, ws_session(1_000), 5, 1_000, "echo"),
    Workload("lifespan cycle", lifespan_app, lifespan_cycle, 2000, 1, "cycle"),
    Workload("1,000 concurrent GETs", small_get, concurrent, 3, 1000, "request"),
]


def timed(workload: Workload, app: App) -> int:
    async def main() -> int:
        start = time.perf_counter_ns()
        for _ in range(workload.connections):
            await workload.driver(app)
        return time.perf_counter_ns() - start
    return asyncio.run(main())
