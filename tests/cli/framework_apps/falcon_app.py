"""A Falcon ASGI app for the framework matrix: typed fields (int, uuid), a JSON body and a WebSocket route with a
field. ``app`` has a protocol bug away from ``/`` (Falcon closes WebSockets itself); ``clean`` is its correct
twin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import falcon
import falcon.asgi


class Home:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.text = "home"
        resp.content_type = "text/plain; charset=utf-8"


class Item:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response, item_id: int) -> None:
        resp.media = {"id": item_id}


async def _chunks() -> AsyncIterator[bytes]:
    yield b"abc"


class ItemWithWrongLength:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response, item_id: int) -> None:
        resp.stream = _chunks()
        resp.content_length = 5


class User:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response, user_id: Any) -> None:
        resp.media = {"user": str(user_id)}


class Items:
    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.media = await req.get_media(default_when_empty={})
        resp.status = falcon.HTTP_201


class Chat:
    async def on_websocket(self, req: falcon.asgi.Request, ws: falcon.asgi.WebSocket, room: int) -> None:
        await ws.accept()
        await ws.send_text(f"{room}: {await ws.receive_text()}")
        await ws.close()


def build(buggy: bool) -> falcon.asgi.App:
    application = falcon.asgi.App()
    application.add_route("/", Home())
    application.add_route("/api/items/{item_id:int}", ItemWithWrongLength() if buggy else Item())
    application.add_route("/api/users/{user_id:uuid}", User())
    application.add_route("/api/items", Items())
    application.add_route("/ws/{room:int}", Chat())
    return application


app = build(buggy=True)
clean = build(buggy=False)
