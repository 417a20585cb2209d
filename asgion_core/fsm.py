"""A protocol-agnostic, table-driven state machine engine.

A protocol describes its message order as data: ``transitions[state][key] -> next_state``, where a key function
folds the interesting flags of a message into a short key (``http.response.body`` with ``more_body`` true becomes
``"body_more"``). A key missing from the current state's row is an ordering error; ``errors[(state, key)]`` says
which rule reports it. A rejected message leaves the state unchanged, so one mistake does not cascade.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from asgion_core.checks import Direction, Message, Scope

if TYPE_CHECKING:
    from asgion_core.connection import Connection

__all__ = ["KeySpec", "OrderingError", "StateMachine", "key_of"]

#: How a message becomes a table key: a constant key, or ``(field, key_if_truthy, key_otherwise)`` for messages whose
#: order depends on one flag (``("more_body", "body_more", "body_final")``). Data, not code: the send wrapper
#: computes it inline, without a function call per message.
KeySpec = str | tuple[str, str, str]


def key_of(spec: KeySpec, message: Message) -> str:
    """The table key of ``message`` under ``spec`` (the send wrapper inlines this)."""
    if isinstance(spec, str):
        return spec
    field, if_true, if_false = spec
    try:
        return if_true if message.get(field) else if_false
    except Exception:  # a flag whose __bool__ raises counts as unset; the field rules report the value
        return if_false
#: How an ordering error is worded: a fixed text, or a function of the connection and the message.
Wording = str | Callable[["Connection", Message], str]


@dataclass(frozen=True, slots=True)
class OrderingError:
    rule_id: str
    wording: Wording

    def text(self, conn: Connection, message: Message) -> str:
        return self.wording if isinstance(self.wording, str) else self.wording(conn, message)


@dataclass(frozen=True, slots=True)
class StateMachine:
    """One protocol's message order, plus what the core needs to route its scope type.

    ``keys`` maps ``(direction, message_type)`` to the :data:`KeySpec` of the messages the table orders; other
    declared types (``send_types``, ``receive_types``) are known to the protocol but unordered. ``new_data`` builds
    the protocol's per-connection data object, kept on ``conn.data``.
    """

    scope_type: str
    initial: str
    transitions: Mapping[str, Mapping[str, str]]
    errors: Mapping[tuple[str, str], OrderingError]
    keys: Mapping[tuple[Direction, str], KeySpec]
    send_types: frozenset[str]
    receive_types: frozenset[str]
    disconnect_types: frozenset[str] = frozenset()
    #: States in which the app's side of the connection is finished (response complete, socket closed).
    final_states: frozenset[str] = frozenset()
    new_data: Callable[[Scope], Any] = field(default=lambda scope: None)
    #: The status a report shows for a connection, from its protocol data (an HTTP response's status code), or
    #: None. Called once per filed result, never per message.
    status_of: Callable[[Any], int | None] = field(default=lambda data: None)
    #: What ``asgion check -v`` shows of a connection, from its protocol data: ``headers`` (name, value) pairs
    #: of the response as bytes, ``body_bytes``, ``messages``. Called only when the Inspector keeps details.
    details_of: Callable[[Any], Mapping[str, Any]] = field(default=lambda data: {})

    def step(self, state: str, key: str) -> tuple[str | None, OrderingError | None]:
        """The next state, or ``None`` and the error that reports the disallowed key."""
        nxt = self.transitions[state].get(key)
        if nxt is not None:
            return nxt, None
        return None, self.errors.get((state, key))

    def describe(self) -> str:
        """The table as text: one line per state with its allowed keys, then the error map."""
        lines = [f"state machine for {self.scope_type!r} (initial state {self.initial})"]
        for state, row in self.transitions.items():
            allowed = ", ".join(f"{key} -> {nxt}" for key, nxt in row.items()) or "(final: nothing allowed)"
            lines.append(f"  {state}: {allowed}")
        lines.append("disallowed:")
        for (state, key), err in sorted(self.errors.items()):
            lines.append(f"  {state} + {key}: {err.rule_id}")
        return "\n".join(lines)

    def advance(self, conn: Connection, key: str, message: Message) -> None:
        """Move ``conn`` by ``key``, or reject the message (state unchanged, ``conn.rejected`` set, rule reported).

        The inspector's send wrapper inlines the accepting branch of this method for speed; keep them in step.
        """
        state = conn.state
        nxt = self.transitions[state].get(key)
        if nxt is None:
            self.reject(conn, state, key, message)
        else:
            conn.state = nxt
            conn.rejected = False

    def reject(self, conn: Connection, state: str, key: str, message: Message) -> None:
        conn.rejected = True
        err = self.errors.get((state, key))
        if err is not None:
            conn.report(err.rule_id, err.text(conn, message))
