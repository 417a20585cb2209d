"""A Quart app for the framework matrix: a blueprint, typed path parameters, a JSON body and a WebSocket route with a
parameter. ``app`` has two protocol bugs away from ``/``; ``clean`` is its correct twin."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Quart, Response, request, websocket


async def home() -> str:
    return "home"


async def read_item(item_id: int) -> dict[str, int]:
    return {"id": item_id}


async def read_item_no_content(item_id: int) -> Response:
    return Response("gone", status=204)


async def read_user(user_id: Any) -> dict[str, str]:
    return {"user": str(user_id)}


async def create_item() -> tuple[dict[str, Any], int]:
    return dict(await request.get_json(force=True, silent=True) or {}), 201


async def chat(room: int) -> None:
    await websocket.accept()
    await websocket.send(f"{room}: {await websocket.receive()}")
    await websocket.close(1000)


async def chat_after_close(room: int) -> None:
    await websocket.accept()
    await websocket.close(1000)
    await websocket.send("late")


def build(buggy: bool) -> Quart:
    api = Blueprint("api", __name__, url_prefix="/api")
    api.add_url_rule("/items/<int:item_id>", view_func=read_item_no_content if buggy else read_item)
    api.add_url_rule("/users/<uuid:user_id>", view_func=read_user)
    api.add_url_rule("/items", view_func=create_item, methods=["POST"])
    application = Quart(__name__)
    application.add_url_rule("/", view_func=home)
    application.register_blueprint(api)
    application.add_websocket("/ws/<int:room>", view_func=chat_after_close if buggy else chat)
    return application


app = build(buggy=True)
clean = build(buggy=False)
