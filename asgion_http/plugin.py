"""The HTTP plugin's hook implementations: rules, state machine and checks for ``http`` scopes."""

from __future__ import annotations

from collections.abc import Sequence

from asgion_core.checks import EndCheck, EventCheck, ExpressCheck, ExpressScopeCheck, ScopeCheck
from asgion_core.config import AsgionConfig
from asgion_core.fsm import StateMachine
from asgion_core.general import check_asgi, check_extensions
from asgion_core.hookspecs import hookimpl
from asgion_core.rules import RuleRegistrar
from asgion_core.scenario import register_with_examples
from asgion_http import events, express, extension, response, scope
from asgion_http.catalogue import RULES
from asgion_http.fsm import (
    BODY,
    DEBUG,
    EARLY_HINT,
    MACHINE,
    PATHSEND,
    PUSH,
    REQUEST,
    START,
    TRAILERS,
    ZEROCOPY,
)

_START_RULES = (
    "HE-005", "HE-006", "HE-007", "HE-008", "HE-009", "HE-010", "HE-011", "HE-024", "HE-025", "HE-026", "HE-027",
    "HE-028", "HE-029", "HE-030", "HF-005", "EX-016", "EX-018", "SEM-001", "SEM-004", "SEM-006", "SEM-012",
    "SEM-013", "SEM-014", "SEM-015", "SEM-016", "SEM-017", "SEM-018", "SEM-019", "SEM-020", "SEM-021", "SEM-023",
    "SEM-024", "SEM-025",
)
_SCOPE_RULES = (
    "HS-002", "HS-003", "HS-004", "HS-005", "HS-006", "HS-007", "HS-009", "HS-010", "HS-034", "HS-011", "HS-012",
    "HS-013", "HS-015", "HS-019", "HS-032", "HS-016", "HS-017", "HS-020", "HS-021", "HS-022", "HS-023", "HS-024",
    "HS-029", "HS-030", "HS-025", "HS-026", "HS-027", "HS-028",
)
_RACE_TYPES = (TRAILERS, PUSH, ZEROCOPY, PATHSEND, EARLY_HINT, DEBUG)
#: What the end of a response body may break (response.body_complete), for every message that can end one.
_BODY_END_RULES = ("HF-011", "HF-012", "SEM-002", "SEM-003", "SEM-005", "SEM-007", "SEM-008", "SEM-009", "SEM-010",
                   "SEM-011")


@hookimpl
def asgion_register_rules(registry: RuleRegistrar) -> None:
    from asgion_http.cases import CASES  # the examples are only needed once rules are registered

    register_with_examples(registry, RULES, CASES)


@hookimpl(trylast=True)
def asgion_state_machine(scope_type: str, config: AsgionConfig) -> StateMachine | None:
    return MACHINE if scope_type == "http" else None


@hookimpl
def asgion_scope_checks(scope_type: str, config: AsgionConfig) -> Sequence[ScopeCheck | ExpressScopeCheck]:
    if scope_type != "http":
        return []
    return [
        ScopeCheck(scope.check_scope, _SCOPE_RULES),
        ScopeCheck(scope.check_path_consistency, ("HS-031", "HS-033")),
        # the ordinary scope in one call, for this plugin's field checks and the core's asgi and extension checks
        ExpressScopeCheck(express.ordinary_scope, covers=(scope.check_scope, check_asgi, check_extensions)),
    ]


@hookimpl
def asgion_event_checks(scope_type: str, config: AsgionConfig) -> Sequence[EventCheck | ExpressCheck]:
    """Order matters within a type: the race check sees the state before bookkeeping marks completion.

    Start and body messages have one fused check each (fields, race, bookkeeping): they are the hot path, and
    mid-stream body chunks have an express lane on top.
    """
    if scope_type != "http":
        return []
    return [
        # receive
        EventCheck(events.check_request, ("HE-002", "HE-003"), "receive", (REQUEST,)),
        EventCheck(response.on_request, ("HF-007", "HF-019", "HF-020"), "receive", (REQUEST,), keeps_state=True),
        EventCheck(events.check_receive_type, ("HE-004",), "receive", unmatched=True),
        # send: the race rule first, then fields, then bookkeeping and the rules that depend on it
        EventCheck(response.check_race, ("HF-005",), "send", _RACE_TYPES),
        EventCheck(response.check_race, ("HF-005",), "send", unmatched=True),
        EventCheck(events.check_send_type, ("HE-014",), "send", unmatched=True),
        EventCheck(extension.check_advertised, ("EX-009",), "send", extension.GATED),
        EventCheck(response.on_start, _START_RULES, "send", (START,), keeps_state=True),
        EventCheck(response.on_body, ("HE-012", "HE-013", "HF-005", "HF-018", *_BODY_END_RULES), "send", (BODY,),
                   keeps_state=True),
        # express lanes: the bulk of streamed bodies, covering the checks of their route
        ExpressCheck(express.body_chunk, "send", BODY, covers=(response.on_body,)),
        ExpressCheck(express.response_start, "send", START, covers=(response.on_start,)),
        ExpressCheck(express.request_chunk, "receive", REQUEST, covers=(events.check_request, response.on_request)),
        EventCheck(events.check_trailers, ("HE-015", "HE-034", "HE-035", "HE-024", "HE-025", "HE-026", "HE-027",
                                           "HE-028"), "send", (TRAILERS,)),
        EventCheck(response.on_trailers, ("SEM-007", "SEM-018", "SEM-022"), "send", (TRAILERS,), keeps_state=True),
        EventCheck(events.check_push, ("HE-016", "HE-017", "HE-018", "HE-024", "HE-025", "HE-026", "HE-027",
                                       "HE-028", "HE-034"), "send", (PUSH,)),
        EventCheck(events.check_zerocopysend, ("HE-019", "HE-032", "HE-036", "HE-037"), "send", (ZEROCOPY,)),
        EventCheck(response.on_zerocopysend, ("HF-018", *_BODY_END_RULES), "send", (ZEROCOPY,), keeps_state=True),
        EventCheck(events.check_pathsend, ("HE-020", "HE-021", "HE-033", "HE-038"), "send", (PATHSEND,)),
        EventCheck(response.on_pathsend, _BODY_END_RULES, "send", (PATHSEND,), keeps_state=True),
        EventCheck(events.check_early_hint, ("HE-022",), "send", (EARLY_HINT,)),
        EventCheck(events.check_debug, ("HE-023",), "send", (DEBUG,)),
        EventCheck(response.on_debug, ("EX-017",), "send", (DEBUG,), keeps_state=True),
    ]


@hookimpl
def asgion_connection_checks(scope_type: str, config: AsgionConfig) -> Sequence[EndCheck]:
    if scope_type != "http":
        return []
    return [EndCheck(response.check_end, ("HF-001", "HF-006", "HF-008", "HF-014", "HF-021"))]
