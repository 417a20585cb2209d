"""A Starlette app whose lifespan startup fails (its database is unreachable)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    raise ConnectionError("database unreachable")
    yield  # pragma: no cover


async def home(request: object) -> PlainTextResponse:
    raise AssertionError("no request may be made after startup failed")


app = Starlette(routes=[Route("/", home)], lifespan=lifespan)
