"""One triggering scenario and one clean counterpart per lifespan rule (examples and tests).

The cross-scope rules run an http scope while a lifespan script is paused at a chosen point (see
``Scenario.lifespan``), as a server would when it serves requests next to the lifespan task.
"""

from __future__ import annotations

from typing import Any

from asgion_core.scenario import (
    LIFESPAN_STATE,
    LIFESPAN_STATE_COPY,
    Case,
    Scenario,
    Step,
    call,
    pause,
    receive,
    resume,
    send,
    sleep,
)

STARTUP = receive({"type": "lifespan.startup"})
SHUTDOWN = receive({"type": "lifespan.shutdown"})
COMPLETE = send({"type": "lifespan.startup.complete"})
FAILED = send({"type": "lifespan.startup.failed", "message": "no database"})
DOWN = send({"type": "lifespan.shutdown.complete"})
DOWN_FAILED = send({"type": "lifespan.shutdown.failed", "message": "flush failed"})
OK = (STARTUP, COMPLETE, SHUTDOWN, DOWN)
GOOD = Scenario(OK, scope_type="lifespan")
HTTP_OK = (
    receive({"type": "http.request", "body": b""}),
    send({"type": "http.response.start", "status": 204, "headers": []}),
    send({"type": "http.response.body", "body": b""}),
)


def lifespan(*steps: Step, **scope: Any) -> Scenario:
    return Scenario(tuple(steps), scope=scope, scope_type="lifespan")


def case(*steps: Step, **scope: Any) -> Case:
    return Case(lifespan(*steps, **scope), GOOD)


def request_during(*lifespan_steps: Step, **scope: Any) -> Scenario:
    """An http request made while the lifespan app is paused after ``lifespan_steps``."""
    return Scenario(HTTP_OK, scope=scope, lifespan=(*lifespan_steps, pause(), SHUTDOWN, DOWN))


def _store_db(scope: dict[str, Any]) -> None:
    scope["state"]["db"] = "connected"


STORE = call(_store_db, 'scope["state"]["db"] = "connected"')

CASES: dict[str, Case] = {
    # -- lifespan.scope -----------------------------------------------------------------------------------------
    "LS-004": case(*OK, state=[]),
    "LS-005": case(*OK, state={"db": "leftover"}),
    "LS-006": Case(request_during(STARTUP, STORE, COMPLETE, state=LIFESPAN_STATE),
                   request_during(STARTUP, STORE, COMPLETE, state=LIFESPAN_STATE_COPY)),
    # -- lifespan.events ----------------------------------------------------------------------------------------
    "LE-001": case(STARTUP, COMPLETE, receive({"type": "lifespan.restart"}), SHUTDOWN, DOWN),
    "LE-002": case(STARTUP, COMPLETE, send({"type": "lifespan.ready"}), SHUTDOWN, DOWN),
    "LE-003": Case(lifespan(STARTUP, send({"type": "lifespan.startup.failed", "message": 500})),
                   lifespan(STARTUP, FAILED)),
    "LE-004": case(STARTUP, COMPLETE, SHUTDOWN, send({"type": "lifespan.shutdown.failed", "message": None})),
    # -- lifespan.fsm -------------------------------------------------------------------------------------------
    "LF-001": case(STARTUP, COMPLETE, STARTUP, SHUTDOWN, DOWN),
    "LF-002": case(COMPLETE, STARTUP, COMPLETE, SHUTDOWN, DOWN),
    "LF-003": case(STARTUP, COMPLETE, COMPLETE, SHUTDOWN, DOWN),
    "LF-004": case(STARTUP, FAILED, COMPLETE),
    "LF-005": case(STARTUP, SHUTDOWN, COMPLETE, DOWN),
    "LF-006": case(STARTUP, COMPLETE, DOWN, SHUTDOWN, DOWN),
    "LF-007": case(STARTUP, COMPLETE, SHUTDOWN, DOWN_FAILED, DOWN),
    "LF-008": case(STARTUP, COMPLETE, SHUTDOWN),
    "LF-009": case(STARTUP),
    "LF-011": Case(request_during(STARTUP), request_during(STARTUP, COMPLETE)),
    "LF-012": Case(Scenario((HTTP_OK[0], resume(), *HTTP_OK[1:]), lifespan=(STARTUP, COMPLETE, pause(), SHUTDOWN,
                                                                            DOWN, pause())),
                   Scenario((*HTTP_OK, resume()), lifespan=(STARTUP, COMPLETE, pause(), SHUTDOWN, DOWN, pause()))),
    "LF-013": case(STARTUP, COMPLETE),
    "LF-014": Case(Scenario((STARTUP, sleep(0.05), COMPLETE, SHUTDOWN, DOWN), scope_type="lifespan",
                            config={"startup_threshold": 0.01}),
                   Scenario(OK, scope_type="lifespan", config={"startup_threshold": 5.0})),
    "LF-015": Case(request_during(STARTUP, FAILED), request_during(STARTUP, COMPLETE)),
    "LF-016": case(STARTUP, COMPLETE, SHUTDOWN, DOWN, SHUTDOWN),
}
