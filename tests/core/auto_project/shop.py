"""A FastAPI app as a project would write it, with some routes that break the ASGI protocol."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Response, WebSocket
from fastapi.responses import StreamingResponse


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.ready = True
    yield
    app.state.ready = False


app = FastAPI(lifespan=lifespan)


def current_user() -> str:
    return "real user"


@app.get("/ok")
async def ok() -> dict[str, bool]:
    return {"ok": True}


@app.get("/me")
async def me(user: str = Depends(current_user)) -> dict[str, str]:
    return {"user": user}


@app.get("/short")
async def short() -> Response:
    return Response(b"abc", media_type="text/plain; charset=utf-8", headers={"content-length": "10"})


@app.get("/stream")
async def stream() -> StreamingResponse:
    async def chunks() -> AsyncIterator[bytes]:
        for part in (b"a", b"b", b"c"):
            yield part

    return StreamingResponse(chunks(), media_type="text/plain; charset=utf-8")


@app.get("/boom")
async def boom() -> None:
    raise ValueError("boom")


@app.websocket("/ws")
async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


@app.websocket("/ws-open")
async def echo_without_close(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
