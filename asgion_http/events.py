"""Field checks on single HTTP messages (specs/www.rst events, docs/extensions.rst). No state is read here."""

from __future__ import annotations

import os
from typing import Any

from asgion_core.checks import Message, Reporter
from asgion_core.connection import Connection
from asgion_core.headers import (
    UNUSUAL_VALUE,
    Headers,
    name_problem,
    parse_headers,
    show,
    value_control_or_padding,
    value_injection,
    value_non_ascii,
)
from asgion_core.shapes import advertised_extension, is_one_shot, iterable
from asgion_http.fsm import SEND_TYPES


def _not_bool(message: Message, field: str) -> bool:
    return field in message and not isinstance(message[field], bool)


# -- receive --------------------------------------------------------------------------------------------------------
def check_request(conn: Connection, message: Message) -> None:
    """"body (byte string) ... Optional"; "more_body (bool) ... Optional; if missing defaults to False"."""
    if "body" in message and not isinstance(message["body"], bytes):
        conn.report("HE-002", f"http.request body is {type(message['body']).__name__}, not bytes")
    if _not_bool(message, "more_body"):
        conn.report("HE-003", f"http.request more_body is {type(message['more_body']).__name__}, not bool")


def check_receive_type(conn: Connection, message: Message) -> None:
    conn.report("HE-004", f"the server delivered {message['type']!r} on an http scope")


# -- send -----------------------------------------------------------------------------------------------------------
def check_send_type(conn: Connection, message: Message) -> None:
    """Unknown types, except those of extensions the server advertises (B11)."""
    message_type = message["type"]
    if message_type in SEND_TYPES:
        return
    if advertised_extension(conn.scope, message_type, "http."):
        return
    conn.report("HE-014", f"the app sent unknown message type {message_type!r} on an http scope")


def check_start(conn: Reporter, message: Message, headers: Headers) -> None:
    """"status (int) -- HTTP status code"; "headers (Iterable[[byte string, byte string]])"; "trailers (bool)"."""
    if "status" not in message:
        conn.report("HE-005", "http.response.start has no 'status'")
    else:
        status = message["status"]
        if isinstance(status, bool) or not isinstance(status, int):
            conn.report("HE-006", f"status {status!r} is {type(status).__name__}, not int")
        elif 100 <= status <= 199:
            conn.report("HE-029", f"status {status} is informational, not a final response")
        elif status < 100 or status > 999:
            conn.report("HE-030", f"status {status} is not a three-digit code")
        elif status >= 600:
            conn.report("HE-007", f"status {status} is outside the registered range 200-599")
    if "headers" in message:
        if headers.malformed:
            conn.report("HE-008", "http.response.start headers are not a list of [bytes, bytes] pairs")
        _check_header_content(conn, headers.pairs, "http.response.start", lowercase_rule="HE-009")
    if _not_bool(message, "trailers"):
        conn.report("HE-011", f"trailers is {type(message['trailers']).__name__}, not bool")




def check_trailers(conn: Connection, message: Message) -> None:
    if "headers" in message:
        headers = parse_headers(message["headers"])
        if headers.malformed:
            conn.report("HE-015", "http.response.trailers headers are not a list of [bytes, bytes] pairs")
        _check_header_content(conn, headers.pairs, "http.response.trailers", lowercase_rule="HE-034")
    if _not_bool(message, "more_trailers"):
        conn.report("HE-035", f"more_trailers is {type(message['more_trailers']).__name__}, not bool")


def check_push(conn: Connection, message: Message) -> None:
    if "path" not in message:
        conn.report("HE-016", "http.response.push has no 'path'")
    elif not isinstance(message["path"], str):
        conn.report("HE-017", f"push path is {type(message['path']).__name__}, not str")
    if "headers" in message:
        headers = parse_headers(message["headers"])
        if headers.malformed:
            conn.report("HE-018", "http.response.push headers are not a list of [bytes, bytes] pairs")
        _check_header_content(conn, headers.pairs, "http.response.push", lowercase_rule="HE-034")


def check_zerocopysend(conn: Connection, message: Message) -> None:
    if "file" not in message:
        conn.report("HE-019", "http.response.zerocopysend has no 'file'")
    else:
        problem = _file_problem(message["file"])
        if problem:
            conn.report("HE-032", f"zerocopysend file {problem}")
    for field in ("offset", "count"):
        value = message.get(field)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            conn.report("HE-036", f"zerocopysend {field} {value!r} is not a non-negative int")
    if _not_bool(message, "more_body"):
        conn.report("HE-037", f"more_body is {type(message['more_body']).__name__}, not bool")


def _file_problem(file: Any) -> str | None:
    fileno = getattr(file, "fileno", None)
    if not callable(fileno):
        return "has no callable fileno()"
    try:
        number = fileno()
    except Exception as exc:
        return f"fileno() raised {type(exc).__name__}"
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        return f"fileno() returned {number!r}, not a file descriptor"
    return None


def check_pathsend(conn: Connection, message: Message) -> None:
    if "path" not in message:
        conn.report("HE-020", "http.response.pathsend has no 'path'")
        return
    path = message["path"]
    if not isinstance(path, str):
        conn.report("HE-021", f"pathsend path is {type(path).__name__}, not str")
    elif not os.path.isabs(path):
        conn.report("HE-033", f"pathsend path {path!r} is not absolute")
    elif not os.path.isfile(path):
        conn.report("HE-038", f"pathsend path {path!r} is not an existing file")


def check_early_hint(conn: Connection, message: Message) -> None:
    """docs/extensions.rst: "links (Iterable[byte string]) -- ... Link header field values"."""
    if "links" not in message:
        conn.report("HE-022", "http.response.early_hint has no 'links'")
        return
    links = message["links"]
    if isinstance(links, (str, bytes)) or not iterable(links):
        conn.report("HE-022", f"links is {type(links).__name__}, not an iterable of bytes")
    elif not is_one_shot(links) and not all(isinstance(link, bytes) for link in links):
        conn.report("HE-022", "links holds an item that is not bytes")


def check_debug(conn: Connection, message: Message) -> None:
    if "info" in message and not isinstance(message["info"], dict):
        conn.report("HE-023", f"debug info is {type(message['info']).__name__}, not dict")


def _check_header_content(
    conn: Reporter, pairs: list[tuple[bytes, bytes]], where: str, *, lowercase_rule: str
) -> None:
    """Names and values of well-formed pairs: case (A7), pseudo headers, tokens, injection, controls, obs-text."""
    for name, value in pairs:
        if name != name.lower():
            conn.report(lowercase_rule, f"{where} header name {show(name)} is not lower-case")
        if name.startswith(b":"):
            conn.report("HE-024", f"{where} carries pseudo header {show(name)}")
        else:
            problem = name_problem(name)
            if problem:
                conn.report("HE-025", f"{where} header name {show(name)} {problem}")
        if not UNUSUAL_VALUE.search(value):
            continue
        if value_injection(value):
            conn.report("HE-026", f"{where} header {show(name)} value contains CR, LF or NUL")
        if value_control_or_padding(value):
            conn.report("HE-027", f"{where} header {show(name)} value has control bytes or surrounding whitespace")
        if value_non_ascii(value):
            conn.report("HE-028", f"{where} header {show(name)} value contains non-ASCII bytes")
