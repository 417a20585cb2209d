"""Express lanes for WebSocket frames (see :class:`asgion_core.checks.ExpressCheck`).

A lane accepts only ``{"type", "text": str}`` or ``{"type", "bytes": bytes}`` on an accepted, connected socket,
does the bookkeeping of the checks it covers, and leaves everything else to the normal route. A test runs every
rule scenario with and without lanes and requires the same findings.
"""

from __future__ import annotations

from asgion_core.checks import Message
from asgion_core.connection import Connection
from asgion_websocket.events import text_is_utf8
from asgion_websocket.fsm import ACCEPTED, WsData


def send_frame(conn: Connection, message: Message) -> bool:
    """websocket.send after accept (covers on_send); text that cannot be UTF-8 (WE-021) takes the normal route."""
    if len(message) != 2 or conn.state != ACCEPTED or conn.disconnected:
        return False
    text = message.get("text")
    if type(text) is str:
        return text.isascii() or text_is_utf8(text)  # the common case without a call
    return type(message.get("bytes")) is bytes


def receive_frame(conn: Connection, message: Message) -> bool:
    """websocket.receive on an accepted, connected socket (covers on_receive)."""
    data: WsData = conn.data
    if len(message) != 2 or conn.disconnected or not data.accepted:
        return False
    if type(message.get("text")) is not str and type(message.get("bytes")) is not bytes:
        return False
    data.delivered += 1
    return True
