"""Apps the CLI tests drive: each one shows one behaviour of the driver."""

from __future__ import annotations

import asyncio
import contextlib
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


async def ws_echo(scope: Any, receive: Any, send: Any) -> None:
    """A raw-ASGI WebSocket echo that stops when the client leaves; HTTP streams three chunks."""
    if scope["type"] == "lifespan":
        raise RuntimeError("no lifespan")
    if scope["type"] == "http":
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": CT})
        for i in range(3):
            await send({"type": "http.response.body", "body": f"chunk {i}\n".encode(), "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    message = await receive()
    assert message["type"] == "websocket.connect"
    if scope["path"] == "/deny":
        await send({"type": "websocket.http.response.start", "status": 403, "headers": CT})
        await send({"type": "websocket.http.response.body", "body": b"no"})
        return
    subprotocol = scope["subprotocols"][0] if scope["subprotocols"] else None
    await send({"type": "websocket.accept", "subprotocol": subprotocol})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        reply = {"type": "websocket.send", "text": message["text"]} if message.get("text") is not None else {
            "type": "websocket.send", "bytes": message["bytes"]}
        await send(reply)


async def ws_keeps_sending(scope: Any, receive: Any, send: Any) -> None:
    """Ignores the client going away and keeps sending: WF-005 under --scenarios."""
    if scope["type"] != "websocket":
        raise RuntimeError("websocket only")
    await receive()
    await send({"type": "websocket.accept"})
    await receive()
    for _ in range(3):
        with contextlib.suppress(OSError):
            await send({"type": "websocket.send", "text": "tick"})
        await asyncio.sleep(0.05)
    await send({"type": "websocket.close", "code": 1000})
