"""Route discovery for Django: the URLconf of the project behind its ASGI handler (``get_asgi_application()``).

Read from the resolver Django has already set up (the app was loaded, so settings are configured); nothing of
Django is imported unless the app is Django's. ``path()`` converters get values they accept, ``re_path()`` patterns
a string they match; class-based views are driven with each method they define, function views with GET.
"""

from __future__ import annotations

import inspect
import re
import sys
from typing import Any

from asgion_core.discovery import SAMPLE_UUID, Discovery, sample_matching
from asgion_core.hookspecs import hookimpl
from asgion_core.location import installed_code

#: Sample values by converter class name (django.urls.converters).
_CONVERTER_SAMPLES = {"IntConverter": "1", "StringConverter": "x", "SlugConverter": "x", "PathConverter": "x",
                      "UUIDConverter": SAMPLE_UUID}
_MAX_DEPTH = 8


@hookimpl
def asgion_discover_routes(app: Any) -> Discovery | None:
    if not _is_django(app):
        return None
    urls = sys.modules.get("django.urls")
    try:
        patterns = list(urls.get_resolver().url_patterns) if urls is not None else None
    except Exception:  # no ROOT_URLCONF, or a URLconf that does not import
        return None
    if patterns is None:
        return None
    found = Discovery(source="django")
    framework_routes: list[str] = []
    _walk(patterns, "", found, framework_routes, depth=0)
    found.skip_framework_routes(framework_routes)
    return found.capped()


@hookimpl
def asgion_route_handler(app: Any, scope: Any) -> Any:
    """The view Django's URLconf resolves the scope's path to (Django keeps it out of the scope)."""
    if not _is_django(app) or dict.get(scope, "type") != "http":
        return None
    urls = sys.modules.get("django.urls")
    path, root = dict.get(scope, "path"), dict.get(scope, "root_path") or ""
    if urls is None or not isinstance(path, str) or not isinstance(root, str):
        return None
    try:
        match = urls.resolve(path[len(root):] if root and path.startswith(root) else path)
    except Exception:  # Resolver404, or a URLconf that does not import: no handler to name
        return None
    view = _view(match.func)
    return None if installed_code(view) else view


def _is_django(app: Any) -> bool:
    return type(app).__name__ == "ASGIHandler" and type(app).__module__.startswith("django.")


def _walk(patterns: list[Any], prefix: str, found: Discovery, framework_routes: list[str], depth: int) -> None:
    for entry in patterns:
        piece = _sample_piece(entry.pattern)
        shown = prefix + str(entry.pattern)
        if piece is None:
            found.skipped.append(f"/{shown}: a path parameter without a sample value")
        elif hasattr(entry, "url_patterns"):  # include(): a resolver with its own patterns
            if depth >= _MAX_DEPTH:
                found.skipped.append(f"includes nested deeper than {_MAX_DEPTH} levels under /{shown}")
                continue
            try:
                inner = list(entry.url_patterns)
            except Exception:
                found.skipped.append(f"/{shown}: its included URLconf does not import")
                continue
            if getattr(entry, "app_name", None) == "admin":
                framework_routes.append(f"/{shown}")
                continue
            _walk(inner, prefix + piece, found, framework_routes, depth + 1)
        else:
            view = _view(entry.callback)
            if installed_code(view):
                framework_routes.append(f"/{shown}")
                continue
            found.add(f"/{shown}", "/" + prefix + piece, methods=_methods(view), handler=view)


def _sample_piece(pattern: Any) -> str | None:
    """The part of the path one URL pattern matches, its parameters filled in."""
    converters = getattr(pattern, "converters", None)
    route = getattr(pattern, "_route", None)
    if isinstance(route, str):  # path("items/<int:item_id>"): the regex Django built from it, with converter values
        regex = str(getattr(pattern, "_regex", ""))
        samples = {name: _CONVERTER_SAMPLES.get(type(c).__name__) for name, c in (converters or {}).items()}
        if None in samples.values():
            return None
        text = route
        for name, value in samples.items():
            text = _replace_parameter(text, name, str(value))
        return text if not regex or _matches_start(regex, text) else None
    regex = str(getattr(pattern, "_regex", ""))
    sample = sample_matching(regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z"))
    return sample


def _replace_parameter(route: str, name: str, value: str) -> str:
    """``items/<int:item_id>`` with ``<int:item_id>`` (or ``<item_id>``) replaced by ``value``."""
    start = route.find("<")
    while start != -1:
        end = route.find(">", start)
        if end == -1:
            break
        if route[start + 1:end].rpartition(":")[2] == name:
            return route[:start] + value + route[end + 1:]
        start = route.find("<", end)
    return route


def _matches_start(regex: str, text: str) -> bool:
    try:
        return re.match(regex, text) is not None
    except re.error:
        return False


def _view(callback: Any) -> Any:
    """The user's view behind a URL pattern: a class-based view's class, else the function under decorators."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return view_class
    try:
        return inspect.unwrap(callback)
    except ValueError:
        return callback


def _methods(view: Any) -> list[str]:
    """The methods a class-based view defines itself (``get``, ``post`` ...; HEAD with GET, as View answers it);
    GET and HEAD for a function view, which Django calls for any method."""
    if not inspect.isclass(view):
        return ["GET", "HEAD"]
    names = getattr(view, "http_method_names", ())
    own = [name for name in names if name != "options" and callable(getattr(view, name, None))]
    if "get" in own and "head" not in own:
        own.append("head")
    return own or ["GET", "HEAD"]
