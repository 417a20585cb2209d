"""Route discovery for Quart (and other frameworks on werkzeug's routing): the rules of ``app.url_map``.

Read by duck typing, so Quart is not imported here. Path parameters get a value their converter accepts.
"""

from __future__ import annotations

import re
from typing import Any

from asgion_core.discovery import SAMPLE_UUID, DiscoveredRoute, Discovery, ordered_methods
from asgion_core.hookspecs import hookimpl

MAX_OPERATIONS = 200
#: Sample values by werkzeug converter class name.
_CONVERTER_SAMPLES = {"IntegerConverter": "1", "FloatConverter": "1.0", "PathConverter": "x",
                      "UnicodeConverter": "x", "UUIDConverter": SAMPLE_UUID, "AnyConverter": None}
_PARAMETER = re.compile(r"<(?:([^>:]+):)?([^>]+)>")


@hookimpl
def asgion_discover_routes(app: Any) -> Discovery | None:
    if type(app).__module__.split(".")[0] != "quart":
        return None
    try:
        rules = list(app.url_map.iter_rules())
    except Exception:
        return None
    found = Discovery(source="quart")
    for rule in rules:
        text = str(getattr(rule, "rule", ""))
        path = _fill(rule, text)
        if path is None:
            found.skipped.append(f"{text}: a path parameter without a sample value")
        elif getattr(rule, "websocket", False):
            found.routes.append(DiscoveredRoute(path, websocket=True, route=text))
        else:
            found.routes += [DiscoveredRoute(path, method, route=text)
                             for method in ordered_methods(getattr(rule, "methods", None))]
    if len(found.routes) > MAX_OPERATIONS:
        found.skipped.append(f"{len(found.routes) - MAX_OPERATIONS} more operations beyond the cap of "
                             f"{MAX_OPERATIONS}")
        found.routes = found.routes[:MAX_OPERATIONS]
    return found


def _fill(rule: Any, text: str) -> str | None:
    converters = getattr(rule, "_converters", None) or {}
    missing = False

    def sample(match: re.Match[str]) -> str:
        nonlocal missing
        converter = converters.get(match.group(2))
        value = _CONVERTER_SAMPLES.get(type(converter).__name__, "x") if converter is not None else "x"
        if value is None:
            missing = True
            return ""
        return value

    path = _PARAMETER.sub(sample, text)
    return None if missing else path
