"""Route discovery: what connections an app serves, as its framework's route table says.

The core knows no framework. Plugins implement ``asgion_discover_routes(app)`` and answer for the objects they
recognise; the core hands them the app and every object it wraps (middleware keeps the inner app in ``.app``,
``.wrapped``, ``.application`` and the like), outermost first, and the first plugin to answer wins.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asgion_core.plugins import AsgionPluginManager
    from asgion_core.report import InternalError

__all__ = ["DiscoveredRoute", "Discovery", "discover", "fill_path", "framework_of", "ordered_methods",
           "route_handler", "sample_matching", "sample_value", "unwrap"]

#: The standard library's regex parser (re._parser, typed Any: it has no stubs); it turns a route's regex into the
#: parts a matching sample is built from.
sre_parse: Any = importlib.import_module("re._parser")
sre: Any = importlib.import_module("re._constants")
#: Attributes under which ASGI middleware and wrappers keep the app they wrap.
WRAPPED_ATTRIBUTES = ("app", "wrapped", "application", "asgi_app", "_app", "__wrapped__")
#: How deep discovery follows wrappers.
MAX_WRAPPERS = 16
#: Connections one discovery makes at most (the rest are counted in the coverage line).
MAX_OPERATIONS = 200


@dataclass(frozen=True)
class DiscoveredRoute:
    """One connection to make: a concrete path (parameters filled in), its method, or a WebSocket path.

    ``route`` names the route as its table does (``/items/{item_id}``), for the coverage line and notes. ``query``,
    ``headers`` and ``body`` are what the operation requires (from its OpenAPI document, see asgion_core.openapi).
    """

    path: str
    method: str = "GET"
    websocket: bool = False
    route: str = ""
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    #: The function or class that handles the route, where the route table names it: findings the framework's
    #: code sent for this connection point at it (see asgion_core.location.handler_location).
    handler: Any = field(default=None, compare=False)

    @property
    def spec(self) -> str:
        """The form ``--path`` takes: ``METHOD:/path?query`` or ``ws:/path?query``."""
        target = f"{self.path}?{self.query}" if self.query else self.path
        return f"ws:{target}" if self.websocket else f"{self.method}:{target}"


@dataclass
class Discovery:
    """What discovery found: the connections, the routes they come from, and what it skipped, and why."""

    routes: list[DiscoveredRoute] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def route_count(self) -> int:
        return len({(r.route or r.path, r.websocket) for r in self.routes})

    def add(self, route: str, path: str | None, *, methods: Iterable[object] | None = None, websocket: bool = False,
            handler: Any = None) -> None:
        """One route of a table: a WebSocket session, or a request per method (``ordered_methods``), at ``path``;
        a skip note instead when ``path`` is None (a path parameter had no sample value)."""
        if path is None:
            self.skipped.append(f"{'ws:' if websocket else ''}{route}: a path parameter without a sample value")
        elif websocket:
            self.routes.append(DiscoveredRoute(path, websocket=True, route=route, handler=handler))
        else:
            self.routes += [DiscoveredRoute(path, method, route=route, handler=handler)
                            for method in ordered_methods(methods)]

    def skip_framework_routes(self, routes: list[str]) -> None:
        """Note routes the framework serves itself (its documentation pages, static files) as skipped: what they
        answer is the framework's, not the app's, to fix."""
        if routes:
            self.skipped.append(f"{len(routes)} route{'s' if len(routes) != 1 else ''} the framework serves "
                                f"itself ({', '.join(routes)})")

    def capped(self, limit: int = MAX_OPERATIONS) -> Discovery:
        """This discovery with at most ``limit`` connections; the rest are counted as skipped."""
        if len(self.routes) > limit:
            self.skipped.append(f"{len(self.routes) - limit} more operations beyond the cap of {limit}")
            self.routes = self.routes[:limit]
        return self


def framework_of(app: Any) -> str:
    """The top-level package that defines the type of ``app`` (``"fastapi"`` for a FastAPI app): how a discovery
    plugin recognises its framework without importing it."""
    return str(getattr(type(app), "__module__", "") or "").partition(".")[0]


def unwrap(app: Any) -> Iterator[Any]:
    """``app`` and the objects it wraps, outermost first (each once)."""
    seen: set[int] = set()
    current = app
    for _ in range(MAX_WRAPPERS):
        if current is None or id(current) in seen:
            return
        seen.add(id(current))
        yield current
        inner = None
        for name in WRAPPED_ATTRIBUTES:
            try:
                candidate = getattr(current, name, None)
            except Exception:  # a property that raises is no wrapped app
                continue
            if candidate is not None and callable(candidate) and id(candidate) not in seen:
                inner = candidate
                break
        current = inner


def discover(pm: AsgionPluginManager, app: Any) -> Discovery:
    """Ask the discovery plugins about ``app`` and what it wraps; an empty Discovery when none answers."""
    for candidate in unwrap(app):
        for plugin, answer in pm.collect("asgion_discover_routes", app=candidate):
            if not isinstance(answer, Discovery):
                pm.plugin_problem(plugin, f"asgion_discover_routes returned {type(answer).__name__}, not a Discovery")
                continue
            answer.source = answer.source or plugin
            return answer
    return Discovery()


def route_handler(pm: AsgionPluginManager, app: Any, scope: Any,
                  on_error: Callable[[InternalError], None] | None = None) -> Any:
    """What the plugins say ``app`` (or what it wraps) routes ``scope`` to (``asgion_route_handler``), or None."""
    for candidate in unwrap(app):
        for _, answer in pm.collect("asgion_route_handler", on_error=on_error, app=candidate, scope=scope):
            return answer
    return None


#: A value every framework's converter of that type accepts in a path.
SAMPLE_UUID = "00000000-0000-4000-8000-000000000001"
_SAMPLES_BY_NAME = {"int": "1", "float": "1.0", "bool": "true", "str": "x", "UUID": SAMPLE_UUID, "Path": "x",
                    "PurePath": "x", "Decimal": "1", "date": "2024-01-01", "datetime": "2024-01-01T00:00:00",
                    "time": "00:00:00", "timedelta": "1"}


def sample_value(annotation: Any) -> str | None:
    """A path-parameter value of the annotated type (``int`` -> ``"1"``, an Enum -> its first value), or None."""
    if not isinstance(annotation, type):
        return None
    members = getattr(annotation, "__members__", None)
    if isinstance(members, Mapping) and members:  # an Enum (its __members__ is a mappingproxy)
        first = next(iter(members.values()))
        return str(getattr(first, "value", first))
    for cls in annotation.__mro__:
        if cls.__name__ in _SAMPLES_BY_NAME:
            return _SAMPLES_BY_NAME[cls.__name__]
    return None


def ordered_methods(methods: Iterable[object] | None) -> list[str]:
    """A route's methods, upper-case, GET first, then HEAD, then the rest in order (GET when none is declared).

    HEAD is driven where the route table has it: frameworks that answer HEAD on GET routes declare it there
    (Starlette, werkzeug); a HEAD asgion made up would only meet the framework's 405.
    """
    names = {str(m).upper() for m in methods} if methods else {"GET"}
    return sorted(names, key=lambda m: (m != "GET", m != "HEAD", m))


def fill_path(template: str, pattern: re.Pattern[str], sample: Callable[[re.Match[str]], str | None]) -> str | None:
    """``template`` with each parameter ``pattern`` matches replaced by ``sample(match)``; None when a parameter
    has no sample value (the route is skipped rather than driven with a value it would reject)."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        value = sample(match)
        if value is None:
            missing = True
            return ""
        return value

    path = pattern.sub(replace, template)
    return None if missing else path


