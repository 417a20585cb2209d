"""The normal route of a message: find its checks, step the state machine, run the checks, each isolated.

One Router per scope type and Inspector, built when the scope type is compiled; connections share it, so
nothing of this is created per connection. The Inspector's wrappers call it for every message no express lane
took (see :class:`~asgion_core.checks.ExpressCheck`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from asgion_core.checks import Message
from asgion_core.connection import Connection, ConnectionKind
from asgion_core.dispatch import CompiledProtocol, Route
from asgion_core.fsm import key_of
from asgion_core.safe_text import describe_exception
from asgion_core.value_walk import PLAIN_TYPES, first_foreign

__all__ = ["SPEC_SCOPE_KEYS", "Router", "blame_foreign_value", "first_foreign_in_scope"]

#: How a check's exception is recorded: ``isolate(compiled, check, exc)``.
Isolate = Callable[[CompiledProtocol, Callable[..., Any], Exception], None]
_NOTHING: Route = (None, ())


class Router:
    __slots__ = ("compiled", "disconnects", "express_receive", "express_send", "isolate", "kind", "machine",
                 "new_data", "receive_other", "receive_table", "send_other", "send_table", "trace_failed",
                 "transitions")

    def __init__(self, compiled: CompiledProtocol, isolate: Isolate, kind: ConnectionKind,
                 trace_failed: Callable[[Exception], None]) -> None:
        self.compiled = compiled
        #: How the Inspector records a check, or a trace recorder, that raised.
        self.isolate, self.trace_failed = isolate, trace_failed
        #: What every connection of this scope type shares, and how its protocol data is made.
        self.kind = kind
        self.new_data = compiled.machine.new_data
        self.machine = compiled.machine
        self.transitions = compiled.machine.transitions
        self.disconnects = compiled.machine.disconnect_types
        self.send_table, self.send_other = compiled.send, compiled.send_other
        self.receive_table, self.receive_other = compiled.receive, compiled.receive_other
        #: The express lanes by message type (see :class:`~asgion_core.checks.ExpressCheck`).
        self.express_send, self.express_receive = compiled.express_send, compiled.express_receive

    def send(self, conn: Connection, message: Message) -> None:
        conn.direction = "send"
        message_type = message.get("type") if type(message) is dict else None
        if type(message_type) is str:
            key_spec, checks = self.send_table.get(message_type, self.send_other)
        else:
            key_spec, checks = _slow_route(conn, message, self.send_table, self.send_other)
        if key_spec is not None:
            # key_of and StateMachine.advance, inlined
            try:
                key = key_spec if type(key_spec) is str else (key_spec[1] if message.get(key_spec[0]) else key_spec[2])
            except Exception:  # a flag whose __bool__ raises counts as unset; the field rules report the value
                key = key_spec[2]
            state = conn.state
            nxt = self.transitions[state].get(key)
            if nxt is None:
                self._reject(conn, state, key, message)
            else:
                conn.state = nxt
                conn.rejected = False
        for check in checks:
            try:
                check(conn, message)
            except Exception as exc:
                self.check_failed(conn, message, check, exc)

    def receive(self, conn: Connection, message: Message) -> None:
        conn.direction = "receive"
        if type(message) is dict and type(message.get("type")) is str:
            message_type = message["type"]
            if message_type in self.disconnects:
                conn.disconnected = True
            key_spec, checks = self.receive_table.get(message_type, self.receive_other)
        else:
            key_spec, checks = _slow_route(conn, message, self.receive_table, self.receive_other)
            if checks and str.__str__(dict.get(message, "type")) in self.disconnects:
                conn.disconnected = True
        if key_spec is not None:
            try:
                self.machine.advance(conn, key_of(key_spec, message), message)
            except Exception as exc:  # a rejection's wording may read a hostile message
                self.check_failed(conn, message, self.machine.advance, exc)
        for check in checks:
            try:
                check(conn, message)
            except Exception as exc:
                self.check_failed(conn, message, check, exc)

    def check_failed(self, conn: Connection, message: Message, check: Callable[..., Any], exc: Exception) -> None:
        """A check raised: a foreign value is reported (see :func:`blame_foreign_value`), else the check is at
        fault and the Inspector records an internal error."""
        if not blame_foreign_value(conn, message, check, exc):
            self.isolate(self.compiled, check, exc)

    def lane_failed(self, conn: Connection, message: Message, lane: Callable[..., Any], exc: Exception) -> None:
        """An express lane raised; the message takes its normal route next, which judges a foreign value itself."""
        if first_foreign(message) is None and first_foreign_in_scope(conn.scope) is None:
            self.isolate(self.compiled, lane, exc)

    def _reject(self, conn: Connection, state: str, key: str, message: Message) -> None:
        """The state machine's rejection, isolated like a check (its wording may read a hostile message)."""
        try:
            self.machine.reject(conn, state, key, message)
        except Exception as exc:
            self.check_failed(conn, message, self.machine.reject, exc)


