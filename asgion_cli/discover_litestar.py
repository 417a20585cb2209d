"""Route discovery for Litestar: its flat route table (HTTP, WebSocket and ASGI routes) with typed path parameters,
and its OpenAPI document for the query parameters, headers and body each operation requires.

Read by duck typing, so Litestar is not imported here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from asgion_core.discovery import DiscoveredRoute, Discovery, fill_path, framework_of, ordered_methods, sample_value
from asgion_core.hookspecs import hookimpl
from asgion_core.location import installed_code
from asgion_core.openapi import operation_request

_PARAMETER = re.compile(r"{([^}:]+)(?::[^}]*)?}")


@hookimpl
def asgion_discover_routes(app: Any) -> Discovery | None:
    if framework_of(app) != "litestar":
        return None
    try:
        routes = list(app.routes)
    except Exception:
        return None
    found = Discovery(source="litestar")
    document = _openapi_document(app)
    framework_routes: list[str] = []
    for route in routes:
        kinds = {cls.__name__ for cls in type(route).__mro__}
        path_format = str(getattr(route, "path_format", getattr(route, "path", "")))
        path = _fill(path_format, getattr(route, "path_parameters", None) or {})
        if _served_by_framework(route):
            framework_routes.append(path_format)
        elif path is None or "WebSocketRoute" in kinds:
            found.add(path_format, path, websocket="WebSocketRoute" in kinds, handler=_handler(route))
        elif "HTTPRoute" in kinds:
            for method in ordered_methods(getattr(route, "methods", None)):
                request = operation_request(document, path_format, "GET" if method == "HEAD" else method)
                found.routes.append(DiscoveredRoute(
                    path, method, route=path_format, query=request.query if request else "",
                    headers=request.headers if request else (), body=request.body if request else b"",
                    handler=_handler(route, method)))
        elif "ASGIRoute" in kinds:
            found.add(path_format, path, handler=_handler(route))
    found.skip_framework_routes(framework_routes)
    return found.capped()


def _handler(route: Any, method: str = "") -> Any:
    """The user's function behind ``route`` (for ``method``, when the route has one handler per method)."""
    try:
        handlers = list(route.route_handlers)
        by_method = [h for h in handlers if method in (getattr(h, "http_methods", None) or ())]
        return next((h.fn for h in by_method + handlers if not installed_code(getattr(h, "fn", None))), None)
    except Exception:
        return None


def _served_by_framework(route: Any) -> bool:
    """Whether every handler of ``route`` is installed code (the OpenAPI plugin's /schema pages, the OPTIONS
    handler Litestar adds): its findings would be the framework's, not the app's."""
    try:
        functions = [getattr(handler, "fn", None) for handler in route.route_handlers]
    except Exception:
        return False
    return bool(functions) and all(installed_code(fn) for fn in functions)


def _openapi_document(app: Any) -> Mapping[str, Any]:
    """The app's OpenAPI document as a dict (empty when the app has OpenAPI switched off or it cannot be built)."""
    try:
        document = app.openapi_schema.to_schema()
    except Exception:
        return {}
    return document if isinstance(document, Mapping) else {}


def _fill(path_format: str, parameters: dict[str, Any]) -> str | None:
    def sample(match: re.Match[str]) -> str | None:
        definition = parameters.get(match.group(1))
        return sample_value(getattr(definition, "type", str)) if definition is not None else "x"

    return fill_path(path_format, _PARAMETER, sample)
