"""Route discovery for Starlette and FastAPI: Route, WebSocketRoute, Mount (and included routers), Host.

Read by duck typing on the route classes' names, so neither framework is imported here: an app of neither is
simply not recognised. Path parameters get valid sample values: from the route's converters (int, float, uuid,
path, str) and, for FastAPI, from the endpoint's type hints (an ``int`` parameter without a converter gets 1) and
its OpenAPI document, which also gives each operation its required query parameters, headers and body. With
CORSMiddleware every path also gets an OPTIONS preflight, from an origin the middleware allows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from asgion_core.discovery import (
    SAMPLE_UUID,
    DiscoveredRoute,
    Discovery,
    fill_path,
    framework_of,
    ordered_methods,
    sample_matching,
    sample_value,
)
from asgion_core.hookspecs import hookimpl
from asgion_core.location import installed_code
from asgion_core.openapi import OperationRequest, operation_request

#: Sample values by converter class name (Starlette's convertors).
_CONVERTER_SAMPLES = {"IntegerConvertor": "1", "FloatConvertor": "1.0", "PathConvertor": "x", "StringConvertor": "x",
                      "UUIDConvertor": SAMPLE_UUID}
_PARAMETER = re.compile(r"{([^}:]+)(?::[^}]*)?}")
_FRAMEWORKS = ("starlette", "fastapi")
#: The preflight's Origin when CORSMiddleware allows any (``*``) or its settings cannot be read.
ANY_ORIGIN = "https://example.com"


@hookimpl
def asgion_discover_routes(app: Any) -> Discovery | None:
    if framework_of(app) not in _FRAMEWORKS:
        return None
    try:
        routes = list(app.routes)
    except Exception:
        return None
    walk = _Walk(Discovery(source="starlette"), preflight_origin=_preflight_origin(app))
    walk.routes(routes, "", _Schema(_openapi_document(app), ""), depth=0)
    found = walk.found
    found.skip_framework_routes(walk.framework_routes)
    return found.capped()


@dataclass(frozen=True)
class _Schema:
    """The OpenAPI document that describes the routes being walked, and the path it is mounted at."""

    document: Mapping[str, Any] | None
    mounted_at: str

    def request(self, path_format: str, method: str) -> OperationRequest | None:
        if self.document is None or not path_format.startswith(self.mounted_at):
            return None
        own_path = path_format[len(self.mounted_at):] or "/"
        return operation_request(self.document, own_path, "GET" if method == "HEAD" else method)


@dataclass
class _Walk:
    """One walk over a route table: what it found, and the routes the framework serves itself (FastAPI's /docs,
    StaticFiles), whose findings would be the framework's, not the app's."""

    found: Discovery
    #: The Origin a preflight is sent from (one CORSMiddleware allows), or None when no preflight is answered.
    preflight_origin: str | None
    framework_routes: list[str] = field(default_factory=list)
    preflighted: set[str] = field(default_factory=set)

    def routes(self, routes: list[Any], prefix: str, schema: _Schema, depth: int) -> None:
        if depth > 8:
            self.found.skipped.append(f"mounts nested deeper than 8 levels under {prefix}")
            return
        for route in _flattened(routes):
            kinds = {cls.__name__ for cls in type(getattr(route, "original_route", route)).__mro__}
            path_format = prefix + str(getattr(route, "path_format", getattr(route, "path", "")))
            endpoint = getattr(route, "endpoint", None) or getattr(route, "app", None)
            if "Host" in kinds:
                self.found.skipped.append(f"routes under Host({getattr(route, 'host', '?')!r}): they need that "
                                          "Host header")
            elif not getattr(route, "routes", None) and installed_code(endpoint):
                self.framework_routes.append(path_format)
            elif "Mount" in kinds:
                self.mount(route, prefix, path_format, schema, depth)
            elif "WebSocketRoute" in kinds:
                self.found.add(path_format, _fill(route, path_format, {}), websocket=True, handler=endpoint)
            elif "Route" in kinds:
                self.http(route, path_format, schema)

    def mount(self, route: Any, prefix: str, path_format: str, schema: _Schema, depth: int) -> None:
        inner = list(getattr(route, "routes", None) or [])
        if not inner:
            mounted = _fill(route, path_format, {}) or "/"
            self.found.routes.append(DiscoveredRoute(mounted, "GET", route=path_format,
                                                     handler=getattr(route, "app", None)))
            return
        mounted_at = prefix + str(getattr(route, "path", ""))  # path_format ends in the "{path}" it hands on
        document = _openapi_document(getattr(route, "app", None))
        self.routes(inner, mounted_at, _Schema(document, mounted_at) if document else schema, depth + 1)

    def http(self, route: Any, path_format: str, schema: _Schema) -> None:
        methods = ordered_methods(getattr(route, "methods", None))
        for method in methods:
            request = schema.request(path_format, method)
            path = _fill(route, path_format, request.path_values if request else {})
            if path is None:
                self.found.skipped.append(f"{path_format}: a path parameter without a sample value")
                return
            self.found.routes.append(DiscoveredRoute(
                path, method, route=path_format, query=request.query if request else "",
                headers=request.headers if request else (), body=request.body if request else b"",
                handler=getattr(route, "endpoint", None)))
        origin = self.preflight_origin
        if origin is not None and "OPTIONS" not in methods and path is not None and path not in self.preflighted:
            self.preflighted.add(path)  # one preflight per path, however many routes share it
            self.found.routes.append(DiscoveredRoute(path, "OPTIONS", route=path_format, headers=(
                ("origin", origin), ("access-control-request-method", methods[0]))))


def _flattened(routes: list[Any]) -> list[Any]:
    """``routes`` with the routers FastAPI includes lazily (an entry with ``effective_route_contexts()``) replaced
    by the routes they serve."""
    flat: list[Any] = []
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if not callable(contexts):
            flat.append(route)
            continue
        try:
            flat += [_IncludedRoute(context) for context in contexts()]
        except Exception:  # a private API that changed shape: the router is not read rather than misread
            continue
    return flat


class _IncludedRoute:
    """A route of a lazily included router: the full path, methods and converters of its include context, and
    everything else (its kind, its dependant) of the route the router declared."""

    def __init__(self, context: Any) -> None:
        self._context = context

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._context, name)
        except AttributeError:
            return getattr(self._context.original_route, name)


def _openapi_document(app: Any) -> Mapping[str, Any] | None:
    """FastAPI's OpenAPI document (``app.openapi()``, which FastAPI builds once and caches), or None."""
    if framework_of(app) != "fastapi":
        return None
    try:
        document = app.openapi()
    except Exception:  # a broken schema (a model pydantic cannot describe): the route table still serves
        return None
    return document if isinstance(document, Mapping) else None


