"""A real FastAPI app with JSON, streaming, HEAD, 204, a redirect, lifespan state and a background task."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import BackgroundTasks, FastAPI, Request, Response, WebSocket, WebSocketDisconnect
from fastapi.responses import RedirectResponse, StreamingResponse

TASKS: list[str] = []


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
    yield {"db": "connected"}


app = FastAPI(lifespan=lifespan)


@app.get("/items")
async def items(request: Request) -> dict[str, Any]:
    return {"db": request.state.db, "items": [1, 2, 3]}


@app.head("/items")
async def items_head() -> Response:
    return Response(headers={"content-type": "application/json"})


@app.post("/items", status_code=201)
async def create(payload: dict[str, Any]) -> dict[str, Any]:
    return {"created": payload}


@app.get("/stream")
async def stream() -> StreamingResponse:
    async def chunks() -> AsyncIterator[bytes]:
        for i in range(5):
            yield f"chunk {i}\n".encode()
    return StreamingResponse(chunks(), media_type="text/plain; charset=utf-8")


@app.delete("/items/{item_id}", status_code=204)
async def delete(item_id: int) -> Response:
    return Response(status_code=204)


@app.get("/moved")
async def moved() -> RedirectResponse:
    return RedirectResponse("/items", status_code=307)


@app.post("/background")
async def background(tasks: BackgroundTasks) -> dict[str, bool]:
    tasks.add_task(TASKS.append, "done")
    return {"queued": True}


@app.websocket("/ws/echo")
async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


@app.websocket("/ws/no-close")
async def no_close(websocket: WebSocket) -> None:
    """Bug: accepts, echoes once and returns without closing (WF-014)."""
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())


async def send_after_close(scope: Any, receive: Any, send: Any) -> None:
    """Bug, in raw ASGI mounted into the app: a body message after the response was complete (HF-004)."""
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"done"})
    await send({"type": "http.response.body", "body": b"too late"})


app.mount("/buggy", send_after_close)
