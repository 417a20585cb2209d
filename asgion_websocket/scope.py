"""Checks on the ``websocket`` scope (specs/www.rst, "WebSocket Connection Scope"), run once per connection."""

from __future__ import annotations

from asgion_core.checks import Scope
from asgion_core.connection import Connection
from asgion_core.headers import check_connection_fields, scope_header_problems
from asgion_core.shapes import QUERY_MARK, is_one_shot, iterable

HTTP_VERSIONS = ("1.1", "2", "3")
_HEADER_RULES = {"malformed": "WS-016", "name_type": "WS-017", "value_type": "WS-018", "uppercase": "WS-019",
                 "pseudo": "WS-027", "hosts": "WS-029"}


def check_fields(conn: Connection, scope: Scope) -> None:
    """http_version, scheme, path, raw_path, query_string and root_path: all optional but path."""
    if "http_version" in scope:
        version = scope["http_version"]
        if not isinstance(version, str):
            conn.report("WS-003", f"http_version is {type(version).__name__}, not str")
        elif version not in HTTP_VERSIONS:
            conn.report("WS-026", f"http_version {version!r} is not one of {', '.join(HTTP_VERSIONS)}")
    if "scheme" in scope:
        scheme = scope["scheme"]
        if not isinstance(scheme, str):
            conn.report("WS-005", f"scheme is {type(scheme).__name__}, not str")
        elif scheme == "":
            conn.report("WS-028", "scheme is the empty string")
        elif scheme not in ("ws", "wss"):
            conn.report("WS-006", f"scheme {scheme!r} is neither 'ws' nor 'wss'")
    if "path" not in scope:
        conn.report("WS-007", "websocket scope has no 'path'")
    elif not isinstance(scope["path"], str):
        conn.report("WS-008", f"path is {type(scope['path']).__name__}, not str")
    raw = scope.get("raw_path")
    if raw is not None and not isinstance(raw, bytes):
        conn.report("WS-010", f"raw_path is {type(raw).__name__}, not bytes or None")
    elif isinstance(raw, bytes) and QUERY_MARK in raw:
        conn.report("WS-030", f"raw_path {raw!r} contains '?': the query belongs in query_string")
    query = scope.get("query_string")
    if query is not None and not isinstance(query, bytes):
        conn.report("WS-012", f"query_string is {type(query).__name__}, not bytes")
    if "root_path" in scope and not isinstance(scope["root_path"], str):
        conn.report("WS-014", f"root_path is {type(scope['root_path']).__name__}, not str")


def check_headers(conn: Connection, scope: Scope) -> None:
    if "headers" not in scope:
        conn.report("WS-015", "websocket scope has no 'headers'")
        return
    for problem in scope_header_problems(scope["headers"]):
        conn.report(_HEADER_RULES[problem.kind], problem.detail)


def check_subprotocols(conn: Connection, scope: Scope) -> None:
    """"subprotocols (Iterable[Unicode string]) -- Subprotocols the client advertised. Optional" (B17: no bare str)."""
    if "subprotocols" not in scope:
        return
    value = scope["subprotocols"]
    if isinstance(value, (str, bytes)) or not iterable(value):
        conn.report("WS-021", f"subprotocols is {type(value).__name__}, not an iterable of str")
    elif not is_one_shot(value) and not all(isinstance(item, str) for item in value):
        conn.report("WS-021", "subprotocols holds an item that is not a str")


def check_addresses_and_state(conn: Connection, scope: Scope) -> None:
    check_connection_fields(conn, scope, ("WS-022", "WS-023", "WS-024", "WS-025"))
