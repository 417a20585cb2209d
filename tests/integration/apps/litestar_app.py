"""A real Litestar app: JSON, streaming, HEAD, 204, a WebSocket echo, lifespan state, and buggy endpoints."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Litestar, Request, WebSocket, asgi, delete, get, head, websocket
from litestar.datastructures import State
from litestar.exceptions import WebSocketDisconnect
from litestar.params import Parameter
from litestar.response import Stream


@contextlib.asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    app.state.greeting = "hello"
    yield


@get("/items")
async def items(request: Request[Any, Any, State]) -> dict[str, Any]:
    return {"greeting": request.app.state.greeting, "items": [1, 2, 3]}


@head("/items")
async def items_head() -> None:
    return None


@get("/stream")
async def stream() -> Stream:
    async def chunks() -> AsyncIterator[bytes]:
        for i in range(5):
            yield f"chunk {i}\n".encode()
    return Stream(chunks(), media_type="text/plain; charset=utf-8")


@delete("/items/{item_id:int}", status_code=204)
async def remove(item_id: Annotated[int, Parameter()]) -> None:  # declared: inferred path parameters are deprecated
    return None


@websocket("/ws/echo")
async def echo(socket: WebSocket[Any, Any, Any]) -> None:
    await socket.accept()
    try:
        while True:
            await socket.send_text(await socket.receive_text())
    except WebSocketDisconnect:
        pass


@websocket("/ws/no-close")
async def no_close(socket: WebSocket[Any, Any, Any]) -> None:
    """Bug: accepts, echoes once and returns without closing (WF-014, unless Litestar closes for us)."""
    await socket.accept()
    await socket.send_text(await socket.receive_text())


@asgi("/buggy/send-after-close", copy_scope=True)
async def send_after_close(scope: Any, receive: Any, send: Any) -> None:
    """Bug, in raw ASGI: a body message after the response was complete (HF-004)."""
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"done"})
    await send({"type": "http.response.body", "body": b"too late"})


app = Litestar(route_handlers=[items, items_head, stream, remove, echo, no_close, send_after_close],
               lifespan=[lifespan], logging_config=None)
