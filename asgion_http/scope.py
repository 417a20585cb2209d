"""Checks on the ``http`` scope (specs/www.rst, "HTTP Connection Scope"), run once when the app is called."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from asgion_core.checks import Scope
from asgion_core.connection import Connection
from asgion_core.headers import check_connection_fields, scope_header_problems
from asgion_core.shapes import PSEUDO_MARK, QUERY_MARK
from asgion_http.fsm import HttpData

HTTP_VERSIONS = ("1.0", "1.1", "2", "3")


def check_http_version(conn: Connection, scope: Scope) -> None:
    """"http_version (Unicode string) -- One of "1.0", "1.1" or "2" (and "3", A19)."""
    if "http_version" not in scope:
        conn.report("HS-002", "http scope has no 'http_version'")
    elif not isinstance(scope["http_version"], str):
        conn.report("HS-003", f"http_version is {type(scope['http_version']).__name__}, not str")
    elif scope["http_version"] not in HTTP_VERSIONS:
        conn.report("HS-004", f"http_version {scope['http_version']!r} is not one of {', '.join(HTTP_VERSIONS)}")


def check_method(conn: Connection, scope: Scope) -> None:
    """"method (Unicode string) -- The HTTP method name, uppercased."""
    if "method" not in scope:
        conn.report("HS-005", "http scope has no 'method'")
    elif not isinstance(scope["method"], str):
        conn.report("HS-006", f"method is {type(scope['method']).__name__}, not str")
    elif scope["method"] != scope["method"].upper():
        conn.report("HS-007", f"method {scope['method']!r} is not upper-case")


def check_scheme(conn: Connection, scope: Scope) -> None:
    """"scheme (Unicode string) -- URL scheme portion (likely "http" or "https"). Optional"."""
    if "scheme" not in scope:
        return
    scheme = scope["scheme"]
    if not isinstance(scheme, str):
        conn.report("HS-009", f"scheme is {type(scheme).__name__}, not str")
    elif scheme == "":
        conn.report("HS-034", "scheme is the empty string")
    elif scheme not in ("http", "https"):
        conn.report("HS-010", f"scheme {scheme!r} is neither 'http' nor 'https'")


def check_path(conn: Connection, scope: Scope) -> None:
    """"path (Unicode string) -- HTTP request target excluding any query string, with percent-encoded sequences
    and UTF-8 byte sequences decoded"; "raw_path (byte string) -- The original HTTP path component ... Optional"."""
    if "path" not in scope:
        conn.report("HS-011", "http scope has no 'path'")
    elif not isinstance(scope["path"], str):
        conn.report("HS-012", f"path is {type(scope['path']).__name__}, not str")
    else:
        path, method = scope["path"], scope.get("method")
        exempt = (method == "OPTIONS" and path == "*") or method == "CONNECT"
        if not path.startswith("/") and not exempt:
            conn.report("HS-013", f"path {path!r} does not start with '/'")
    raw = scope.get("raw_path")
    if raw is not None and not isinstance(raw, bytes):
        conn.report("HS-015", f"raw_path is {type(raw).__name__}, not bytes or None")
    elif isinstance(raw, bytes) and QUERY_MARK in raw:
        conn.report("HS-032", f"raw_path {raw!r} contains '?': the query belongs in query_string")
    if "root_path" in scope and not isinstance(scope["root_path"], str):
        conn.report("HS-019", f"root_path is {type(scope['root_path']).__name__}, not str")


def check_path_consistency(conn: Connection, scope: Scope) -> None:
    """Preview heuristics HS-031 and HS-033 (servers disagree on root_path, A2/A3)."""
    path, root, raw = scope.get("path"), scope.get("root_path"), scope.get("raw_path")
    if isinstance(path, str) and isinstance(root, str) and root:
        base = root.rstrip("/")
        if path != root and not path.startswith(base + "/"):
            conn.report("HS-031", f"path {path!r} does not start with root_path {root!r}")
    if isinstance(raw, bytes) and isinstance(path, str):
        try:
            decoded = unquote_to_bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            return
        root_s = root if isinstance(root, str) else ""
        stripped = path[len(root_s):] if root_s and path.startswith(root_s) else path
        if decoded not in (path, root_s + path, stripped):
            conn.report("HS-033", f"raw_path {raw!r} decodes to {decoded!r}, which does not match path {path!r}")


