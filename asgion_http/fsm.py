"""The HTTP response state machine as a table (specs/www.rst, docs/extensions.rst).

States fold in whether trailers were announced, so every ordering rule is a plain table lookup:

    INIT --start--> STARTED --body_more/zc_more--> STREAMING --body_final/zc_final/pathsend--> COMPLETE
    with trailers=True: STARTED_T / STREAMING_T --final body--> BODY_DONE_T --trailers_final--> COMPLETE_T

A key missing from a state's row is reported by the rule in ``ERRORS``; the request side (``http.request``,
``http.disconnect``) is ordered by flags in ``HttpData`` instead, because it is independent of the response.
"""

from __future__ import annotations

from typing import Any

from asgion_core.checks import Direction, Message, Scope
from asgion_core.connection import Connection
from asgion_core.fsm import KeySpec, OrderingError, StateMachine
from asgion_http.start_facts import NOT_STARTED, StartAnalysis

INIT = "INIT"
STARTED = "STARTED"
STREAMING = "STREAMING"
STARTED_T = "STARTED_T"
STREAMING_T = "STREAMING_T"
BODY_DONE_T = "BODY_DONE_T"
TRAILERS_MORE = "TRAILERS_MORE"
COMPLETE = "COMPLETE"
COMPLETE_T = "COMPLETE_T"

#: States in which the body is complete (a final body message was accepted).
BODY_COMPLETE = frozenset({BODY_DONE_T, TRAILERS_MORE, COMPLETE, COMPLETE_T})
RESPONSE_COMPLETE = frozenset({COMPLETE, COMPLETE_T})
BEFORE_BODY_COMPLETE = frozenset({STARTED, STREAMING, STARTED_T, STREAMING_T})

START = "http.response.start"
BODY = "http.response.body"
TRAILERS = "http.response.trailers"
PUSH = "http.response.push"
ZEROCOPY = "http.response.zerocopysend"
PATHSEND = "http.response.pathsend"
EARLY_HINT = "http.response.early_hint"
DEBUG = "http.response.debug"
SEND_TYPES = frozenset({START, BODY, TRAILERS, PUSH, ZEROCOPY, PATHSEND, EARLY_HINT, DEBUG})
REQUEST = "http.request"
DISCONNECT = "http.disconnect"


KEYS: dict[tuple[Direction, str], KeySpec] = {
    ("send", START): ("trailers", "start_t", "start"),
    ("send", BODY): ("more_body", "body_more", "body_final"),
    ("send", ZEROCOPY): ("more_body", "zc_more", "zc_final"),
    ("send", PATHSEND): "pathsend",
    ("send", TRAILERS): ("more_trailers", "trailers_more", "trailers_final"),
    ("send", PUSH): "push",
    ("send", EARLY_HINT): "early_hint",
    ("send", DEBUG): "debug",
}

_BODY_STEPS = {"body_more": STREAMING, "body_final": COMPLETE, "zc_more": STREAMING, "zc_final": COMPLETE}
_BODY_STEPS_T = {"body_more": STREAMING_T, "body_final": BODY_DONE_T, "zc_more": STREAMING_T, "zc_final": BODY_DONE_T}
_TRAILER_STEPS = {"trailers_more": TRAILERS_MORE, "trailers_final": COMPLETE_T}

TRANSITIONS: dict[str, dict[str, str]] = {
    INIT: {"start": STARTED, "start_t": STARTED_T, "early_hint": INIT, "debug": INIT},
    STARTED: {**_BODY_STEPS, "pathsend": COMPLETE, "push": STARTED},
    STREAMING: {**_BODY_STEPS, "push": STREAMING},
    STARTED_T: {**_BODY_STEPS_T, "pathsend": BODY_DONE_T, "push": STARTED_T},
    STREAMING_T: {**_BODY_STEPS_T, "push": STREAMING_T},
    BODY_DONE_T: dict(_TRAILER_STEPS),
    TRAILERS_MORE: dict(_TRAILER_STEPS),
    COMPLETE: {},
    COMPLETE_T: {},
}


def _first_status(conn: Connection, message: Message) -> str:
    return f"http.response.start sent again; the response already started with status {conn.data.start.status!r}"


