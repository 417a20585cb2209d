"""The three kinds of check a protocol plugin hands to the core, and the types they work on.

Checks are plain functions. The core asks the plugins for them once per scope type, keeps those whose rules are
enabled, and calls them directly on every message: a check is the unit of work on the hot path.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

if TYPE_CHECKING:
    from asgion_core.connection import Connection

__all__ = ["RETURNED_NONE", "Direction", "EndCheck", "EventCheck", "ExpressCheck", "ExpressScopeCheck", "Message",
           "Outcome", "Reporter", "Scope", "ScopeCheck"]

Scope = MutableMapping[str, Any]
Message = Any  # whatever the app or server passed; checks must not assume a dict unless routed by type
Direction = Literal["send", "receive"]


class Reporter(Protocol):
    """Whatever findings go to: a :class:`Connection`, or a stand-in that only collects them.

    Checks that do nothing with the connection but report take this type, so the start cache's recorder, which
    collects a start message's findings once to replay them per connection, passes as itself and not as ``Any``.
    """

    def report(self, rule_id: str, message: str) -> None: ...


class Outcome(NamedTuple):
    """How the app call ended: a return value, or an exception (cancellation included).

    A NamedTuple: one is made for every connection, and tuples are the cheapest immutable records to build.
    """

    result: Any = None
    exception: BaseException | None = None

    @property
    def raised(self) -> bool:
        return self.exception is not None


#: The outcome of the commonest ending, a return of None: one shared tuple, not one per connection. The core tests
#: ``outcome is RETURNED_NONE`` to leave out the end checks declared ``on_none=False``; other end checks may test it
#: too before reading fields (a NamedTuple field read is slow on CPython 3.12).
RETURNED_NONE = Outcome()


@dataclass(frozen=True, slots=True)
class ScopeCheck:
    """Runs once when the app is called, before any message; ``func(conn, scope)``.

    ``rules`` are every rule id the check may report. ``keeps_state=True`` says the check also records facts other
    checks read, so it is compiled even when all its rules are off (reports of disabled rules are dropped).
    """

    func: Callable[[Connection, Scope], None]
    rules: tuple[str, ...]
    keeps_state: bool = False


@dataclass(frozen=True, slots=True)
class EventCheck:
    """Runs on messages of one direction; ``func(conn, message)``.

    ``types`` names the message types it wants. ``None`` means every well-formed message (a dict with a str type);
    ``unmatched=True`` means only types the scope's state machine does not know (how "unknown type" rules work).
    Send checks run before the message is forwarded; receive checks after ``receive()`` returned it. ``rules`` and
    ``keeps_state`` as for :class:`ScopeCheck`.
    """

    func: Callable[[Connection, Message], None]
    rules: tuple[str, ...]
    direction: Direction
    types: tuple[str, ...] | None = None
    unmatched: bool = False
    keeps_state: bool = False


@dataclass(frozen=True, slots=True)
class ExpressCheck:
    """A fast lane for the commonest, valid form of one message type: ``func(conn, message) -> bool``.

    Connections are dominated by a few ordinary messages (a start, body chunks, WebSocket frames). Running the full
    route for each costs a dispatch, a state-machine step, every check and the value walk; a lane does the same
    work for the ordinary case in one call. The contract, which keeps results identical to the normal route:

    - Return True only for a message the state machine accepts, whose fields are all valid and whose values are
      all plain (the core's value check, G-008 to G-017, is skipped on the lane). Before returning True, do
      exactly what the normal route would: the state machine's step (``conn.state``; ``conn.rejected`` only
      matters inside a route), the bookkeeping of the covered checks, and their findings, reported after setting
      ``conn.direction``.
    - Return False, having changed nothing, for anything else; the core then runs the normal route. Decide
      before changing anything: a lane that raises is isolated and the normal route runs.

    ``covers`` names the event-check functions the lane stands in for. The core opens the lane only when the route
    of ``message_type`` holds nothing else (besides the value check), so another plugin's check on the same type
    closes the lane instead of being skipped. Disconnect types never get a lane.
    """

    func: Callable[[Connection, Message], bool]
    direction: Direction
    message_type: str
    covers: tuple[Callable[[Connection, Message], None], ...]


@dataclass(frozen=True, slots=True)
class ExpressScopeCheck:
    """A fast lane for the commonest, valid form of a scope: ``func(conn, scope) -> bool``.

    A scope is checked once per connection, but by several plugins' checks, each a call of its own; on small
    requests those calls are a large part of the cost. The lane proves in one call that the ``covers`` checks, of
    any plugin, would report nothing: True means they are skipped, False (having changed nothing) means they run.
    Scope checks it does not cover run either way, so a plugin's new scope check is never skipped; a lane that
    raises is isolated like a check, and every check then runs.
    """

    func: Callable[[Connection, Scope], bool]
    covers: tuple[Callable[[Connection, Scope], None], ...]


@dataclass(frozen=True, slots=True)
class EndCheck:
    """Runs once when the app call ends; ``func(conn, outcome)``.

    End-of-connection rules judge only a normal return (an exception is G-021's business), so by default the core
    skips them when the app raised; ``on_exception=True`` runs the check in both cases. ``on_none=False`` skips the
    check when the app returned None (almost every connection), for checks that judge only an exception or a
    returned value: one call fewer per connection.
    """

    func: Callable[[Connection, Outcome], None]
    rules: tuple[str, ...]
    on_exception: bool = False
    on_none: bool = True
