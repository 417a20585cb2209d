"""Route discovery for Litestar: its flat route table (HTTP, WebSocket and ASGI routes) with typed path parameters.

Read by duck typing, so Litestar is not imported here.
"""

from __future__ import annotations

import re
from typing import Any

from asgion_core.discovery import DiscoveredRoute, Discovery, fill_path, ordered_methods, sample_value
from asgion_core.hookspecs import hookimpl

_PARAMETER = re.compile(r"{([^}:]+)(?::[^}]*)?}")


@hookimpl
def asgion_discover_routes(app: Any) -> Discovery | None:
    if type(app).__module__.split(".")[0] != "litestar":
        return None
    try:
        routes = list(app.routes)
    except Exception:
        return None
    found = Discovery(source="litestar")
    for route in routes:
        kinds = {cls.__name__ for cls in type(route).__mro__}
        path_format = str(getattr(route, "path_format", getattr(route, "path", "")))
        path = _fill(path_format, getattr(route, "path_parameters", None) or {})
        if path is None:
            found.skipped.append(f"{path_format}: a path parameter without a sample value")
        elif "WebSocketRoute" in kinds:
            found.routes.append(DiscoveredRoute(path, websocket=True, route=path_format))
        elif "HTTPRoute" in kinds:
            found.routes += [DiscoveredRoute(path, method, route=path_format)
                             for method in ordered_methods(getattr(route, "methods", None))]
        elif "ASGIRoute" in kinds:
            found.routes.append(DiscoveredRoute(path, "GET", route=path_format))
    return found.capped()


def _fill(path_format: str, parameters: dict[str, Any]) -> str | None:
    def sample(match: re.Match[str]) -> str | None:
        definition = parameters.get(match.group(1))
        return sample_value(getattr(definition, "type", str)) if definition is not None else "x"

    return fill_path(path_format, _PARAMETER, sample)
