"""The app served by bench/server_load.sh: bare, and the same app under inspect() (built-in plugins only)."""

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
