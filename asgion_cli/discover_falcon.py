"""Route discovery for Falcon (``falcon.asgi.App``): the nodes of its compiled router and each resource's responders.

Read by duck typing, so Falcon is not imported here. A method is driven when the resource defines its responder
(``on_get``, ``on_post`` ..., ``on_websocket`` for a WebSocket route); the responders Falcon fills in for the other
methods (405) are not. Field converters (int, uuid, float, path) get values they accept.
"""

from __future__ import annotations

import re
from typing import Any

from asgion_core.discovery import SAMPLE_UUID, Discovery, fill_path, framework_of
from asgion_core.hookspecs import hookimpl
from asgion_core.location import installed_code

#: Sample values by converter name; "dt" takes a format argument, so only its default format is filled.
_CONVERTER_SAMPLES = {"int": "1", "uuid": SAMPLE_UUID, "float": "1.0", "path": "x", "dt": "2024-01-01T00:00:00Z"}
_FIELD = re.compile(r"{([^}:]+)(?::([a-z]+)(\([^)]*\))?)?}")
_MAX_DEPTH = 32


@hookimpl
def asgion_discover_routes(app: Any) -> Discovery | None:
    if framework_of(app) != "falcon":
        return None
    try:
        roots = list(app._router._roots)
    except Exception:  # a custom router: its table is its own
        return None
    found = Discovery(source="falcon")
    _walk(roots, found, depth=0)
    return found.capped()


def _walk(nodes: list[Any], found: Discovery, depth: int) -> None:
    for node in nodes:
        template = getattr(node, "uri_template", None)
        method_map = getattr(node, "method_map", None)
        if template and method_map:
            _add(str(template), method_map, getattr(node, "resource", None), found)
        if depth < _MAX_DEPTH:
            _walk(list(getattr(node, "children", None) or ()), found, depth + 1)


def _add(template: str, method_map: dict[str, Any], resource: Any, found: Discovery) -> None:
    own = {method for method, responder in method_map.items()
           if not installed_code(responder)}
    path = fill_path(template, _FIELD, _sample)
    handler = type(resource) if resource is not None else None
    http = own - {"WEBSOCKET"}
    if http or path is None:  # (a path that cannot be filled is noted once)
        found.add(template, path, methods=http, handler=handler)
    if "WEBSOCKET" in own and path is not None:
        found.add(template, path, websocket=True, handler=handler)


def _sample(match: re.Match[str]) -> str | None:
    converter, arguments = match.group(2), match.group(3)
    if converter is None:
        return "x"
    if converter == "dt" and arguments:
        return None
    return _CONVERTER_SAMPLES.get(converter)
