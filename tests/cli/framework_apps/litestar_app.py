"""A Litestar app for the framework matrix: a router, typed path parameters, a required JSON body and a WebSocket
route with a parameter. ``app`` has two protocol bugs away from ``/``; ``clean`` is its correct twin."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from litestar import Litestar, Response, Router, WebSocket, get, post, websocket


@dataclass
class Item:
    name: str
    price: float


@get("/")
async def home() -> dict[str, str]:
    return {"home": "ok"}


@get("/items/{item_id:int}")
async def read_item(item_id: int) -> dict[str, int]:
    return {"id": item_id}


@get("/items/{item_id:int}")
async def read_item_wrong_length(item_id: int) -> Response[bytes]:
    return Response(b"abc", media_type="text/plain", headers={"content-length": "5"})


@get("/users/{user_id:uuid}")
async def read_user(user_id: UUID) -> dict[str, str]:
    return {"user": str(user_id)}


@post("/items")
async def create_item(data: Item) -> Item:
    return data


@websocket("/ws/{room:int}")
async def chat(socket: WebSocket, room: int) -> None:
    await socket.accept()
    await socket.send_text(f"{room}: {await socket.receive_text()}")
    await socket.close()


@websocket("/ws/{room:int}")
async def chat_without_close(socket: WebSocket, room: int) -> None:
    await socket.accept()
    await socket.send_text(await socket.receive_text())


def build(buggy: bool) -> Litestar:
    api = Router("/api", route_handlers=[read_item_wrong_length if buggy else read_item, read_user, create_item])
    return Litestar([home, api, chat_without_close if buggy else chat])


app = build(buggy=True)
clean = build(buggy=False)
