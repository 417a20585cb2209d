"""The core's own plugin: the general (G-*) rules that apply to every scope type.

G-001 to G-007 and G-020 need the inspector's routing and send wrapper and are checked there; everything else is
an ordinary check returned from the same hooks every protocol plugin implements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from asgion_core.checks import EndCheck, EventCheck, Message, Outcome, Scope, ScopeCheck
from asgion_core.config import AsgionConfig
from asgion_core.connection import Connection, is_cancellation
from asgion_core.general_catalogue import RULES
from asgion_core.hookspecs import hookimpl
from asgion_core.location import raise_origin
from asgion_core.rules import RuleRegistrar
from asgion_core.safe_text import describe_exception, safe_repr
from asgion_core.scenario import register_with_examples
from asgion_core.shapes import iterable
from asgion_core.value_walk import MAX_DEPTH, MAX_NODES, walk

WWW = ("http", "websocket")
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
#: Values the spec allows in messages (tuples pass, A6).
_ALLOWED = (bytes, str, int, float, bool, type(None), list, tuple, dict)
_PLAIN = frozenset({bytes, str, bool, type(None)})
#: Message fields an extension defines and the value rules must not look into (A9).
_OPAQUE = {"http.response.zerocopysend": "file", "http.response.debug": "info"}
SPEC_VERSIONS = {
    "http": frozenset({"2.0", "2.1", "2.2", "2.3", "2.4", "2.5"}),
    "websocket": frozenset({"2.0", "2.1", "2.2", "2.3", "2.4", "2.5"}),
    "lifespan": frozenset({"1.0", "2.0"}),
}


@hookimpl
def asgion_register_rules(registry: RuleRegistrar) -> None:
    from asgion_core.general_cases import CASES  # the examples are only needed once rules are registered

    register_with_examples(registry, RULES, CASES)


@hookimpl
def asgion_scope_checks(scope_type: str, config: AsgionConfig) -> Sequence[ScopeCheck]:
    checks = [
        ScopeCheck(check_asgi, ("G-011", "G-012", "G-013", "G-018", "G-022")),
        ScopeCheck(remember_scope, ("G-019",)),
    ]
    if scope_type in WWW:
        checks.append(ScopeCheck(check_extensions, ("G-023", "G-024", "G-025", "G-026")))
    return checks


@hookimpl
def asgion_event_checks(scope_type: str, config: AsgionConfig) -> Sequence[EventCheck]:
    rules = ("G-008", "G-009", "G-010", "G-014", "G-016", "G-017")
    return [EventCheck(check_values, rules, "send"), EventCheck(check_values, rules, "receive")]


@hookimpl
def asgion_connection_checks(scope_type: str, config: AsgionConfig) -> Sequence[EndCheck]:
    return [
        EndCheck(check_outcome, ("G-015", "G-021"), on_exception=True, on_none=False),
        EndCheck(check_scope_mutation, ("G-019",), on_exception=True),
    ]


# -- scope ----------------------------------------------------------------------------------------------------------
def check_asgi(conn: Connection, scope: Scope) -> None:
    """specs/asgi.rst: "asgi: a dict with version (str) and optional spec_version (str)"."""
    if "asgi" not in scope:
        conn.report("G-011", f"{conn.scope_type} scope has no 'asgi' key")
        return
    asgi = scope["asgi"]
    if not isinstance(asgi, dict):
        conn.report("G-018", f"scope['asgi'] is {type(asgi).__name__}, not dict")
        return
    if "version" in asgi and asgi["version"] not in ("2.0", "3.0"):
        conn.report("G-012", f"asgi version {asgi['version']!r} is neither '2.0' nor '3.0'")
    spec = asgi.get("spec_version")
    if spec is not None and not isinstance(spec, str):
        conn.report("G-013", f"asgi spec_version is {type(spec).__name__}, not str")
    elif isinstance(spec, str) and conn.scope_type in SPEC_VERSIONS and spec not in SPEC_VERSIONS[conn.scope_type]:
        known = ", ".join(sorted(SPEC_VERSIONS[conn.scope_type]))
        conn.report("G-022", f"spec_version {spec!r} is not defined for {conn.scope_type} scopes ({known})")


def check_extensions(conn: Connection, scope: Scope) -> None:
    """specs/tls.rst: the tls extension describes TLS connections, with fixed field types."""
    extensions = scope.get("extensions")
    if not isinstance(extensions, dict):
        return
    for name, value in extensions.items():
        if not isinstance(value, dict):
            conn.report("G-026", f"extensions[{name!r}] is {type(value).__name__}, not dict")
    if "tls" not in extensions:
        return
    default = "http" if conn.scope_type == "http" else "ws"
    scheme = scope.get("scheme", default)
    if scheme in ("http", "ws"):
        conn.report("G-023", f"extensions['tls'] present on a plain {scheme!r} connection")
    tls = extensions["tls"]
    problem = _tls_problem(tls)
    if problem:
        conn.report("G-024", f"extensions['tls']: {problem}")
    if isinstance(tls, dict):
        chain = tls.get("client_cert_chain")
        if isinstance(chain, (list, tuple)) and chain and tls.get("client_cert_name") is None:
            conn.report("G-025", "client_cert_chain is given but client_cert_name is missing")


def _tls_problem(tls: Any) -> str | None:
    if not isinstance(tls, dict):
        return f"is {type(tls).__name__}, not dict"
    for key in ("server_cert", "tls_version", "cipher_suite"):
        if key not in tls:
            return f"required key {key!r} is missing"
    if not (tls["server_cert"] is None or isinstance(tls["server_cert"], str)):
        return "server_cert must be str or None"
    version = tls["tls_version"]
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        return "tls_version must be int or None"
    suite = tls["cipher_suite"]
    if suite is not None and (isinstance(suite, bool) or not isinstance(suite, int) or not 0 <= suite <= 65535):
        return "cipher_suite must be None or an int from 0 to 65535"
    if "client_cert_chain" in tls:
        chain = tls["client_cert_chain"]
        if isinstance(chain, str) or not iterable(chain):
            return "client_cert_chain must be an iterable of str"
        if iter(chain) is not chain and not all(isinstance(c, str) for c in chain):
            return "client_cert_chain holds a non-str item"
    if "client_cert_name" in tls and not (tls["client_cert_name"] is None or isinstance(tls["client_cert_name"], str)):
        return "client_cert_name must be str or None"
    error = tls.get("client_cert_error")
    if error is not None and not (isinstance(error, str) and error):
        return "client_cert_error must be None or a non-empty str"
    return None


_WATCHED = ("type", "path", "raw_path", "root_path", "query_string", "headers", "method", "scheme", "client",
            "server", "http_version")


def remember_scope(conn: Connection, scope: Scope) -> None:
    """G-019 needs the scope as the app received it; a shallow copy plus a copy of the headers list."""
    headers = scope.get("headers")
    conn.extras["G-019"] = (dict(scope), list(headers) if isinstance(headers, list) else None)


def check_scope_mutation(conn: Connection, outcome: Outcome) -> None:
    saved = conn.extras.get("G-019")
    if saved is None:
        return
    before, headers = saved
    scope = conn.scope
    for key in _WATCHED:
        if key in before and (key not in scope or scope[key] != before[key]):
            conn.report("G-019", f"the app changed scope[{key!r}] in place")
            return
    if headers is not None and isinstance(scope.get("headers"), list) and scope["headers"] != headers:
        conn.report("G-019", "the app changed the scope headers list in place")


# -- messages -------------------------------------------------------------------------------------------------------
def check_values(conn: Connection, message: Message) -> None:
    """specs/asgi.rst: messages hold only byte strings, unicode strings, ints, floats, lists, dicts, bools, None.

    The fast path handles the common flat message (bytes, str, bool, None, small int values under str keys)
    without recursion; anything else takes the full walk.
    """
    for key, value in message.items():
        kind = type(value)
        if kind in _PLAIN and type(key) is str:
            continue
        if type(key) is str and (
            (kind is int and INT_MIN <= value <= INT_MAX) or ((kind is list or kind is tuple) and _plain_items(value))
        ):
            continue
        _full_walk(conn, message)
        return


def _plain_items(items: list[Any] | tuple[Any, ...]) -> bool:
    """Header-like lists: plain values, or lists/tuples of plain values (one level, no recursion)."""
    for item in items:
        kind = type(item)
        if kind is tuple or kind is list:
            for value in item:
                if type(value) not in _PLAIN:
                    return False
        elif kind not in _PLAIN:
            return False
    return True


def _full_walk(conn: Connection, message: dict[Any, Any]) -> None:
    """G-008 to G-017 over every value of the message, each container once (see :mod:`asgion_core.value_walk`)."""
    found: dict[str, str] = {}
    opaque = _OPAQUE.get(dict.get(message, "type"))  # type: ignore[arg-type]
    roots: list[tuple[Any, str]] = []
    for key, value in dict.items(message):
        if type(key) is not str:
            found.setdefault("G-017", f"message key {safe_repr(key)} is {type(key).__name__}, not str")
        if not (type(key) is str and key == opaque):
            roots.append((value, f"[{safe_repr(key)}]"))

    def visit(value: Any, depth: int, where: str) -> None:
        if isinstance(value, float):
            number = float.__float__(value)  # the built-in's own conversion: a subclass's may raise
            if math.isnan(number):
                found.setdefault("G-008", f"NaN at message{where}")
            elif math.isinf(number):
                found.setdefault("G-009", f"infinite float at message{where}")
        elif isinstance(value, bool):
            pass
        elif isinstance(value, int):
            if not INT_MIN <= int.__int__(value) <= INT_MAX:
                found.setdefault("G-016", f"int at message{where} is outside the signed 64-bit range")
        elif isinstance(value, dict):
            for key in dict.keys(value):
                if not isinstance(key, str):
                    found.setdefault("G-017", f"dict key {safe_repr(key)} at message{where} is {type(key).__name__}")
        elif not isinstance(value, _ALLOWED):
            found.setdefault("G-010", f"message{where} is {type(value).__name__}, which messages may not hold")

    result = walk(roots, visit, depth=2)  # the message itself is level 1
    if result.cycle is not None:
        found.setdefault("G-014", f"message{result.cycle} contains itself (a reference cycle)")
    elif result.too_deep is not None:
        found.setdefault("G-014", f"containers nested deeper than {MAX_DEPTH} levels at message{result.too_deep}")
    if result.truncated:
        found.setdefault("G-014", f"message holds more than {MAX_NODES} values; the rest was not inspected")
    for rule_id, text in sorted(found.items()):
        conn.report(rule_id, text)


# -- end ------------------------------------------------------------------------------------------------------------
def check_outcome(conn: Connection, outcome: Outcome) -> None:
    """G-015 and G-021 (registered with on_none=False: a return of None has nothing for them)."""
    exc = outcome.exception
    if exc is None:
        if outcome.result is not None:
            conn.report("G-015", f"the app returned {type(outcome.result).__name__}, not None")
        return
    if is_cancellation(exc) or conn.from_server(exc):
        return
    if conn.excused is not None:  # a protocol plugin said why this exception is no error (lifespan opt-out)
        return
    origin = raise_origin(exc, conn.config.blame_rules)
    conn.report("G-021", f"the app raised {describe_exception(exc)}", origin.location,
                owner="app" if origin.user else "framework")
