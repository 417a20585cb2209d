"""Header helpers for protocol plugins: reading header lists once, and the RFC 9110 byte-level tests.

HTTP and WebSocket messages carry the same kind of header lists; their plugins report different rule ids for the
same facts, so the facts are computed here, once.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from asgion_core.shapes import is_one_shot, iterable

_NOT_TOKEN = re.compile(rb"[^!#$%&'*+\-.^_`|~0-9A-Za-z]")
_INJECTION = re.compile(rb"[\r\n\x00]")
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
#: Anything but visible ASCII and SP, or leading/trailing SP or HTAB: the quick test before the detailed ones.
UNUSUAL_VALUE = re.compile(rb"[^\x20-\x7e]|^[ \t]|[ \t]$")


def pair_shape_ok(item: Any) -> bool:
    return isinstance(item, (list, tuple)) and len(item) == 2


class Headers(NamedTuple):
    """A headers value read once: the well-formed pairs, whether anything was malformed (the HE-008 test), and
    the values by lower-cased name (``by_name``). One-shot iterators are never read (B2): no pairs, not malformed,
    ``unread``."""

    pairs: list[tuple[bytes, bytes]]
    malformed: bool
    by_name: dict[bytes, list[bytes]]
    unread: bool = False

    @property
    def known(self) -> bool:
        """Whether ``pairs`` are all the headers there are (read and well-formed): only then may a check say one
        is missing."""
        return not self.malformed and not self.unread


def parse_headers(headers: Any) -> Headers:
    if isinstance(headers, (str, bytes)) or not iterable(headers):
        return Headers([], True, {})
    if is_one_shot(headers):
        return Headers([], False, {}, unread=True)
    pairs: list[tuple[bytes, bytes]] = []
    index: dict[bytes, list[bytes]] = {}
    malformed = False
    for item in headers:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            name, value = item
            if isinstance(name, bytes) and isinstance(value, bytes):
                pairs.append((name, value))
                index.setdefault(name.lower(), []).append(value)
                continue
        malformed = True
    return Headers(pairs, malformed, index)


def show(value: bytes) -> str:
    """A header name or value for a message: quoted text, not a Python bytes literal."""
    return repr(value.decode("latin-1"))


def address_ok(value: object, *, port_may_be_none: bool) -> bool:
    """``client``/``server`` shape: a two-item list or tuple of a str host and an int port (or None for server)."""
    if not isinstance(value, (list, tuple)) or len(value) != 2 or not isinstance(value[0], str):
        return False
    port = value[1]
    if port is None:
        return port_may_be_none
    return isinstance(port, int) and not isinstance(port, bool)


def plain_address(value: object) -> bool:
    """The form servers send, ``(str, int)``, proven valid in one quick test (anything else: :func:`address_ok`)."""
    return type(value) is tuple and len(value) == 2 and type(value[0]) is str and type(value[1]) is int


class ScopeHeaderProblem(NamedTuple):
    """One finding about scope headers: ``kind`` is malformed, name_type, value_type, uppercase, pseudo or hosts."""

    kind: str
    detail: str


def scope_header_problems(headers: Any) -> list[ScopeHeaderProblem]:
    """Everything wrong with a scope's ``headers`` value, in order (B2: one-shot iterators are not read)."""
    if not iterable(headers) or isinstance(headers, (str, bytes)):
        return [ScopeHeaderProblem("malformed", f"headers is {type(headers).__name__}, not an iterable of pairs")]
    if is_one_shot(headers):
        return []
    problems: list[ScopeHeaderProblem] = []
    hosts = 0
    for item in headers:
        if not pair_shape_ok(item):
            problems.append(ScopeHeaderProblem("malformed", f"header item {item!r} is not a [name, value] pair"))
            continue
        name, value = item
        if not isinstance(name, bytes):
            problems.append(ScopeHeaderProblem("name_type", f"header name {name!r} is {type(name).__name__}"))
        else:
            if name != name.lower():
                problems.append(ScopeHeaderProblem("uppercase", f"header name {show(name)} is not lower-case"))
            if name.startswith(b":"):
                problems.append(ScopeHeaderProblem("pseudo", f"pseudo header {show(name)} in the scope headers"))
            if name.lower() == b"host":
                hosts += 1
        if not isinstance(value, bytes):
            problems.append(ScopeHeaderProblem("value_type", f"header value {value!r} is {type(value).__name__}"))
    if hosts > 1:
        problems.append(ScopeHeaderProblem("hosts", f"{hosts} host headers in the scope"))
    return problems


def name_problem(name: bytes) -> str | None:
    """HE-025 (not a token) for names that do not start with ":" (those are HE-024)."""
    if not name:
        return "is empty"
    bad = _NOT_TOKEN.search(name)
    if bad:
        return f"contains the byte {bad.group()!r}, which is not a token character"
    return None


def value_injection(value: bytes) -> bool:
    return _INJECTION.search(value) is not None


def value_control_or_padding(value: bytes) -> bool:
    if _CONTROL.search(value):
        return True
    return bool(value) and (value[:1] in (b" ", b"\t") or value[-1:] in (b" ", b"\t"))


def value_non_ascii(value: bytes) -> bool:
    return _NON_ASCII.search(value) is not None


def split_list(value: bytes) -> list[bytes]:
    """A comma-separated field value, elements trimmed of SP and HTAB."""
    return [part.strip(b" \t") for part in value.split(b",")]


def parameters(value: bytes) -> tuple[bytes, dict[bytes, bytes]]:
    """``type/subtype; a=b`` into the lower-cased first part and lower-cased parameter names."""
    head, *rest = value.split(b";")
    params = {}
    for item in rest:
        name, _, val = item.partition(b"=")
        params[name.strip(b" \t").lower()] = val.strip(b" \t")
    return head.strip(b" \t").lower(), params


def check_connection_fields(conn: Any, scope: Any, rules: tuple[str, str, str, str]) -> None:
    """client, server, extensions and state, as both www scope types define them; ``rules`` are the plugin's ids
    for (client, server, extensions, state)."""
    client_rule, server_rule, extensions_rule, state_rule = rules
    client = scope.get("client")
    if client is not None and not plain_address(client) and not address_ok(client, port_may_be_none=False):
        conn.report(client_rule, f"client {client!r} is not [host, port]")
    server = scope.get("server")
    if server is not None and not plain_address(server) and not address_ok(server, port_may_be_none=True):
        conn.report(server_rule, f"server {server!r} is not [host, port] or [path, None]")
    extensions = scope.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        conn.report(extensions_rule, f"extensions is {type(extensions).__name__}, not dict")
    if "state" in scope and not isinstance(scope["state"], dict):
        conn.report(state_rule, f"state is {type(scope['state']).__name__}, not dict")
