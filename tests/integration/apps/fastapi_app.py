"""A real FastAPI app with JSON, streaming, HEAD, 204, a redirect, lifespan state and a background task."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import BackgroundTasks, FastAPI, Request, Response
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
