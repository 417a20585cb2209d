"""The lifespan protocol as a table (specs/lifespan.rst).

    IDLE --startup--> STARTING --startup.complete--> STARTED --shutdown--> STOPPING_OK --shutdown.complete--> ...
                               --startup.failed--> START_FAILED --shutdown--> STOPPING_FAILED --> ...

States after startup remember its outcome (``_OK`` / ``_FAILED``), so "complete after failed" (LF-004) and
"complete twice" (LF-003) stay table lookups. Both directions are ordered by the same table: the server's events
(``startup``, ``shutdown``) and the app's replies.
"""

from __future__ import annotations

from typing import Any

from asgion_core.checks import Direction, Scope
from asgion_core.fsm import KeySpec, OrderingError, StateMachine

IDLE = "IDLE"
STARTING = "STARTING"
STARTED = "STARTED"
START_FAILED = "START_FAILED"
OUTCOMES = ("OK", "FAILED")

STARTUP = "lifespan.startup"
SHUTDOWN = "lifespan.shutdown"
STARTUP_COMPLETE = "lifespan.startup.complete"
STARTUP_FAILED = "lifespan.startup.failed"
SHUTDOWN_COMPLETE = "lifespan.shutdown.complete"
SHUTDOWN_FAILED = "lifespan.shutdown.failed"
SEND_TYPES = frozenset({STARTUP_COMPLETE, STARTUP_FAILED, SHUTDOWN_COMPLETE, SHUTDOWN_FAILED})
RECEIVE_TYPES = frozenset({STARTUP, SHUTDOWN})


def stopping(outcome: str) -> str:
    return f"STOPPING_{outcome}"


def stopped(outcome: str) -> str:
    return f"STOPPED_{outcome}"


def stop_failed(outcome: str) -> str:
    return f"STOP_FAILED_{outcome}"


STOPPING = frozenset(stopping(o) for o in OUTCOMES)
AFTER_SHUTDOWN = STOPPING | {stopped(o) for o in OUTCOMES} | {stop_failed(o) for o in OUTCOMES}

KEYS: dict[tuple[Direction, str], KeySpec] = {
    ("receive", STARTUP): "startup",
    ("receive", SHUTDOWN): "shutdown",
    ("send", STARTUP_COMPLETE): "startup.complete",
    ("send", STARTUP_FAILED): "startup.failed",
    ("send", SHUTDOWN_COMPLETE): "shutdown.complete",
    ("send", SHUTDOWN_FAILED): "shutdown.failed",
}

TRANSITIONS: dict[str, dict[str, str]] = {
    IDLE: {"startup": STARTING},
    STARTING: {"startup.complete": STARTED, "startup.failed": START_FAILED},
    STARTED: {"shutdown": stopping("OK")},
    START_FAILED: {"shutdown": stopping("FAILED")},
}
for _outcome in OUTCOMES:
    TRANSITIONS[stopping(_outcome)] = {"shutdown.complete": stopped(_outcome), "shutdown.failed": stop_failed(_outcome)}
    TRANSITIONS[stopped(_outcome)] = {}
    TRANSITIONS[stop_failed(_outcome)] = {}


def _errors() -> dict[tuple[str, str], OrderingError]:
    table: dict[tuple[str, str], OrderingError] = {}

    def rule(states: Any, key: str, rule_id: str, text: str) -> None:
        for state in states:
            if key not in TRANSITIONS[state] and (state, key) not in table:
                table[(state, key)] = OrderingError(rule_id, text)

    ok_states = {STARTED} | {s for s in AFTER_SHUTDOWN if s.endswith("_OK")}
    failed_states = {START_FAILED} | {s for s in AFTER_SHUTDOWN if s.endswith("_FAILED")}
    everything = list(TRANSITIONS)
    # server side
    rule(everything, "startup", "LF-001", "lifespan.startup delivered after another lifespan event")
    rule((IDLE, STARTING), "shutdown", "LF-005", "lifespan.shutdown delivered before startup finished")
    rule(AFTER_SHUTDOWN, "shutdown", "LF-016", "lifespan.shutdown delivered a second time")
    # app side: startup replies
    rule(ok_states, "startup.complete", "LF-003", "lifespan.startup.complete sent twice")
    rule(failed_states, "startup.complete", "LF-004", "lifespan.startup.complete sent after startup.failed")
    rule(ok_states, "startup.failed", "LF-004", "lifespan.startup.failed sent after startup.complete")
    for key in ("startup.complete", "startup.failed"):
        rule(everything, key, "LF-002", f"lifespan.{key} sent while startup was not in progress")
    # app side: shutdown replies
    for outcome in OUTCOMES:
        rule((stop_failed(outcome),), "shutdown.complete", "LF-007", "lifespan.shutdown.complete after shutdown.failed")
        rule((stopped(outcome),), "shutdown.failed", "LF-007", "lifespan.shutdown.failed after shutdown.complete")
    for key in ("shutdown.complete", "shutdown.failed"):
        rule(everything, key, "LF-006", f"lifespan.{key} sent while shutdown was not in progress")
    return table


ERRORS = _errors()


class LifespanData:
    """Per-connection lifespan facts: when startup was delivered (LF-014)."""

    __slots__ = ("startup_ns",)

    def __init__(self, scope: Scope) -> None:
        self.startup_ns = 0


MACHINE = StateMachine(
    scope_type="lifespan",
    initial=IDLE,
    transitions=TRANSITIONS,
    errors=ERRORS,
    keys=KEYS,
    send_types=SEND_TYPES,
    receive_types=RECEIVE_TYPES,
    final_states=frozenset(AFTER_SHUTDOWN - STOPPING) | {START_FAILED},
    new_data=LifespanData,
)
