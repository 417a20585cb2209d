"""A real Starlette app exercising the common response kinds, lifespan state and a background task."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

TASKS: list[str] = []


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
    yield {"greeting": "hello"}


async def items(request: Request) -> JSONResponse:
    return JSONResponse({"greeting": request.state.greeting, "items": [1, 2, 3]})


async def create(request: Request) -> JSONResponse:
    payload = await request.json()
    return JSONResponse({"created": payload}, status_code=201)


async def stream(request: Request) -> StreamingResponse:
    async def chunks() -> AsyncIterator[bytes]:
        for i in range(5):
            yield f"chunk {i}\n".encode()
    return StreamingResponse(chunks(), media_type="text/plain; charset=utf-8")


async def text(request: Request) -> PlainTextResponse:
    return PlainTextResponse("plain text")


async def empty(request: Request) -> Response:
    return Response(status_code=204)


async def moved(request: Request) -> RedirectResponse:
    return RedirectResponse("/items", status_code=307)


async def background(request: Request) -> JSONResponse:
    return JSONResponse({"queued": True}, background=BackgroundTask(TASKS.append, "done"))


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


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


app = Starlette(
    routes=[
        Route("/items", items, methods=["GET", "HEAD"]),
        Route("/items", create, methods=["POST"]),
        Route("/stream", stream),
        Route("/text", text, methods=["GET", "HEAD"]),
        Route("/empty", empty),
        Route("/moved", moved),
        Route("/background", background),
        Mount("/buggy", app=send_after_close),
        WebSocketRoute("/ws/echo", echo),
        WebSocketRoute("/ws/no-close", no_close),
    ],
    lifespan=lifespan,
)
