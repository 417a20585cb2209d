"""A Starlette app for the framework matrix: routes under a mount, typed path parameters, a JSON body and a
WebSocket route with a parameter. ``app`` has two protocol bugs away from ``/``; ``clean`` is its correct twin."""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket


async def home(request: Request) -> Response:
    return PlainTextResponse("home")


async def read_item(request: Request) -> Response:
    return JSONResponse({"id": request.path_params["item_id"]})


async def read_item_wrong_length(request: Request) -> Response:
    return Response(b"abc", media_type="text/plain", headers={"content-length": "5"})


async def read_user(request: Request) -> Response:
    return JSONResponse({"user": str(request.path_params["user_id"])})


async def create_item(request: Request) -> Response:
    data = json.loads(await request.body() or b"{}")
    return JSONResponse(data, status_code=201)


async def chat(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(f"{websocket.path_params['room']}: {await websocket.receive_text()}")
    await websocket.close()


async def chat_without_close(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())


def build(buggy: bool) -> Starlette:
    api = [Route("/items/{item_id:int}", read_item_wrong_length if buggy else read_item),
           Route("/users/{user_id:uuid}", read_user), Route("/items", create_item, methods=["POST"])]
    return Starlette(routes=[Route("/", home), Mount("/api", routes=api),
                             WebSocketRoute("/ws/{room:str}", chat_without_close if buggy else chat)])


app = build(buggy=True)
clean = build(buggy=False)
