"""The plain ASGI apps the benches share. Imports nothing from asgion, so bench/versus.py can run them against any
installed version."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

App = Callable[..., Awaitable[Any]]
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
