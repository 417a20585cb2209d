"""Small real ASGI plumbing for tests: a recording server around an app, no mocks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from asgion_core.scenario import http_scope

App = Callable[..., Awaitable[Any]]


class RecordingServer:
    """Feeds ``inbox`` to receive() (then http.disconnect forever) and records what the app sent."""

    def __init__(self, inbox: list[Any] | None = None) -> None:
        self.inbox = list(inbox if inbox is not None else [{"type": "http.request", "body": b""}])
        self.sent: list[Any] = []
        self.delivered: list[Any] = []

    async def receive(self) -> Any:
        message = self.inbox.pop(0) if self.inbox else {"type": "http.disconnect"}
        self.delivered.append(message)
        return message

    async def send(self, message: Any) -> None:
        self.sent.append(message)

    def run(self, app: App, scope: dict[str, Any] | None = None) -> Any:
        return asyncio.run(app(scope or http_scope(), self.receive, self.send))


def streaming_app(chunks: int, chunk: bytes = b"x") -> App:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/octet-stream")]})
        for _ in range(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    return app
