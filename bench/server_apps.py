"""The apps served by bench/server_load.sh: bare, and the same app under inspect() (built-in plugins only).

``bare`` is a minimal raw ASGI app (the yardstick of the target); ``starlette_bare`` and ``fastapi_bare`` serve
the same response through Starlette and FastAPI, for the ratio a framework app sees.
"""

from __future__ import annotations

from typing import Any

from asgion import create_plugin_manager, inspect

BODY = b'{"items": [1, 2, 3]}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def bare(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


inspected = inspect(bare, plugins=create_plugin_manager(autoload=False, env={}))


def _starlette_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def items(request: Request) -> Response:
        return Response(BODY, media_type="application/json")

    return Starlette(routes=[Route("/", items)])


def _fastapi_app() -> Any:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/")
    async def items() -> dict[str, list[int]]:
        return {"items": [1, 2, 3]}  # the data of BODY (FastAPI writes it without spaces)

    return app


_FRAMEWORKS = {"starlette": _starlette_app, "fastapi": _fastapi_app}


def __getattr__(name: str) -> Any:
    """The framework apps (``starlette_bare``, ``fastapi_inspected`` ...) are built on first use, so the raw run
    needs no framework installed."""
    framework, _, variant = name.partition("_")
    if framework in _FRAMEWORKS and variant in ("bare", "inspected"):
        app = _FRAMEWORKS[framework]()
        return app if variant == "bare" else inspect(app, plugins=create_plugin_manager(autoload=False, env={}))
    raise AttributeError(name)
