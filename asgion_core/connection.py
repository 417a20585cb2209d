"""Per-connection state: one small slots object per app call, O(1) in the number of messages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from time import perf_counter_ns
from typing import Any

from asgion_core.checks import Scope
from asgion_core.config import AsgionConfig
from asgion_core.location import endpoint_location, find_send_caller
from asgion_core.rules import Rule
from asgion_core.safe_text import MAX_MESSAGE_CHARS, clip
from asgion_core.violation import SourceLocation, Violation

__all__ = ["Connection", "ConnectionKind", "MAX_KEPT_PER_RULE", "is_cancellation", "parse_spec_version", "read_key"]

#: Occurrences of one rule kept per connection; later ones are only counted, so memory stays flat.
MAX_KEPT_PER_RULE = 50


def is_cancellation(exc: BaseException) -> bool:
    """asyncio's (and so anyio's) CancelledError, or trio's Cancelled."""
    if isinstance(exc, asyncio.CancelledError):
        return True
    kind = type(exc)
    return kind.__name__ == "Cancelled" and kind.__module__.startswith("trio")


def read_key(mapping: Scope, key: str) -> Any:
    """``mapping.get(key)`` with dict's own method for dicts, so a subclass's override (which may raise) is not used."""
    return dict.get(mapping, key) if isinstance(mapping, dict) else mapping.get(key)


def parse_spec_version(scope: Scope) -> tuple[int, int]:
    """``asgi["spec_version"]`` as (major, minor); absent or unparsable counts as 2.0."""
    asgi = read_key(scope, "asgi")
    raw = read_key(asgi, "spec_version") if isinstance(asgi, dict) else None
    if isinstance(raw, str):
        major, _, minor = str.__str__(raw).partition(".")
        if major.isdigit() and (minor.isdigit() or not minor):
            return int(major), int(minor or 0)
    return 2, 0


@dataclass(frozen=True, slots=True)
class ConnectionKind:
    """What the connections of one scope type in one Inspector share. Made once per scope type, so a new
    Connection stores one reference instead of eight values.

    :param sink: where :meth:`Connection.report` hands each violation (the Inspector's collector).
    :param shared: the Inspector's dict for cross-scope state (see :attr:`Connection.shared`).
    """

    scope_type: str
    config: AsgionConfig
    enabled: frozenset[str]
    rules: Mapping[str, Rule]
    initial_state: str = ""
    #: States in which the app has finished its side of the connection (from the state machine).
    final_states: frozenset[str] = frozenset()
    sink: Callable[[Connection, Violation], None] | None = None
    shared: dict[str, Any] = field(default_factory=dict)
    #: Where the handler a scope was routed to is, for frameworks that do not say so in the scope (the
    #: Inspector asks the ``asgion_route_handler`` plugins); None when nobody can tell.
    route_handler: Callable[[Any], SourceLocation | None] | None = None


