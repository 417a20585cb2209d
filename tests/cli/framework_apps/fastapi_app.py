"""A FastAPI app for the framework matrix: an included router, typed path parameters (int, UUID, enum), a required
JSON body and header, and a WebSocket route with a parameter. ``app`` has two protocol bugs away from ``/``;
``clean`` is its correct twin."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from fastapi import APIRouter, FastAPI, Header, Response, WebSocket
from pydantic import BaseModel, Field


class Color(StrEnum):
    red = "red"
    blue = "blue"


class Item(BaseModel):
    name: str
    price: float = Field(gt=0)


async def home() -> dict[str, str]:
    return {"home": "ok"}


async def read_item(item_id: int) -> dict[str, int]:
    return {"id": item_id}


async def read_item_wrong_length(item_id: int) -> Response:
    return Response(b"abc", media_type="text/plain", headers={"content-length": "5"})


async def read_user(user_id: UUID, color: Color) -> dict[str, str]:
    return {"user": str(user_id), "color": color.value}


async def create_item(item: Item, x_token: str = Header()) -> Item:
    return item


async def chat(websocket: WebSocket, room: int) -> None:
    await websocket.accept()
    await websocket.send_text(f"{room}: {await websocket.receive_text()}")
    await websocket.close()


async def chat_without_close(websocket: WebSocket, room: int) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())


def build(buggy: bool) -> FastAPI:
    router = APIRouter(prefix="/api")
    router.add_api_route("/items/{item_id}", read_item_wrong_length if buggy else read_item)
    router.add_api_route("/users/{user_id}/{color}", read_user)
    router.add_api_route("/items", create_item, methods=["POST"], status_code=201)
    application = FastAPI()
    application.add_api_route("/", home)
    application.include_router(router)
    application.add_api_websocket_route("/ws/{room}", chat_without_close if buggy else chat)
    return application


app = build(buggy=True)
clean = build(buggy=False)
