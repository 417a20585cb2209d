"""A small FastAPI shop for the README's discovery example: asgion drives every route without being told any.

Two bugs sit away from ``/``: a Content-Length that promises more than the body holds, and a WebSocket handler that
returns without closing.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, FastAPI, Header, Response, WebSocket
from pydantic import BaseModel, Field


class Item(BaseModel):
    name: str
    price: float = Field(gt=0)


app = FastAPI()
items = APIRouter(prefix="/items")


@app.get("/")
async def home() -> dict[str, str]:
    return {"shop": "open"}


@items.get("/{item_id}")
async def read_item(item_id: int) -> Response:
    return Response(b'{"id": 1}', media_type="application/json", headers={"content-length": "64"})


@items.post("/", status_code=201)
async def create_item(item: Item, x_token: str = Header()) -> Item:
    return item


@app.get("/orders/{order_id}")
async def read_order(order_id: UUID, verbose: bool = False) -> dict[str, str]:
    return {"order": str(order_id)}


@app.websocket("/ws/{room}")
async def chat(websocket: WebSocket, room: int) -> None:
    await websocket.accept()
    await websocket.send_text(f"room {room}: {await websocket.receive_text()}")


app.include_router(items)
