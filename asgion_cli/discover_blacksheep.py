"""Route discovery for BlackSheep: the routes its router has registered, by method, with their handlers.

Read by duck typing, so BlackSheep is not imported here. Typed parameters (``{int:id}``, ``<uuid:id>``) get a value
of their type, untyped ones a value of the handler's type hint for them (``key: UUID``), else ``x``. A handler that
binds ``FromJSON[Model]`` gets a minimal JSON body for the model.
"""

from __future__ import annotations

import inspect
import re
from typing import Any, get_args, get_origin, get_type_hints

from asgion_core.discovery import (
    SAMPLE_UUID,
    DiscoveredRoute,
    Discovery,
    fill_path,
    framework_of,
    ordered_methods,
    sample_value,
)
from asgion_core.hookspecs import hookimpl
from asgion_core.openapi import json_body_for

_TYPED_SAMPLES = {"int": "1", "float": "1.0", "uuid": SAMPLE_UUID, "str": "x", "path": "x"}
_PARAMETER = re.compile(r"{([^}]+)}|<([^>]+)>|(?<=/):([^/]+)")


@hookimpl
def asgion_discover_routes(app: Any) -> Discovery | None:
    if framework_of(app) != "blacksheep":
        return None
    try:
        registered = list(app.router.registered_routes)
    except Exception:
        return None
    found = Discovery(source="blacksheep")
    http: dict[str, dict[str, Any]] = {}  # pattern -> method -> handler
    for method, route in registered:
        pattern = _text(getattr(route, "pattern", b""))
        handler = getattr(route, "handler", None)
        if str(method).upper().endswith("_WS"):
            found.add(pattern, _fill(pattern, handler), websocket=True, handler=handler)
        else:
            http.setdefault(pattern, {})[str(method).upper()] = handler
    for pattern, handlers in http.items():
        for method in ordered_methods(handlers):
            handler = handlers.get(method) or handlers.get("GET")  # HEAD is answered by the GET handler
            path = _fill(pattern, handler)
            if path is None:
                found.skipped.append(f"{method}:{pattern}: a path parameter without a sample value")
                continue
            body = _json_body(handler)
            headers = (("content-type", "application/json"),) if body else ()
            found.routes.append(DiscoveredRoute(path, method, route=pattern, handler=handler, headers=headers,
                                                body=body))
    return found.capped()


def _text(pattern: Any) -> str:
    return pattern.decode("utf-8", "replace") if isinstance(pattern, bytes) else str(pattern)


def _fill(pattern: str, handler: Any) -> str | None:
    hints = _hints(handler)

    def sample(match: re.Match[str]) -> str | None:
        inside = next(group for group in match.groups() if group is not None)
        kind, _, name = inside.rpartition(":")
        if kind:
            return _TYPED_SAMPLES.get(kind)
        return sample_value(hints.get(name)) or "x"

    return fill_path(pattern, _PARAMETER, sample)


def _json_body(handler: Any) -> bytes:
    """A body for the first ``FromJSON[Model]`` parameter of the handler (b"" when it binds none)."""
    for hint in _hints(handler).values():
        if getattr(get_origin(hint) or hint, "__name__", "") == "FromJSON" and get_args(hint):
            return json_body_for(get_args(hint)[0])
    return b""


def _hints(handler: Any) -> dict[str, Any]:
    try:
        return get_type_hints(inspect.unwrap(handler))
    except Exception:  # unresolvable annotations: untyped parameters get "x"
        return {}
