"""Field checks on single WebSocket messages (specs/www.rst events; RFC 6455 for close codes and text)."""

from __future__ import annotations

from asgion_core.checks import Message
from asgion_core.connection import Connection
from asgion_core.headers import (
    UNUSUAL_VALUE,
    name_problem,
    parse_headers,
    show,
    value_control_or_padding,
    value_injection,
)
from asgion_core.shapes import advertised_extension
from asgion_websocket.fsm import SEND_TYPES, WsData

MAX_REASON_BYTES = 123


def text_is_utf8(text: str) -> bool:
    """WE-021: a str with a lone surrogate cannot become a UTF-8 text frame; ASCII is the cheap common case."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def payload_problems(conn: Connection, message: Message, rules: tuple[str, str, str], where: str) -> None:
    """Exactly one of bytes and text, each of its own type (A21: empty values count)."""
    data = message.get("bytes")
    text = message.get("text")
    if (data is None) == (text is None):
        conn.report(rules[0], f"{where} must carry exactly one of bytes and text")
    if data is not None and type(data) is not bytes and not isinstance(data, bytes):
        conn.report(rules[1], f"{where} bytes is {type(data).__name__}, not bytes")
    if text is not None:
        if not isinstance(text, str):
            conn.report(rules[2], f"{where} text is {type(text).__name__}, not str")
        elif where == "websocket.send" and not text_is_utf8(text):
            conn.report("WE-021", "websocket.send text is not valid UTF-8 (lone surrogate)")


# -- receive --------------------------------------------------------------------------------------------------------
def check_disconnect(conn: Connection, message: Message) -> None:
    if "code" not in message:
        conn.report("WE-026", "websocket.disconnect has no 'code'")
    else:
        code = message["code"]
        if not isinstance(code, int):
            conn.report("WE-004", f"disconnect code is {type(code).__name__}, not int")
        elif code < 1000 or code > 4999:
            conn.report("WE-033", f"disconnect code {code} is outside 1000-4999")
    reason = message.get("reason")
    if reason is not None and not isinstance(reason, str):
        conn.report("WE-005", f"disconnect reason is {type(reason).__name__}, not str")


def check_receive_type(conn: Connection, message: Message) -> None:
    conn.report("WE-018", f"the server delivered {message['type']!r} on a websocket scope")


# -- send -----------------------------------------------------------------------------------------------------------
def check_send_type(conn: Connection, message: Message) -> None:
    message_type = message["type"]
    if message_type in SEND_TYPES:
        return
    if advertised_extension(conn.scope, message_type, "websocket."):
        return
    conn.report("WE-017", f"the app sent {message_type!r} on a websocket scope")


def check_accept(conn: Connection, message: Message) -> None:
    subprotocol = message.get("subprotocol")
    if subprotocol is not None:
        data: WsData = conn.data
        if not isinstance(subprotocol, str):
            conn.report("WE-006", f"subprotocol is {type(subprotocol).__name__}, not str")
        elif subprotocol not in data.offered:
            offered = ", ".join(map(repr, data.offered)) or "none"
            conn.report("WE-025", f"subprotocol {subprotocol!r} was not offered by the client (offered: {offered})")
    if "headers" in message:
        headers = parse_headers(message["headers"])
        if headers.malformed:
            conn.report("WE-007", "websocket.accept headers are not a list of [bytes, bytes] pairs")
        if b"sec-websocket-protocol" in headers.by_name:
            conn.report("WE-022", "websocket.accept sets sec-websocket-protocol; use the subprotocol key")
        _header_content(conn, headers.pairs, "websocket.accept")
        if headers.pairs and conn.spec_version < (2, 1):
            conn.report("WE-027", "websocket.accept headers need spec_version 2.1 or later")


def check_close(conn: Connection, message: Message) -> None:
    if "code" in message:
        code = message["code"]
        if not isinstance(code, int):
            conn.report("WE-011", f"close code is {type(code).__name__}, not int")
        elif not _valid_close_code(code) and conn.data.accepted:
            # before accept, websocket.close is a denial: the server answers 403 and sends no Close frame, so
            # no code goes on the wire (1006 is what a browser then reports)
            conn.report("WE-019", f"close code {code} may not be sent (A13)")
    reason = message.get("reason")
    if reason is not None:
        if not isinstance(reason, str):
            conn.report("WE-012", f"close reason is {type(reason).__name__}, not str")
        elif not text_is_utf8(reason):
            conn.report("WE-021", "close reason is not valid UTF-8 (lone surrogate)")
        elif len(reason.encode("utf-8")) > MAX_REASON_BYTES:
            conn.report("WE-020", f"close reason is {len(reason.encode('utf-8'))} UTF-8 bytes, more than 123")
        if reason and conn.spec_version < (2, 3):
            conn.report("WE-027", "websocket.close reason needs spec_version 2.3 or later")


def _valid_close_code(code: int) -> bool:
    return 1000 <= code <= 1003 or 1007 <= code <= 1014 or 3000 <= code <= 4999


def check_denial_start(conn: Connection, message: Message) -> None:
    _advertised(conn, message)
    if "status" not in message:
        conn.report("WE-028", "websocket.http.response.start has no 'status'")
    else:
        status = message["status"]
        if not isinstance(status, int):
            conn.report("WE-013", f"denial status is {type(status).__name__}, not int")
        elif not isinstance(status, bool) and not 200 <= status <= 599:
            conn.report("WE-028", f"denial status {status} is not a final status from 200 to 599")
    if "headers" in message:
        headers = parse_headers(message["headers"])
        if headers.malformed:
            conn.report("WE-014", "denial headers are not a list of [bytes, bytes] pairs")
        _header_content(conn, headers.pairs, "websocket.http.response.start")


def check_denial_body(conn: Connection, message: Message) -> None:
    _advertised(conn, message)
    if "body" in message and not isinstance(message["body"], bytes):
        conn.report("WE-015", f"denial body is {type(message['body']).__name__}, not bytes")
    if "more_body" in message and not isinstance(message["more_body"], bool):
        conn.report("WE-016", f"more_body is {type(message['more_body']).__name__}, not bool")


def _advertised(conn: Connection, message: Message) -> None:
    data: WsData = conn.data
    if "websocket.http.response" not in data.extensions:
        conn.report("WE-029", f"{message['type']} sent but the server does not advertise websocket.http.response")


def _header_content(conn: Connection, pairs: list[tuple[bytes, bytes]], where: str) -> None:
    for name, value in pairs:
        if name != name.lower():
            conn.report("WE-024", f"{where} header name {show(name)} is not lower-case")
        if name.startswith(b":"):
            conn.report("WE-023", f"{where} carries pseudo header {show(name)}")
        else:
            problem = name_problem(name)
            if problem:
                conn.report("WE-030", f"{where} header name {show(name)} {problem}")
        if not UNUSUAL_VALUE.search(value):
            continue
        if value_injection(value):
            conn.report("WE-031", f"{where} header {show(name)} value contains CR, LF or NUL")
        if value_control_or_padding(value):
            conn.report("WE-032", f"{where} header {show(name)} value has control bytes or surrounding whitespace")
