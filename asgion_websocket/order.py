"""Stateful WebSocket checks: the receive side of the order, the race rules, and end of connection.

The send side's order is the table in ``fsm``; these functions run after it (``conn.rejected`` tells whether
the table accepted the message). ``websocket.send`` and ``websocket.receive`` are the hot path, so their field
checks are fused in here.
"""

from __future__ import annotations

from asgion_core.checks import Message, Outcome
from asgion_core.connection import Connection
from asgion_websocket.events import payload_problems
from asgion_websocket.fsm import ACCEPTED, DENIAL, OPEN, WsData

_SEND_RULES = ("WE-008", "WE-009", "WE-010")
_RECEIVE_RULES = ("WE-001", "WE-002", "WE-003")


def _race(conn: Connection, message: Message) -> None:
    """WF-005: after websocket.disconnect, a send that no ordering rule reported; once per connection (A8)."""
    data: WsData = conn.data
    if not conn.rejected and not data.race_reported:
        data.race_reported = True
        conn.report("WF-005", f"{message['type']} sent after websocket.disconnect was delivered")


def on_send(conn: Connection, message: Message) -> None:
    payload_problems(conn, message, _SEND_RULES, "websocket.send")
    if conn.disconnected:
        _race(conn, message)


def on_close_or_denial(conn: Connection, message: Message) -> None:
    if conn.disconnected:
        _race(conn, message)


def on_accept(conn: Connection, message: Message) -> None:
    data: WsData = conn.data
    if conn.rejected:
        return
    data.accepted = True
    if conn.disconnected:
        conn.report("WF-017", "websocket.accept sent after websocket.disconnect was delivered")


# -- receive side ---------------------------------------------------------------------------------------------------
def on_connect(conn: Connection, message: Message) -> None:
    data: WsData = conn.data
    if data.delivered:
        conn.report("WF-001", "websocket.connect delivered after other events")
    data.delivered += 1


def on_receive(conn: Connection, message: Message) -> None:
    payload_problems(conn, message, _RECEIVE_RULES, "websocket.receive")
    data: WsData = conn.data
    data.delivered += 1
    if conn.disconnected:
        conn.report("WF-011", "websocket.receive delivered after websocket.disconnect")
    elif not data.accepted:
        conn.report("WF-012", "websocket.receive delivered before the app accepted the connection")


def on_disconnect(conn: Connection, message: Message) -> None:
    data: WsData = conn.data
    data.delivered += 1


# -- end ------------------------------------------------------------------------------------------------------------
def check_end(conn: Connection, outcome: Outcome) -> None:
    """WF-013, WF-014, WF-018: judged after a normal return, and never once the client disconnected."""
    if conn.disconnected:
        return
    if conn.state == OPEN:
        conn.report("WF-013", "the app returned without accepting, closing or denying the connection")
    elif conn.state == ACCEPTED:
        conn.report("WF-014", "the app returned after accepting without sending websocket.close")
    elif conn.state == DENIAL:
        conn.report("WF-018", "the app returned before the denial response body was complete")
