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

__all__ = ["RETURNED_NONE", "Direction", "EndCheck", "EventCheck", "Message", "Outcome", "Reporter", "Scope",
           "ScopeCheck"]

Scope = MutableMapping[str, Any]
Message = Any  # whatever the app or server passed; checks must not assume a dict unless routed by type
Direction = Literal["send", "receive"]


class Reporter(Protocol):
    """Whatever findings go to: a :class:`Connection`, or a stand-in that only collects them.

    Checks that only report take this type, so the HTTP start-message memo can collect a message's findings once
    and replay them per connection.
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
    A check on the hot path keeps its common case cheap with an early exit inside itself; there is no second
    implementation of any rule. Send checks run before the message is forwarded; receive checks after ``receive()``
    returned it. ``rules`` and ``keeps_state`` as for :class:`ScopeCheck`.
    """

    func: Callable[[Connection, Message], None]
    rules: tuple[str, ...]
    direction: Direction
    types: tuple[str, ...] | None = None
    unmatched: bool = False
    keeps_state: bool = False


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
