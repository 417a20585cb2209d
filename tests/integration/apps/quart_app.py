"""A real Quart app: JSON, streaming, HEAD, 204, WebSocket echo (receiving before it accepts), lifespan state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from quart import Quart, Response, g, websocket

app = Quart(__name__)


@app.before_serving
async def startup() -> None:
    app.config["GREETING"] = "hello"


@app.get("/items")
async def items() -> dict[str, Any]:
    return {"greeting": app.config["GREETING"], "items": [1, 2, 3]}


@app.get("/stream")
async def stream() -> Any:
    async def chunks() -> AsyncIterator[bytes]:
        for i in range(5):
            yield f"chunk {i}\n".encode()
    return chunks(), 200, {"content-type": "text/plain; charset=utf-8"}


@app.delete("/items/<int:item_id>")
async def remove(item_id: int) -> Any:
    """Quart adds content-length: 0 to a 204 by default, which RFC 9110 forbids (asgion: SEM-014); drop it."""
    response = Response("", status=204)
    del response.headers["content-length"]
    return response


@app.delete("/default-204/<int:item_id>")
async def remove_default(item_id: int) -> Any:
    """Quart's default 204 (kept to show the SEM-014 finding)."""
    return "", 204


@app.websocket("/ws/echo")
async def echo() -> None:
    """Waits for a message before it does anything: Quart accepts on the first receive."""
    while True:
        data = await websocket.receive()
        await websocket.send(data)


@app.websocket("/ws/no-close")
async def no_close() -> None:
    data = await websocket.receive()
    await websocket.send(data)


@app.get("/g")
async def uses_g() -> str:
    g.seen = True
    return "ok"


class BuggyMiddleware:
    """Raw ASGI in front of Quart, with a bug on one path: a body message after the response was complete."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/buggy/send-after-close":
            await receive()
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"done"})
            await send({"type": "http.response.body", "body": b"too late"})
            return
        await self.inner(scope, receive, send)


app.asgi_app = BuggyMiddleware(app.asgi_app)  # type: ignore[method-assign]
