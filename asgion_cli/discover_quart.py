"""Route discovery for Quart (and other frameworks on werkzeug's routing): the rules of ``app.url_map``.

Read by duck typing, so Quart is not imported here. Path parameters get a value their converter accepts.
"""

from __future__ import annotations

import re
from typing import Any

from asgion_core.discovery import SAMPLE_UUID, Discovery, fill_path, framework_of
from asgion_core.hookspecs import hookimpl
from asgion_core.location import installed_code

#: Sample values by werkzeug converter class name.
_CONVERTER_SAMPLES = {"IntegerConverter": "1", "FloatConverter": "1.0", "PathConverter": "x",
                      "UnicodeConverter": "x", "UUIDConverter": SAMPLE_UUID, "AnyConverter": None}
_PARAMETER = re.compile(r"<(?:([^>:]+):)?([^>]+)>")


@hookimpl
def asgion_discover_routes(app: Any) -> Discovery | None:
    if framework_of(app) != "quart":
        return None
    try:
        rules = list(app.url_map.iter_rules())
    except Exception:
        return None
    found = Discovery(source="quart")
    framework_routes: list[str] = []
    for rule in rules:
        text = str(getattr(rule, "rule", ""))
        path = _fill(rule, text)
        view = _view(app, rule)
        if view is not None and installed_code(view):
            framework_routes.append(text)
        else:
            found.add(text, path, methods=getattr(rule, "methods", None),
                      websocket=bool(getattr(rule, "websocket", False)), handler=view)
    found.skip_framework_routes(framework_routes)
    return found.capped()


@hookimpl
def asgion_route_handler(app: Any, scope: Any) -> Any:
    """The view function Quart's URL map matches the scope to (Quart keeps it out of the scope)."""
    scope_type = dict.get(scope, "type")
    if framework_of(app) != "quart" or scope_type not in ("http", "websocket"):
        return None
    try:
        adapter = app.url_map.bind("localhost")
        endpoint, _ = adapter.match(dict.get(scope, "path"), method=dict.get(scope, "method") or "GET",
                                    websocket=scope_type == "websocket")
        view = app.view_functions.get(endpoint)
    except Exception:  # no match (a 404, a 405, a redirect) or a map of another shape: no handler to name
        return None
    return None if view is None or installed_code(view) else view


def _view(app: Any, rule: Any) -> Any:
    """The view function the rule's endpoint names (``app.view_functions``)."""
    try:
        return app.view_functions.get(rule.endpoint)
    except Exception:
        return None


def _fill(rule: Any, text: str) -> str | None:
    converters = getattr(rule, "_converters", None) or {}

    def sample(match: re.Match[str]) -> str | None:
        converter = converters.get(match.group(2))
        return _CONVERTER_SAMPLES.get(type(converter).__name__, "x") if converter is not None else "x"

    return fill_path(text, _PARAMETER, sample)
