"""A Sanic app for the framework matrix: a blueprint, typed and regex parameters, a JSON body and a WebSocket route
with a parameter. ``app`` has a protocol bug away from ``/`` (Sanic's own guards leave few to make); ``clean`` is
its correct twin."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, json, text


async def home(request: Request) -> HTTPResponse:
    return text("home")


async def read_item(request: Request, item_id: int) -> HTTPResponse:
    return json({"id": item_id})


async def read_item_bad_status(request: Request, item_id: int) -> HTTPResponse:
    return text("abc", status=600)


async def read_user(request: Request, user_id: Any) -> HTTPResponse:
    return json({"user": str(user_id)})


async def by_year(request: Request, year: str) -> HTTPResponse:
    return json({"year": year})


async def create_item(request: Request) -> HTTPResponse:
    return json(request.json or {}, status=201)


async def chat(request: Request, ws: Any, room: int) -> None:
    await ws.send(f"{room}: {await ws.recv()}")
    await ws.close()


def build(name: str, buggy: bool) -> Sanic:
    api = Blueprint(f"{name}_api", url_prefix="/api")
    api.add_route(read_item_bad_status if buggy else read_item, "/items/<item_id:int>")
    api.add_route(read_user, "/users/<user_id:uuid>")
    api.add_route(by_year, "/years/<year:[0-9]{4}>")
    api.add_route(create_item, "/items", methods=["POST"])
    application = Sanic(name)
    application.add_route(home, "/")
    application.blueprint(api)
    application.add_websocket_route(chat, "/ws/<room:int>")
    return application


app = build("matrix_buggy", buggy=True)
clean = build("matrix_clean", buggy=False)