def _preflight_origin(app: Any) -> str | None:
    """When the app runs Starlette's CORSMiddleware (which answers OPTIONS preflights on every path), an Origin
    it allows: the first one listed, one its ``allow_origin_regex`` matches, or any for ``*``; None without it."""
    try:
        cors = next((m for m in getattr(app, "user_middleware", None) or ()
                     if getattr(getattr(m, "cls", None), "__name__", "") == "CORSMiddleware"), None)
        if cors is None:
            return None
        options = getattr(cors, "kwargs", None) or {}
        origins = options.get("allow_origins", ())
        origins = [origins] if isinstance(origins, str) else origins  # one origin given as a string
        listed = [o for o in origins if isinstance(o, str) and o != "*"]
        if listed:
            return listed[0]
        regex = options.get("allow_origin_regex")
        matching = sample_matching(regex) if isinstance(regex, str) else None
        return matching or ANY_ORIGIN
    except Exception:  # a middleware list of another shape: preflight from anywhere
        return ANY_ORIGIN


def _fill(route: Any, path_format: str, documented: Mapping[str, str]) -> str | None:
    """``path_format`` with each ``{name}`` replaced by a value its schema, type hint or converter accepts."""
    convertors = getattr(route, "param_convertors", None) or {}
    hints = _type_hints(route)

    def sample(match: re.Match[str]) -> str | None:
        name = match.group(1)
        if name in documented:
            return documented[name]
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