def check_query_string(conn: Connection, scope: Scope) -> None:
    """"query_string (byte string) -- URL portion after the ?, percent-encoded"."""
    if "query_string" not in scope:
        conn.report("HS-016", "http scope has no 'query_string'")
    elif not isinstance(scope["query_string"], bytes):
        conn.report("HS-017", f"query_string is {type(scope['query_string']).__name__}, not bytes")


_HEADER_RULES = {"malformed": "HS-021", "name_type": "HS-022", "value_type": "HS-023", "uppercase": "HS-024",
                 "pseudo": "HS-029", "hosts": "HS-030"}


def check_headers(conn: Connection, scope: Scope) -> None:
    """"headers (Iterable[[byte string, byte string]]) -- ... header names should be lowercased"."""
    if "headers" not in scope:
        conn.report("HS-020", "http scope has no 'headers'")
        return
    for problem in scope_header_problems(scope["headers"]):
        conn.report(_HEADER_RULES[problem.kind], problem.detail)


def check_addresses_and_state(conn: Connection, scope: Scope) -> None:
    """client, server, extensions and state field types."""
    check_connection_fields(conn, scope, ("HS-025", "HS-026", "HS-027", "HS-028"))


_SCHEMES = ("http", "https")
_FIELD_CHECKS = (check_http_version, check_method, check_scheme, check_path, check_query_string)


def check_scope(conn: Connection, scope: Scope) -> None:
    """Every http.scope rule but the preview ones, in one check.

    The ordinary scope (what servers send) is proven clean in one quick pass; anything unusual takes the detailed
    checks above, which alone decide what to report. The quick pass can only say "nothing to see", never report.
    """
    if not ordinary_fields(scope, conn.data):
        for check in _FIELD_CHECKS:
            check(conn, scope)
        check_headers(conn, scope)
    check_addresses_and_state(conn, scope)


def ordinary_fields(scope: Scope, data: HttpData) -> bool:
    """The fields servers send, plainly typed and valid, and a list of (bytes, bytes) header pairs with lower-case,
    non-pseudo names and at most one host (one function: it runs for every request). ``http_version`` and
    ``scheme`` are taken from ``data``, which read them from this scope a moment ago (a dict lookup fewer each)."""
    try:  # subscripts, not get(): a missing required field is not ordinary, and a subscript costs less
        method, path = scope["method"], scope["path"]
        query, headers = scope["query_string"], scope["headers"]
    except KeyError:
        return False
    raw, root = scope.get("raw_path"), scope.get("root_path", "")
    if not (
        data.http_version in HTTP_VERSIONS  # equal to one of these strs: a str (tuple membership never raises)
        and type(method) is str and method.isupper()  # False for a method without letters: the full check decides
        and data.scheme in _SCHEMES
        and type(path) is str and path != "" and path[0] == "/"  # (cheaper than a slice or startswith)
        and (raw is None or (type(raw) is bytes and QUERY_MARK not in raw))
        and type(query) is bytes
        and type(root) is str
        and type(headers) is list
    ):
        return False
    hosts = 0
    try:  # a pair of another length fails the unpacking: no len() call per header
        for item in headers:
            if type(item) is not tuple and type(item) is not list:
                return False
            name, value = item
            # islower() is False for b"", so name[0] exists when it is read
            if type(name) is not bytes or type(value) is not bytes or not name.islower() or name[0] == PSEUDO_MARK:
                return False
            if name == b"host":
                hosts += 1
    except ValueError:
        return False
    return hosts <= 1