def blame_foreign_value(conn: Connection, message: Any, check: Callable[..., Any], exc: Exception) -> bool:
    """Whether the exception of a failed check is blamed on a value of no plain type (a subclass whose methods
    raise, say), and reported: G-010 for one in the message (pass None for a scope or end check), else G-027 for
    one in the scope (checks read scope facts too). False when every value is plain: then the check is at fault."""
    name = getattr(check, "__qualname__", "a check")
    foreign = first_foreign(message) if message is not None else None
    if foreign is not None:
        conn.report("G-010", f"{conn.direction}: message{foreign} could not be checked ({name} raised "
                             f"{describe_exception(exc, 200)})")
        return True
    in_scope = first_foreign_in_scope(conn.scope)
    if in_scope is not None:
        conn.report("G-027", f"scope{in_scope} could not be read ({name} raised {describe_exception(exc, 200)})")
        return True
    return False


#: The scope keys the ASGI spec defines and checks read. Anything else (Starlette's ``app``, ``router`` and
#: ``endpoint``) is the app's own business and holds any object; so do the values of ``state`` (its keys are read).
SPEC_SCOPE_KEYS = ("type", "asgi", "http_version", "method", "scheme", "path", "raw_path", "query_string",
                   "root_path", "headers", "client", "server", "subprotocols", "extensions")


def first_foreign_in_scope(scope: Any) -> str | None:
    """Like :func:`first_foreign` for a scope, looking only at its keys and at the values of spec keys."""
    if type(scope) is not dict:
        return first_foreign(scope)
    for key in dict.keys(scope):
        if type(key) not in PLAIN_TYPES:
            return f" key ({type(key).__name__})"
    for key in SPEC_SCOPE_KEYS:
        if dict.__contains__(scope, key):
            found = first_foreign(dict.__getitem__(scope, key), f"[{key!r}]")
            if found is not None:
                return found
    state = dict.get(scope, "state")
    if state is not None and type(state) is not dict:
        return f"['state'] ({type(state).__name__})"
    if state is not None:
        foreign_key = next((key for key in dict.keys(state) if type(key) not in PLAIN_TYPES), None)
        if foreign_key is not None:
            return f"['state'] key ({type(foreign_key).__name__})"
    return None


def _slow_route(conn: Connection, message: Any, table: Mapping[str, Route], other: Route) -> Route:
    """Dict subclasses and str subclasses route normally; otherwise G-005 to G-007, and no other check runs.

    A dict subclass whose own methods raise is read with dict's methods (what a server would see is the app's
    business; asgion only has to route it); one that still cannot be read is reported as G-005.
    """
    if isinstance(message, dict):
        try:
            message_type = dict.get(message, "type")
        except Exception as exc:  # a "type" key whose hash or == raises
            conn.report("G-005", f"{conn.direction}: message cannot be read as a dict ({describe_exception(exc)})")
            return _NOTHING
        if isinstance(message_type, str):
            return table.get(str.__str__(message_type), other)
    if not isinstance(message, dict):
        conn.report("G-005", f"{conn.direction}: message is {type(message).__name__}, not dict")
    elif not dict.__contains__(message, "type"):
        conn.report("G-006", f"{conn.direction}: message has no 'type' key")
    else:
        conn.report("G-007", f"{conn.direction}: message type is {type(dict.get(message, 'type')).__name__}, not str")
    return _NOTHING
