"""Apps the CLI tests drive: each one shows one behaviour of the driver."""

from __future__ import annotations

import asyncio
import time
from typing import Any

CT = [(b"content-type", b"text/plain; charset=utf-8")]


async def echo(scope: Any, receive: Any, send: Any) -> None:
    """Echoes method, path, query, headers of interest and the whole body; supports lifespan with state."""
    if scope["type"] == "lifespan":
        message = await receive()
        scope["state"]["started"] = "yes"
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        assert message["type"] == "lifespan.shutdown"
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = dict(scope["headers"])
    text = (f"{scope['method']} {scope['path']} q={scope['query_string'].decode()} "
            f"raw={scope['raw_path'].decode()} state={scope.get('state', {}).get('started')} "
            f"x={headers.get(b'x-test', b'').decode()} body={body.decode()} host={headers[b'host'].decode()}")
    data = text.encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [*CT, (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})
    # the request is complete and so is the response: the next receive() must be http.disconnect
    after = await receive()
    assert after["type"] == "http.disconnect", after


async def hangs(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        raise RuntimeError("no lifespan")
    await receive()
    await asyncio.sleep(3600)


async def waits_for_disconnect(scope: Any, receive: Any, send: Any) -> None:
    """Never answers, but notices the client leaving (as a well-behaved app does)."""
    if scope["type"] != "http":
        raise RuntimeError("no lifespan")
    await receive()
    await receive()


async def ignores_cancellation(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        raise RuntimeError("no lifespan")
    while True:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            continue


async def blocks_loop(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        raise RuntimeError("no lifespan")
    time.sleep(60)


async def raises(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        raise RuntimeError("no lifespan")
    raise ValueError("database unavailable")


async def startup_fails(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "no database"})
        return
    raise AssertionError("no request may be made after startup failed")


def create_app() -> Any:
    return echo


def sync_app(scope: Any, receive: Any, send: Any) -> None:
    return None


not_callable = 42
