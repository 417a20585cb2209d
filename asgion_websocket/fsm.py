"""The WebSocket handshake and message order as a table (specs/www.rst, docs/extensions.rst denial response).

    OPEN --accept--> ACCEPTED --close--> CLOSED
    OPEN --close--> CLOSED                       (a rejection: HTTP 403, A12)
    OPEN --deny_start--> DENIAL --deny_final--> DENIED

The table holds the app's side; the ``ERRORS`` map follows the catalogue's precedence for each sent type. The
race rules (WF-005, WF-017) and the receive side (WF-001, WF-011, WF-012) are flags in ``WsData``.
"""

from __future__ import annotations

from typing import Any

from asgion_core.checks import Direction, Scope
from asgion_core.fsm import KeySpec, OrderingError, StateMachine

OPEN = "OPEN"
ACCEPTED = "ACCEPTED"
CLOSED = "CLOSED"
DENIAL = "DENIAL"
DENIED = "DENIED"

CONNECT = "websocket.connect"
RECEIVE = "websocket.receive"
DISCONNECT = "websocket.disconnect"
ACCEPT = "websocket.accept"
SEND = "websocket.send"
CLOSE = "websocket.close"
DENY_START = "websocket.http.response.start"
DENY_BODY = "websocket.http.response.body"
SEND_TYPES = frozenset({ACCEPT, SEND, CLOSE, DENY_START, DENY_BODY})
RECEIVE_TYPES = frozenset({CONNECT, RECEIVE, DISCONNECT})

KEYS: dict[tuple[Direction, str], KeySpec] = {
    ("send", ACCEPT): "accept",
    ("send", SEND): "send",
    ("send", CLOSE): "close",
    ("send", DENY_START): "deny_start",
    ("send", DENY_BODY): ("more_body", "deny_more", "deny_final"),
}

TRANSITIONS: dict[str, dict[str, str]] = {
    OPEN: {"accept": ACCEPTED, "close": CLOSED, "deny_start": DENIAL},
    ACCEPTED: {"send": ACCEPTED, "close": CLOSED},
    CLOSED: {},
    DENIAL: {"deny_more": DENIAL, "deny_final": DENIED},
    DENIED: {},
}

_DENY_BODY = ("deny_more", "deny_final")


def _errors() -> dict[tuple[str, str], OrderingError]:
    table: dict[tuple[str, str], tuple[str, str]] = {}

    def rule(states: tuple[str, ...], keys: tuple[str, ...], rule_id: str, text: str) -> None:
        for state in states:
            for key in keys:
                if key not in TRANSITIONS[state] and (state, key) not in table:
                    table[(state, key)] = (rule_id, text)

    # precedence, first match wins (catalogue, ws.fsm)
    rule((DENIAL, DENIED), ("send",), "WF-010", "websocket.send after a denial response started")
    rule((CLOSED,), ("send",), "WF-004", "websocket.send after the app sent websocket.close")
    rule((OPEN,), ("send",), "WF-003", "websocket.send before websocket.accept")
    rule((CLOSED, DENIAL, DENIED), ("accept",), "WF-002", "websocket.accept after the connection was rejected")
    rule((ACCEPTED,), ("accept",), "WF-006", "websocket.accept sent twice")
    rule((CLOSED,), ("close", "deny_start", *_DENY_BODY), "WF-015", "message sent after the app's websocket.close")
    rule((DENIAL, DENIED), ("close", "deny_start"), "WF-016", "message sent after the denial response started")
    rule((DENIED,), _DENY_BODY, "WF-016", "denial body sent after the denial response was complete")
    rule((ACCEPTED,), ("deny_start",), "WF-008", "websocket.http.response.start after websocket.accept")
    rule((OPEN, ACCEPTED), _DENY_BODY, "WF-009", "websocket.http.response.body before websocket.http.response.start")
    return {key: OrderingError(rule_id, text) for key, (rule_id, text) in table.items()}


ERRORS = _errors()


class WsData:
    """Per-connection WebSocket facts the checks share."""

    __slots__ = ("accepted", "delivered", "extensions", "offered", "race_reported")

    def __init__(self, scope: Scope) -> None:
        offered = scope.get("subprotocols")
        self.offered: tuple[Any, ...] = tuple(offered) if isinstance(offered, (list, tuple)) else ()
        extensions = scope.get("extensions")
        self.extensions: dict[str, Any] = extensions if isinstance(extensions, dict) else {}
        self.accepted = False
        self.delivered = 0
        self.race_reported = False


MACHINE = StateMachine(
    scope_type="websocket",
    initial=OPEN,
    transitions=TRANSITIONS,
    errors=ERRORS,
    keys=KEYS,
    send_types=SEND_TYPES,
    receive_types=RECEIVE_TYPES,
    disconnect_types=frozenset({DISCONNECT}),
    final_states=frozenset({CLOSED, DENIED}),
    new_data=WsData,
)