def _errors() -> dict[tuple[str, str], OrderingError]:
    """Which rule reports each disallowed (state, key); at most one ordering rule per message."""
    errors: dict[tuple[str, str], OrderingError] = {}
    body_keys = ("body_more", "body_final")
    ext_body_keys = ("zc_more", "zc_final", "pathsend", "push")
    trailer_keys = ("trailers_more", "trailers_final")
    for state in TRANSITIONS:
        def add(keys: tuple[str, ...], rule: str, text: Any, state: str = state) -> None:
            for key in keys:
                if key not in TRANSITIONS[state]:
                    errors[(state, key)] = OrderingError(rule, text)
        if state == INIT:
            add(body_keys, "HF-002", "http.response.body sent before http.response.start")
            add(ext_body_keys + trailer_keys, "HF-016", "extension message sent before http.response.start")
            continue
        add(("start", "start_t"), "HF-003", _first_status)
        add(("early_hint",), "EX-010", "http.response.early_hint sent after http.response.start")
        add(("debug",), "EX-011", "http.response.debug sent after http.response.start")
        if state in BODY_COMPLETE:
            add(body_keys, "HF-004", "http.response.body sent after the body was complete")
            add(ext_body_keys, "HF-017", "message sent after the response body was complete")
        else:
            add(("pathsend",), "HF-015", "http.response.pathsend sent after other body messages")
        if state in (STARTED, STREAMING, COMPLETE):
            add(trailer_keys, "HF-009", "http.response.trailers sent but the start message did not announce trailers")
        elif state in (STARTED_T, STREAMING_T):
            add(trailer_keys, "HF-013", "http.response.trailers sent before the final body message")
        elif state == COMPLETE_T:
            add(trailer_keys, "HF-017", "http.response.trailers sent after the final trailers")
    return errors


ERRORS = _errors()


#: Shared by every connection whose scope has no extensions; only ever read.
_NO_EXTENSIONS: dict[str, Any] = {}


class HttpData:
    """Per-connection HTTP facts the checks share. Counters only: memory does not grow with the messages.

    Slots, every one set in ``__init__``: an attribute that lives sometimes on the instance and sometimes on the
    class defeats CPython's attribute caches, and these are read on every message.
    """

    __slots__ = (
        "_reported", "body_bytes", "body_messages", "complete", "counting", "debug_count", "ended_with",
        "http_version", "last_more_body", "method", "raw_extensions", "receive_at_final", "request_complete",
        "scheme", "start", "start_ns", "trailers_expected", "trailers_sent", "watch_content", "zc_bytes",
        "zc_messages",
    )

    def __init__(self, scope: Scope) -> None:
        method = scope.get("method")
        self.method: str = method.upper() if isinstance(method, str) else ""
        self.http_version: Any = scope.get("http_version")
        self.scheme: Any = scope.get("scheme", "http")
        #: The scope's extensions as found (typed when read, by :attr:`extensions`: only extension messages need it).
        self.raw_extensions: object = scope.get("extensions")
        #: The analysis of the accepted start message (status, content type, declared length, ...), shared with
        #: every response that sent an equal one; NOT_STARTED until then.
        self.start: StartAnalysis = NOT_STARTED
        self.trailers_expected = False
        #: Bytes announced by zerocopysend ``count``s; the counted body is ``body_bytes + zc_bytes``.
        self.zc_bytes = 0
        self.counting = True
        self.body_bytes = 0
        self.body_messages = 0
        self.zc_messages = 0
        self.ended_with = ""
        self.start_ns = 0
        self.complete = False
        self.trailers_sent = False
        self.debug_count = 0
        self.request_complete = False
        self.last_more_body: bool | None = None
        self.receive_at_final: int | None = None
        #: Whether sent content may break HF-012 or SEM-002 (decided once, at the start message).
        self.watch_content = False
        self._reported: set[str] | None = None

    @property
    def extensions(self) -> dict[str, Any]:
        """The scope's extensions ({} when absent or not a dict)."""
        return self.raw_extensions if isinstance(self.raw_extensions, dict) else _NO_EXTENSIONS

    @property
    def counted(self) -> int:
        """The counted body bytes: http.response.body bytes plus the int ``count`` of zerocopysend messages."""
        return self.body_bytes + self.zc_bytes

    @property
    def reported(self) -> set[str]:
        """Rules reported once per response, by id."""
        if self._reported is None:
            self._reported = set()
        return self._reported


MACHINE = StateMachine(
    scope_type="http",
    initial=INIT,
    transitions=TRANSITIONS,
    errors=ERRORS,
    keys=KEYS,
    send_types=SEND_TYPES,
    receive_types=frozenset({REQUEST, DISCONNECT}),
    disconnect_types=frozenset({DISCONNECT}),
    final_states=RESPONSE_COMPLETE,
    new_data=HttpData,
    status_of=lambda data: data.start.status if isinstance(data, HttpData) else None,
    details_of=lambda data: _details(data) if isinstance(data, HttpData) else {},
)


def _details(data: HttpData) -> dict[str, Any]:
    return {"headers": list(data.start.headers.pairs), "body_bytes": data.counted,
            "messages": data.body_messages + data.zc_messages}


def bodiless(status: int | None) -> bool:
    """Statuses whose responses carry no content: 1xx, 204, 205 and 304."""
    return status is not None and (100 <= status <= 199 or status in (204, 205, 304))
