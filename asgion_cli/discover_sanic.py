"""Route discovery for Sanic: the routes of ``app.router`` (blueprints included), with typed and regex parameters.

Read by duck typing, so Sanic is not imported here. ``<id:int>``, ``<key:uuid>`` and the other built-in types get
values they accept, ``<code:[0-9]{4}>`` a string its pattern matches.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from asgion_core.discovery import (
    SAMPLE_UUID,
    Discovery,
    fill_path,
    framework_of,
    sample_matching,
)
from asgion_core.hookspecs import hookimpl
from asgion_core.location import installed_code

_TYPED_SAMPLES = {"str": "x", "strorempty": "x", "int": "1", "float": "1.0", "uuid": SAMPLE_UUID, "alpha": "x",
                  "slug": "x", "path": "x", "ymd": "2024-01-01", "ext": "x.txt", "number": "1"}
_PARAMETER = re.compile(r"<([^:>]+)(?::([^>]+))?>")


@hookimpl
def asgion_discover_routes(app: Any) -> Discovery | None:
    if framework_of(app) != "sanic":
        return None
    try:
        routes = list(app.router.routes)
    except Exception:
        return None
    found = Discovery(source="sanic")
    framework_routes: list[str] = []
    for route in routes:
        template = "/" + str(getattr(route, "path", "")).lstrip("/")
        extra = getattr(route, "extra", None)
        handler = _handler(getattr(route, "handler", None))
        if getattr(extra, "static", False) or installed_code(handler):
            framework_routes.append(template)
            continue
        found.add(template, fill_path(template, _PARAMETER, _sample), methods=getattr(route, "methods", None),
                  websocket=bool(getattr(extra, "websocket", False)), handler=handler)
    found.skip_framework_routes(framework_routes)
    return found.capped()


def _handler(handler: Any) -> Any:
    """The user's function: Sanic registers a WebSocket handler as a partial of its own wrapper around it."""
    if isinstance(handler, functools.partial):
        return next((arg for arg in handler.args if callable(arg)), handler.func)
    return handler


def _sample(match: re.Match[str]) -> str | None:
    kind = match.group(2)
    if kind is None:
        return "x"
    if kind in _TYPED_SAMPLES:
        return _TYPED_SAMPLES[kind]
    return sample_matching(kind)
