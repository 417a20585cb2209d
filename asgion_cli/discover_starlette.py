"""Route discovery for Starlette and FastAPI: Route, WebSocketRoute, Mount (and included routers), Host.

Read by duck typing on the route classes' names, so neither framework is imported here: an app of neither is
simply not recognised. Path parameters get valid sample values: from the route's converters (int, float, uuid,
path, str) and, for FastAPI, from the endpoint's type hints (an ``int`` parameter without a converter gets 1).
"""

from __future__ import annotations

import re
from typing import Any

from asgion_core.discovery import SAMPLE_UUID, DiscoveredRoute, Discovery, fill_path, ordered_methods, sample_value
from asgion_core.hookspecs import hookimpl
from asgion_core.location import installed_code

#: Sample values by converter class name (Starlette's convertors).
_CONVERTER_SAMPLES = {"IntegerConvertor": "1", "FloatConvertor": "1.0", "PathConvertor": "x", "StringConvertor": "x",
                      "UUIDConvertor": SAMPLE_UUID}
_PARAMETER = re.compile(r"{([^}:]+)(?::[^}]*)?}")
_FRAMEWORKS = ("starlette", "fastapi")


@hookimpl
def asgion_discover_routes(app: Any) -> Discovery | None:
    if type(app).__module__.split(".")[0] not in _FRAMEWORKS:
        return None
    try:
        routes = list(app.routes)
    except Exception:
        return None
    found = Discovery(source="starlette")
    framework_routes: list[str] = []
    _walk(routes, "", found, framework_routes, depth=0)
    if framework_routes:
        found.skipped.append(f"{len(framework_routes)} route{'s' if len(framework_routes) != 1 else ''} the "
                             f"framework serves itself ({', '.join(framework_routes)})")
    return found.capped()


def _kinds(route: Any) -> set[str]:
    return {cls.__name__ for cls in type(route).__mro__}


def _walk(routes: list[Any], prefix: str, found: Discovery, framework_routes: list[str], depth: int) -> None:
    """Add ``routes`` under ``prefix`` to ``found``; routes whose endpoint is installed code (FastAPI's /docs,
    StaticFiles) go to ``framework_routes`` instead: their findings are the framework's, not the app's."""
    if depth > 8:
        found.skipped.append(f"mounts nested deeper than 8 levels under {prefix}")
        return
    for route in routes:
        kinds = _kinds(route)
        path_format = str(getattr(route, "path_format", getattr(route, "path", "")))
        endpoint = getattr(route, "endpoint", None) or getattr(route, "app", None)
        if "Host" not in kinds and not getattr(route, "routes", None) and installed_code(endpoint):
            framework_routes.append(prefix + path_format)
        elif "Host" in kinds:
            found.skipped.append(f"routes under Host({getattr(route, 'host', '?')!r}): they need that Host header")
        elif "Mount" in kinds:
            inner = list(getattr(route, "routes", None) or [])
            if inner:  # the mount's own path (its path_format ends in the "{path}" it hands on)
                _walk(inner, prefix + str(getattr(route, "path", "")), found, framework_routes, depth + 1)
            else:
                mounted = _fill(route, prefix + path_format) or "/"
                found.routes.append(DiscoveredRoute(mounted, "GET", route=prefix + path_format))
        elif "WebSocketRoute" in kinds:
            ws_path = _fill(route, prefix + path_format)
            if ws_path is None:
                found.skipped.append(f"ws:{prefix + path_format}: a path parameter without a sample value")
            else:
                found.routes.append(DiscoveredRoute(ws_path, websocket=True, route=prefix + path_format))
        elif "Route" in kinds:
            http_path = _fill(route, prefix + path_format)
            if http_path is None:
                found.skipped.append(f"{prefix + path_format}: a path parameter without a sample value")
                continue
            for method in ordered_methods(getattr(route, "methods", None)):
                found.routes.append(DiscoveredRoute(http_path, method, route=prefix + path_format))


def _fill(route: Any, path_format: str) -> str | None:
    """``path_format`` with each ``{name}`` replaced by a value its converter (or type hint) accepts."""
    convertors = getattr(route, "param_convertors", None) or {}
    hints = _type_hints(route)

    def sample(match: re.Match[str]) -> str | None:
        name = match.group(1)
        if name in hints:
            return hints[name]
        convertor = convertors.get(name)
        return "x" if convertor is None else _CONVERTER_SAMPLES.get(type(convertor).__name__)

    return fill_path(path_format, _PARAMETER, sample)


def _type_hints(route: Any) -> dict[str, str]:
    """FastAPI's path parameters with a sample for their annotation (``item_id: int`` -> ``"1"``)."""
    samples: dict[str, str] = {}
    try:
        params = route.dependant.path_params
    except Exception:
        return samples
    for param in params:
        try:
            info = getattr(param, "field_info", None)
            annotation = getattr(info, "annotation", None) or getattr(param, "type_", None)
            name = str(param.alias or param.name)
        except Exception:
            continue
        value = sample_value(annotation)
        if value is not None:
            samples[name] = value
    return samples
