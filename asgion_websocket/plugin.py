"""The WebSocket plugin's hook implementations: rules, state machine and checks for ``websocket`` scopes."""

from __future__ import annotations

from collections.abc import Sequence

from asgion_core.checks import EndCheck, EventCheck, ExpressCheck, ScopeCheck
from asgion_core.config import AsgionConfig
from asgion_core.fsm import StateMachine
from asgion_core.hookspecs import hookimpl
from asgion_core.rules import RuleRegistrar
from asgion_core.scenario import register_with_examples
from asgion_websocket import events, express, order, scope
from asgion_websocket.catalogue import RULES
from asgion_websocket.fsm import (
    ACCEPT,
    CLOSE,
    CONNECT,
    DENY_BODY,
    DENY_START,
    DISCONNECT,
    MACHINE,
    RECEIVE,
    SEND,
)

_HEADER_RULES = ("WE-023", "WE-024", "WE-030", "WE-031", "WE-032")


@hookimpl
def asgion_register_rules(registry: RuleRegistrar) -> None:
    from asgion_websocket.cases import CASES  # the examples are only needed once rules are registered

    register_with_examples(registry, RULES, CASES)


@hookimpl(trylast=True)
def asgion_state_machine(scope_type: str, config: AsgionConfig) -> StateMachine | None:
    return MACHINE if scope_type == "websocket" else None


@hookimpl
def asgion_scope_checks(scope_type: str, config: AsgionConfig) -> Sequence[ScopeCheck]:
    if scope_type != "websocket":
        return []
    return [
        ScopeCheck(scope.check_fields, ("WS-003", "WS-005", "WS-006", "WS-007", "WS-008", "WS-010", "WS-012",
                                        "WS-014", "WS-026", "WS-028", "WS-030")),
        ScopeCheck(scope.check_headers, ("WS-015", "WS-016", "WS-017", "WS-018", "WS-019", "WS-027", "WS-029")),
        ScopeCheck(scope.check_subprotocols, ("WS-021",)),
        ScopeCheck(scope.check_addresses_and_state, ("WS-022", "WS-023", "WS-024", "WS-025")),
    ]


@hookimpl
def asgion_event_checks(scope_type: str, config: AsgionConfig) -> Sequence[EventCheck | ExpressCheck]:
    if scope_type != "websocket":
        return []
    return [
        # receive
        EventCheck(order.on_connect, ("WF-001",), "receive", (CONNECT,), keeps_state=True),
        EventCheck(order.on_receive, ("WE-001", "WE-002", "WE-003", "WE-021", "WF-011", "WF-012"), "receive",
                   (RECEIVE,), keeps_state=True),
        EventCheck(order.on_disconnect, (), "receive", (DISCONNECT,), keeps_state=True),
        EventCheck(events.check_disconnect, ("WE-004", "WE-005", "WE-026", "WE-033"), "receive", (DISCONNECT,)),
        EventCheck(events.check_receive_type, ("WE-018",), "receive", unmatched=True),
        # send
        EventCheck(order.on_send, ("WE-008", "WE-009", "WE-010", "WE-021", "WF-005"), "send", (SEND,)),
        EventCheck(events.check_send_type, ("WE-017",), "send", unmatched=True),
        EventCheck(events.check_accept, ("WE-006", "WE-007", "WE-022", "WE-025", "WE-027", *_HEADER_RULES), "send",
                   (ACCEPT,)),
        EventCheck(order.on_accept, ("WF-017",), "send", (ACCEPT,), keeps_state=True),
        EventCheck(events.check_close, ("WE-011", "WE-012", "WE-019", "WE-020", "WE-021", "WE-027"), "send",
                   (CLOSE,)),
        EventCheck(events.check_denial_start, ("WE-013", "WE-014", "WE-028", "WE-029", *_HEADER_RULES), "send",
                   (DENY_START,)),
        EventCheck(events.check_denial_body, ("WE-015", "WE-016", "WE-029"), "send", (DENY_BODY,)),
        EventCheck(order.on_close_or_denial, ("WF-005",), "send", (CLOSE, DENY_START, DENY_BODY)),
        # express lanes for frames, covering the checks of their route
        ExpressCheck(express.send_frame, "send", SEND, covers=(order.on_send,)),
        ExpressCheck(express.receive_frame, "receive", RECEIVE, covers=(order.on_receive,)),
    ]


@hookimpl
def asgion_connection_checks(scope_type: str, config: AsgionConfig) -> Sequence[EndCheck]:
    if scope_type != "websocket":
        return []
    return [EndCheck(order.check_end, ("WF-013", "WF-014", "WF-018"))]
