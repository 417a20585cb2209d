"""Lifespan checks: the scope, the events, timing and end of the lifespan app, and the cross-scope rules.

Cross-scope rules need what the Inspector saw on the most recent lifespan scope *of the same server*; that is kept
in the Inspector's shared space under ``"lifespan"``: a :class:`LifespanWatch` per event loop (the thread, where no
asyncio loop runs). One server runs its lifespan scope and its requests on one loop, so two servers sharing one
``inspect(app)`` (two uvicorn instances in threads, say) each have their requests judged against their own
lifespan scope.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from asgion_core.checks import Message, Outcome, Scope
from asgion_core.connection import Connection
from asgion_lifespan.fsm import (
    SEND_TYPES,
    START_FAILED,
    STARTED,
    STARTING,
    STOPPING,
    LifespanData,
)

#: States of a lifespan scope whose app sent lifespan.startup.failed.
FAILED_STARTUP = frozenset({START_FAILED, "STOPPING_FAILED", "STOPPED_FAILED", "STOP_FAILED_FAILED"})
REQUEST_SCOPES = ("http", "websocket")
#: Where the Inspector's shared space keeps its :class:`LifespanWatch` objects, by server.
WATCH = "lifespan"
#: Why an exception ending a lifespan app call may be no error (see note_sent).
UNSUPPORTED = "lifespan unsupported: the app raised on the lifespan scope before sending anything"
AFTER_FAILURE = "the app raised after reporting the lifespan failure itself"
#: Servers (event loops) remembered per Inspector; the oldest is forgotten first.
MAX_SERVERS = 64


@dataclass(slots=True)
class LifespanWatch:
    """The most recent lifespan scope of one server, as the cross-scope rules need it."""

    conn: Connection
    state: Any
    keys_at_startup: frozenset[Any] = field(default_factory=frozenset)
    #: Startup is over without complete/failed: the app sent something else, or its lifespan call ended. A
    #: server (uvicorn among them) then runs without lifespan, so requests are no longer "during startup".
    over: bool = False


def _server_key() -> object:
    """The running event loop (the thread's id where there is none, e.g. under trio)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return threading.get_ident()


def current_watch(conn: Connection) -> LifespanWatch | None:
    """The watch of the lifespan scope of the server this connection runs on, if it had one."""
    watches: dict[object, LifespanWatch] | None = conn.shared.get(WATCH)
    return watches.get(_server_key()) if watches else None


# -- the lifespan scope ---------------------------------------------------------------------------------------------
def check_scope(conn: Connection, scope: Scope) -> None:
    """specs/lifespan.rst: "state (dict) -- An empty namespace where the application can persist state"."""
    watches: dict[object, LifespanWatch] = conn.shared.setdefault(WATCH, {})
    key = _server_key()
    watches.pop(key, None)  # re-inserted last: the dict's order is the order servers were last seen
    watches[key] = LifespanWatch(conn=conn, state=scope.get("state"))
    while len(watches) > MAX_SERVERS:
        del watches[next(iter(watches))]
    conn.excuse(UNSUPPORTED)
    if "state" not in scope:
        return
    state = scope["state"]
    if not isinstance(state, dict):
        conn.report("LS-004", f"lifespan state is {type(state).__name__}, not dict")
    elif state:
        conn.report("LS-005", f"lifespan state already holds {sorted(map(str, state))} when the app is called")


def on_startup(conn: Connection, message: Message) -> None:
    if not conn.rejected:
        data: LifespanData = conn.data
        data.startup_ns = time.perf_counter_ns()


def on_startup_reply(conn: Connection, message: Message) -> None:
    if conn.rejected:
        return
    data: LifespanData = conn.data
    seconds = (time.perf_counter_ns() - data.startup_ns) / 1e9
    if seconds > conn.config.startup_threshold:
        conn.report("LF-014", f"startup took {seconds:.2f}s (threshold {conn.config.startup_threshold:g}s)")
    watch = current_watch(conn)
    if watch is not None and watch.conn is conn and conn.state == STARTED and isinstance(watch.state, dict):
        watch.keys_at_startup = frozenset(watch.state)


def note_sent(conn: Connection, message: Message) -> None:
    """What each message the app sends changes for the cross-scope rules and for G-021.

    Any message while startup is pending, other than complete/failed, ends startup (LF-011). An app that raises
    before sending anything says "lifespan unsupported", and one that raises after reporting a failure has said
    what went wrong: neither is an app error (A16, B4); one that raises after any other message is.
    """
    if conn.state == STARTING:  # (checks run after the state step: complete/failed have moved it on)
        _end_startup(conn)
    if message["type"].endswith(".failed"):
        conn.excuse(AFTER_FAILURE)
    elif conn.excused == UNSUPPORTED:
        conn.excuse(None)


def note_end(conn: Connection, outcome: Outcome) -> None:
    """The lifespan app's call ended (returned or raised): startup is over, whatever it sent (LF-011)."""
    _end_startup(conn)


def _end_startup(conn: Connection) -> None:
    watch = current_watch(conn)
    if watch is not None and watch.conn is conn:
        watch.over = True


def on_shutdown(conn: Connection, message: Message) -> None:
    """LF-012: a shutdown while other connections of this Inspector are still open (preview)."""
    if conn.rejected:
        return
    open_connections: dict[Connection, None] = conn.shared.get("open", {})
    busy = [c.label for c in list(open_connections)
            if c is not conn and c.scope_type in REQUEST_SCOPES and not c.finished]
    if busy:
        conn.report("LF-012", f"lifespan.shutdown delivered while {len(busy)} connection(s) are open: {busy[0]}")


def check_failed_message(conn: Connection, message: Message) -> None:
    if "message" in message and not isinstance(message["message"], str):
        rule = "LE-003" if message["type"] == "lifespan.startup.failed" else "LE-004"
        conn.report(rule, f"{message['type']} message is {type(message['message']).__name__}, not str")


def check_receive_type(conn: Connection, message: Message) -> None:
    conn.report("LE-001", f"the server delivered {message['type']!r} on a lifespan scope")


def check_send_type(conn: Connection, message: Message) -> None:
    if message["type"] not in SEND_TYPES:
        conn.report("LE-002", f"the app sent {message['type']!r} on a lifespan scope")


def check_end(conn: Connection, outcome: Outcome) -> None:
    """LF-008, LF-009, LF-013: judged only after a normal return (A16)."""
    if conn.state == STARTING:
        conn.report("LF-009", "the lifespan app returned without answering lifespan.startup")
    elif conn.state in STOPPING:
        conn.report("LF-008", "the lifespan app returned without answering lifespan.shutdown")
    elif conn.state == STARTED:
        conn.report("LF-013", "the lifespan app returned before lifespan.shutdown arrived")


# -- request scopes (cross-scope) -----------------------------------------------------------------------------------
def check_request_scope(conn: Connection, scope: Scope) -> None:
    """LF-011, LF-015 and LS-006 on http and websocket scopes, against the Inspector's latest lifespan scope."""
    watch = current_watch(conn)
    if watch is None:
        return
    lifespan_state = watch.conn.state
    if lifespan_state == STARTED:  # the common case first: requests served after startup
        state = scope.get("state")
        if state is watch.state:
            if isinstance(state, dict):  # the same dict; None (no state anywhere) is not a finding
                conn.report("LS-006", "the request's state is the lifespan state object itself, not a copy")
        # keys_at_startup is empty unless the lifespan state was a dict with keys: most apps skip the rest
        elif watch.keys_at_startup and isinstance(state, dict) and not watch.keys_at_startup <= state.keys():
            missing = sorted(str(key) for key in watch.keys_at_startup if key not in state)
            conn.report("LS-006", f"the request's state lacks lifespan state keys {missing}")
    elif lifespan_state == STARTING and not watch.over:
        conn.report("LF-011", "a request started while lifespan startup was still in progress")
    elif lifespan_state in FAILED_STARTUP:
        conn.report("LF-015", "a request started after lifespan.startup.failed")