class Connection:
    """What one connection's checks share: protocol state, counters, and the violations found so far.

    Checks report through :meth:`report`; everything else here is read or written by checks directly.
    ``data`` belongs to the protocol plugin (created by its state machine's ``new_data``).
    """

    __slots__ = (
        "_extras",
        "_method",
        "_path",
        "config",
        "counts",
        "data",
        "direction",
        "disconnected",
        "ended",
        "kind",
        "receive_calls",
        "rejected",
        "reported",
        "result",
        "scope",
        "server_exceptions",
        "shared",
        "started_ns",
        "state",
        "trace",
        "violations",
    )

    def __init__(self, scope: Scope, kind: ConnectionKind, data: Any = None) -> None:
        self.scope = scope
        #: What this connection shares with every other of its scope type in one Inspector.
        self.kind = kind
        # kept as found (a snapshot: apps may rewrite the scope) and typed only when a report reads them
        self._path: object = read_key(scope, "path")
        self._method: object = read_key(scope, "method")
        self.config = kind.config
        self.state = kind.initial_state
        self.rejected = False
        self.data = data
        self.direction = "scope"
        self.receive_calls = 0
        self.disconnected = False
        self.started_ns = perf_counter_ns()
        # Most connections find nothing and see no server exception: these start as shared empty tuples and
        # become containers on first use (report(), server_raised()), saving allocations on every connection.
        self.violations: list[Violation] | tuple[()] = ()
        self.counts: dict[str, int] | tuple[()] = ()
        self.reported = 0
        self.server_exceptions: tuple[BaseException, ...] = ()
        self._extras: dict[str, Any] | None = None
        #: One dict per Inspector, seen by all its connections: where cross-scope rules keep what they track
        #: (each plugin under its own key). ``shared["open"]`` holds the open connections as keys.
        self.shared: dict[str, Any] = kind.shared
        #: The connection's :class:`~asgion_core.trace.Tracer` when it is traced, else None.
        self.trace: Any = None
        #: Whether the app call has ended; findings after that come from a task the app left running.
        self.ended = False
        #: The :class:`~asgion_core.report.ScopeResult` filed for this connection (it shares ``violations``).
        self.result: Any = None

    @property
    def scope_type(self) -> str:
        return self.kind.scope_type

    @property
    def extras(self) -> dict[str, Any]:
        """Free slots for plugins that need a little per-connection state outside ``data`` (made on first use:
        most connections never need it)."""
        if self._extras is None:
            self._extras = {}
        return self._extras

    @property
    def excused(self) -> str | None:
        """Why an exception ending this app call is no error, if a protocol plugin said so (see :meth:`excuse`)."""
        return self._extras.get("excused") if self._extras is not None else None

    def excuse(self, reason: str | None) -> None:
        """Declare (or, with None, withdraw) that an exception ending the app call would be no error, and why:
        G-021 does not fire and the result records the exception as a note instead. The lifespan plugin uses it
        for apps that raise to say "lifespan unsupported" (specs/lifespan.rst)."""
        if reason is None:
            if self._extras is not None:
                self._extras.pop("excused", None)
        else:
            self.extras["excused"] = reason

    def from_server(self, exc: BaseException) -> bool:
        """Whether ``exc`` is an exception the server's send()/receive() raised, or one raised while handling it.

        Frameworks translate the server's disconnect signal (Starlette raises ClientDisconnect from the OSError
        of send(); anyio task groups wrap it in an ExceptionGroup); following ``__cause__``/``__context__`` and
        the members of exception groups still leads to the server's own exception object.
        """
        if not self.server_exceptions:
            return False
        seen: set[int] = set()
        pending: list[BaseException] = [exc]
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            if any(current is e for e in self.server_exceptions):
                return True
            if isinstance(current, BaseExceptionGroup):
                pending.extend(current.exceptions)
            pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        return False

    @property
    def path(self) -> str:
        """The scope's path when the connection began ("" when it was not a str)."""
        return str.__str__(self._path) if isinstance(self._path, str) else ""  # a str subclass's methods may raise

    @property
    def method(self) -> str:
        """The scope's method when the connection began ("" when it was not a str)."""
        return str.__str__(self._method) if isinstance(self._method, str) else ""

    @property
    def label(self) -> str:
        """How reports name the connection ("GET /items", "WS /chat", "lifespan")."""
        return _label(self.scope_type, self.method, self.path)

    @property
    def finished(self) -> bool:
        """The app has completed its side (response complete, socket closed) or the peer disconnected."""
        return self.disconnected or self.state in self.kind.final_states

    def is_enabled(self, rule_id: str) -> bool:
        return rule_id in self.kind.enabled

    @property
    def spec_version(self) -> tuple[int, int]:
        return parse_spec_version(self.scope)

    def _endpoint(self) -> SourceLocation | None:
        """The handler this connection was routed to: from the scope, else from the route-handler plugins."""
        found = endpoint_location(self.scope)
        resolve = self.kind.route_handler
        return found if found is not None or resolve is None else resolve(self.scope)

    def report(self, rule_id: str, message: str, location: SourceLocation | None = None, *,
               owner: str | None = None) -> None:
        """Record one occurrence of ``rule_id``; silently ignored when the rule is not enabled.

        ``location`` is where the problem is in the app's code, when the check knows better than the send that
        is being judged (G-021: the line that raised); ``owner`` then says whose code that is (default ``app``).
        Otherwise a finding on a send points at the user's frame that sent it, or, when a framework made the
        send (also when the user's code only forwarded the call to it, as a pure ASGI middleware does), at the
        route's endpoint with the framework frame kept as ``sent_from``.
        """
        kind = self.kind
        if rule_id not in kind.enabled:
            return
        rule = kind.rules[rule_id]
        if len(message) > MAX_MESSAGE_CHARS:  # a finding quoting a huge value keeps a bounded part of it
            message = clip(message, MAX_MESSAGE_CHARS)
        side = rule.side
        if side == "either":
            side = "app" if self.direction == "send" else "server"
        sent_from = None
        if side == "server":
            owner = "server"
        elif location is None:
            if self.direction == "send":
                origin = find_send_caller(kind.config.blame_rules)
                location, owner = origin.location, "app" if origin.user else "framework"
                if origin.forwarded is not None:  # the user's code only passed the call on to the framework's
                    owner, sent_from = "framework", origin.forwarded
                    location = self._endpoint() or origin.location
                elif not origin.user:
                    endpoint = self._endpoint()
                    if endpoint is not None:
                        location, sent_from = endpoint, origin.location
            else:  # the app ended or stayed silent: the handler it was routed to is the place to look
                location = self._endpoint()
        violation = Violation(
            rule_id=rule_id,
            severity=rule.severity,
            message=message,
            hint=rule.hint,
            scope_type=self.scope_type,
            path=self.path,
            method=self.method,
            side=side,
            layer=rule.layer,
            location=location,
            scope_label=self.label,
            owner=owner or "app",
            sent_from=sent_from,
        )
        counts = self.counts
        if not isinstance(counts, dict):
            counts = self.counts = {}
        count = counts.get(rule_id, 0) + 1
        counts[rule_id] = count
        self.reported += 1
        if count <= MAX_KEPT_PER_RULE:
            if isinstance(self.violations, list):
                self.violations.append(violation)
            else:
                self.violations = [violation]
        if self.trace is not None:
            with suppress(Exception):  # the finding is kept; only its mark in the trace could be lost
                self.trace.mark(rule_id, self.direction if self.direction in ("scope", "end") else "event")
        if kind.sink is not None:
            kind.sink(self, violation)

    @property
    def suppressed(self) -> dict[str, int]:
        if not isinstance(self.counts, dict):
            return {}
        return {rid: n - MAX_KEPT_PER_RULE for rid, n in self.counts.items() if n > MAX_KEPT_PER_RULE}

    def server_raised(self, exc: BaseException) -> None:
        """Remember an exception the server's send() or receive() raised (see :meth:`from_server`).

        A cancellation is not remembered: while the app awaits receive() it may come from the app's own timeout
        or task group (``asyncio.timeout``, ``anyio.fail_after``, a framework cancelling a pending receive) as
        well as from the server. The server cancelling the app shows as the app call ending in a cancellation,
        and is recorded as such; an exception the app raises after its own timeout fired stays the app's.
        """
        if not is_cancellation(exc):
            self.server_exceptions += (exc,)


def _label(scope_type: str, method: str, path: str) -> str:
    if scope_type == "http":
        return f"{method or '?'} {path or '?'}"
    if scope_type == "websocket":
        return f"WS {path or '?'}"
    return scope_type
