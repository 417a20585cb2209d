"""The Lifespan plugin's hook implementations, including checks it adds to http and websocket scopes."""

from __future__ import annotations

from collections.abc import Sequence

from asgion_core.checks import EndCheck, EventCheck, ScopeCheck
from asgion_core.config import AsgionConfig
from asgion_core.fsm import StateMachine
from asgion_core.hookspecs import hookimpl
from asgion_core.rules import RuleRegistrar
from asgion_core.scenario import register_with_examples
from asgion_lifespan import checks
from asgion_lifespan.catalogue import RULES
from asgion_lifespan.fsm import (
    MACHINE,
    SHUTDOWN,
    SHUTDOWN_FAILED,
    STARTUP,
    STARTUP_COMPLETE,
    STARTUP_FAILED,
)


@hookimpl
def asgion_register_rules(registry: RuleRegistrar) -> None:
    from asgion_lifespan.cases import CASES  # the examples are only needed once rules are registered

    register_with_examples(registry, RULES, CASES)


@hookimpl(trylast=True)
def asgion_state_machine(scope_type: str, config: AsgionConfig) -> StateMachine | None:
    return MACHINE if scope_type == "lifespan" else None


@hookimpl
def asgion_scope_checks(scope_type: str, config: AsgionConfig) -> Sequence[ScopeCheck]:
    if scope_type == "lifespan":
        # it also records the scope for LS-006 and LF-011, and excuses an opt-out exception (G-021)
        return [ScopeCheck(checks.check_scope, ("LS-004", "LS-005"), keeps_state=True)]
    if scope_type in checks.REQUEST_SCOPES:
        return [ScopeCheck(checks.check_request_scope, ("LF-011", "LF-015", "LS-006"))]
    return []


@hookimpl
def asgion_event_checks(scope_type: str, config: AsgionConfig) -> Sequence[EventCheck]:
    if scope_type != "lifespan":
        return []
    return [
        EventCheck(checks.on_startup, (), "receive", (STARTUP,), keeps_state=True),
        EventCheck(checks.on_shutdown, ("LF-012",), "receive", (SHUTDOWN,)),
        EventCheck(checks.check_receive_type, ("LE-001",), "receive", unmatched=True),
        EventCheck(checks.check_send_type, ("LE-002",), "send", unmatched=True),
        EventCheck(checks.on_startup_reply, ("LF-014",), "send", (STARTUP_COMPLETE, STARTUP_FAILED),
                   keeps_state=True),
        EventCheck(checks.check_failed_message, ("LE-003", "LE-004"), "send", (STARTUP_FAILED, SHUTDOWN_FAILED)),
        EventCheck(checks.note_sent, (), "send", keeps_state=True),
    ]


@hookimpl
def asgion_connection_checks(scope_type: str, config: AsgionConfig) -> Sequence[EndCheck]:
    if scope_type != "lifespan":
        return []
    return [EndCheck(checks.check_end, ("LF-008", "LF-009", "LF-013")),
            EndCheck(checks.note_end, (), on_exception=True)]