def sample_matching(pattern: str) -> str | None:
    """A short string the regular expression ``pattern`` matches in full (``[0-9]{4}`` -> ``"0000"``), for
    regex-typed path parameters; None when the pattern is beyond this simple generator."""
    try:
        text = _sample_of(sre_parse.parse(pattern))
        for candidate in ("x", text) if not text else (text,):  # a path segment is better not empty
            if re.fullmatch(pattern, candidate):
                return candidate
        return None
    except (re.error, ValueError, TypeError, OverflowError, RecursionError):
        return None


def _sample_of(items: Iterable[tuple[Any, Any]]) -> str:
    """The characters of a parsed pattern: the first alternative, the fewest repeats (at least one where the
    pattern requires it), the first character of each class."""
    out: list[str] = []
    for op, value in items:
        if op is sre.LITERAL:
            out.append(chr(value))
        elif op is sre.IN:
            out.append(_class_sample(value))
        elif op is sre.ANY or op is sre.NOT_LITERAL:
            out.append("x" if op is sre.ANY or value != ord("x") else "y")
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, inner = value
            out.append(_sample_of(inner) * low)
        elif op is sre.SUBPATTERN:
            out.append(_sample_of(value[-1]))
        elif op is sre.BRANCH:
            out.append(_sample_of(value[1][0]))
        elif op is sre.CATEGORY:
            out.append(_CATEGORY_SAMPLES.get(value, "x"))
        elif op is sre.AT:
            continue
        else:  # backreferences, lookarounds, conditionals
            raise ValueError(f"unsupported {op}")
    return "".join(out)


_CATEGORY_SAMPLES = {sre.CATEGORY_DIGIT: "0", sre.CATEGORY_NOT_DIGIT: "x", sre.CATEGORY_WORD: "x",
                     sre.CATEGORY_NOT_WORD: "-", sre.CATEGORY_SPACE: " ", sre.CATEGORY_NOT_SPACE: "x"}


def _class_sample(items: list[tuple[Any, Any]]) -> str:
    if items and items[0][0] is sre.NEGATE:
        def excluded(char: str) -> bool:
            code = ord(char)
            return any((op is sre.LITERAL and value == code) or (op is sre.RANGE and value[0] <= code <= value[1])
                       for op, value in items[1:])

        found = next((c for c in "xyzXYZ0-_~." if not excluded(c)), None)
        if found is None:
            raise ValueError("a negated class that excludes every sample character")
        return found
    choices = []
    for op, value in items:
        if op is sre.LITERAL:
            choices.append(chr(value))
        elif op is sre.RANGE:
            choices.append(chr(value[0]))
        elif op is sre.CATEGORY:
            choices.append(_CATEGORY_SAMPLES.get(value, "x"))
        else:
            raise ValueError(f"unsupported class item {op}")
    return next((c for c in choices if c.isalnum()), choices[0])
