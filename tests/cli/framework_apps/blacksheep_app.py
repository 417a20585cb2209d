"""A BlackSheep app for the framework matrix: typed parameters (int, UUID), a JSON body and a WebSocket route with a
parameter. ``app`` has two protocol bugs away from ``/``; ``clean`` is its correct twin."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from blacksheep import Application, Content, FromJSON, Response, WebSocket
from blacksheep.server.routing import Router


@dataclass
class Item:
    name: str
    price: float


async def home() -> Response:
    return Response(200, None, Content(b"text/plain; charset=utf-8", b"home"))


async def read_item(item_id: int) -> Response:
    return Response(200, None, Content(b"application/json", b'{"id": %d}' % item_id))


async def read_item_without_content(item_id: int) -> Response:
    return Response(204, None, Content(b"text/plain; charset=utf-8", b"gone"))


async def read_user(user_id: UUID) -> Response:
    return Response(200, None, Content(b"text/plain; charset=utf-8", str(user_id).encode()))


async def create_item(data: FromJSON[Item]) -> Response:
    return Response(201, None, Content(b"text/plain; charset=utf-8", data.value.name.encode()))


async def chat(websocket: WebSocket, room: int) -> None:
    await websocket.accept()
    await websocket.send_text(f"{room}: {await websocket.receive_text()}")
    await websocket.close()


async def chat_without_close(websocket: WebSocket, room: int) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())


def build(buggy: bool) -> Application:
    application = Application(router=Router())  # its own table: the default router is shared by all apps
    router = application.router
    router.add_get("/", home)
    router.add_get("/api/items/{int:item_id}", read_item_without_content if buggy else read_item)
    router.add_get("/api/users/{user_id}", read_user)
    router.add_post("/api/items", create_item)
    router.add_ws("/ws/{int:room}", chat_without_close if buggy else chat)
    return application


app = build(buggy=True)
clean = build(buggy=False)
