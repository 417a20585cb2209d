"""Compile the plugins' answers for one scope type into an immutable dispatch table.

This is the only place the check hooks are called. The result maps each message type to the tuple of check
functions to call, with the state-machine step first; checks whose rules are all disabled are left out, so a
disabled rule costs nothing per message. Checks declared ``keeps_state`` (facts other checks read) and checks with
no rules are always kept. Express lanes (:class:`~asgion_core.checks.ExpressCheck`) are opened here, only for
routes they fully cover.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from asgion_core.checks import EndCheck, EventCheck, ExpressCheck, ExpressScopeCheck, ScopeCheck
from asgion_core.config import AsgionConfig
from asgion_core.fsm import KeySpec, StateMachine
from asgion_core.general import check_values
from asgion_core.plugin_checks import valid_checks
from asgion_core.plugins import AsgionPluginManager
from asgion_core.report import InternalError
from asgion_core.rules import Rule

__all__ = ["CompiledProtocol", "compile_protocol"]

CheckFunc = Callable[..., None]
Funcs = tuple[CheckFunc, ...]
#: What the hot path needs for one message type: the state-machine key function (or None) and the checks.
Route = tuple[KeySpec | None, Funcs]
#: An open express lane: message type -> the lane function.
Lanes = Mapping[str, Callable[..., bool]]


@dataclass(frozen=True, slots=True)
class CompiledProtocol:
    """Everything the hot path of one scope type needs, resolved ahead of time."""

    scope_type: str
    machine: StateMachine
    scope_checks: tuple[CheckFunc, ...]
    #: The express scope lane (or None) and the scope checks it does not cover, which run even when it is taken.
    scope_lane: Callable[..., bool] | None
    scope_rest: tuple[CheckFunc, ...]
    send: Mapping[str, Route]
    send_other: Route
    receive: Mapping[str, Route]
    receive_other: Route
    express_send: Lanes
    express_receive: Lanes
    #: End checks after a normal return (the normal-only ones, then the always ones) and after an exception.
    end_on_return: tuple[CheckFunc, ...]
    end_on_exception: tuple[CheckFunc, ...]
    #: The end checks after the app returned None: end_on_return without those declared ``on_none=False``.
    end_on_none: tuple[CheckFunc, ...]
    enabled: frozenset[str]
    rules: Mapping[str, Rule]
    #: check function -> plugin name, to name the culprit when a check raises.
    owners: Mapping[CheckFunc, str]


def _wanted(rules: tuple[str, ...], enabled: frozenset[str]) -> bool:
    return not rules or any(r in enabled for r in rules)


def _lanes(expresses: list[ExpressCheck], direction: str, routes: Mapping[str, Route],
           disconnects: frozenset[str]) -> dict[str, Callable[..., bool]]:
    """The lanes whose route holds nothing they do not cover; the first plugin's lane wins a type."""
    opened: dict[str, Callable[..., bool]] = {}
    for lane in expresses:
        kind = lane.message_type
        if lane.direction != direction or kind in opened or kind in disconnects or kind not in routes:
            continue
        if all(func in lane.covers or func is check_values for func in routes[kind][1]):
            opened[kind] = lane.func
    return opened


AnyCheck = ScopeCheck | EventCheck | EndCheck


def _filter(pm: AsgionPluginManager, scope_type: str, config: AsgionConfig, checks: list[AnyCheck],
            owners: dict[CheckFunc, str], on_error: Callable[[InternalError], None] | None) -> list[AnyCheck]:
    """The checks after every ``asgion_filter_checks`` implementation had its turn; a failing one changes nothing."""
    current = list(checks)
    for plugin, func, argnames in pm.impls("asgion_filter_checks"):
        arguments = {"scope_type": scope_type, "config": config, "checks": tuple(current)}
        try:
            answer = func(**{name: arguments[name] for name in argnames})
            if answer is None:
                continue
            answer = list(answer)
            if not all(isinstance(c, (ScopeCheck, EventCheck, EndCheck)) for c in answer):
                raise TypeError("asgion_filter_checks must return ScopeCheck, EventCheck or EndCheck objects")
            added = {check.func: plugin for check in answer if check.func not in owners}  # hashable, or raises
        except Exception as exc:
            pm.record_internal_error(plugin, "asgion_filter_checks", exc, on_error)
            continue
        owners.update(added)
        current = answer
    return current


def _changed_scope(before: list[AnyCheck], after: list[AnyCheck]) -> bool:
    return [c for c in before if isinstance(c, ScopeCheck)] != [c for c in after if isinstance(c, ScopeCheck)]


def _changed_types(before: list[AnyCheck], after: list[AnyCheck]) -> set[str]:
    """Message types whose event checks differ (a check for every type counts for all: the empty string)."""
    def by_type(checks: list[AnyCheck]) -> dict[str, list[EventCheck]]:
        found: dict[str, list[EventCheck]] = {}
        for check in checks:
            if isinstance(check, EventCheck):
                for kind in check.types or ("",):
                    found.setdefault(kind, []).append(check)
        return found

    old, new = by_type(before), by_type(after)
    return {kind for kind in old.keys() | new.keys() if old.get(kind) != new.get(kind)}


def compile_protocol(
    pm: AsgionPluginManager,
    scope_type: str,
    config: AsgionConfig,
    enabled: frozenset[str],
    on_error: Callable[[InternalError], None] | None = None,
    *,
    express: bool = True,
) -> CompiledProtocol | None:
    """Ask the plugins once; return ``None`` when no plugin implements ``scope_type``.

    ``on_error`` receives the failures of the plugins' hook implementations (see ``AsgionPluginManager.collect``).

    ``express=False`` compiles without lanes (tests compare both forms: the results must be the same).
    """
    machine: StateMachine | None = None
    for plugin, value in pm.collect("asgion_state_machine", on_error, scope_type=scope_type, config=config):
        if isinstance(value, StateMachine):
            machine = value
            break
        pm.plugin_problem(plugin, f"asgion_state_machine returned {type(value).__name__}, not a StateMachine")
    if machine is None:
        return None
    found: StateMachine = machine
    owners: dict[CheckFunc, str] = {}

    def gather(hook: str, *kinds: type[Any]) -> list[Any]:
        kept = []
        for plugin, answer in pm.collect(hook, on_error, scope_type=scope_type, config=config):
            checks, problems = valid_checks(hook, answer, kinds, found)
            for problem in problems:
                pm.plugin_problem(plugin, problem)
            for check in checks:
                express_kind = isinstance(check, (ExpressCheck, ExpressScopeCheck))
                kept_anyway = express_kind or getattr(check, "keeps_state", False)
                if isinstance(check, kinds) and (kept_anyway or _wanted(check.rules, enabled)):
                    kept.append(check)
                    owners.setdefault(check.func, plugin)
        return kept

    scope_answers = gather("asgion_scope_checks", ScopeCheck, ExpressScopeCheck)
    answers = gather("asgion_event_checks", EventCheck, ExpressCheck)
    ends: list[EndCheck] = gather("asgion_connection_checks", EndCheck)
    plain = [c for c in scope_answers if isinstance(c, ScopeCheck)] + [
        c for c in answers if isinstance(c, EventCheck)] + ends
    filtered = _filter(pm, scope_type, config, plain, owners, on_error)
    scope_checks = tuple(c.func for c in filtered if isinstance(c, ScopeCheck))
    events: list[EventCheck] = [c for c in filtered if isinstance(c, EventCheck)]
    ends = [c for c in filtered if isinstance(c, EndCheck)]
    scope_express = express
    if filtered != plain:
        scope_express = express and not _changed_scope(plain, filtered)
        changed = _changed_types(plain, filtered)
        answers = [c for c in answers
                   if not (isinstance(c, ExpressCheck) and (c.message_type in changed or "" in changed))]
    scope_lanes = [c for c in scope_answers if isinstance(c, ExpressScopeCheck) and scope_express]
    scope_lane = scope_lanes[0] if scope_lanes else None
    expresses: list[ExpressCheck] = [c for c in answers if isinstance(c, ExpressCheck) and express]

    def table(direction: str, declared: frozenset[str]) -> tuple[dict[str, Route], Route]:
        mine = [c for c in events if c.direction == direction]
        types = set(declared)
        for check in mine:
            types.update(check.types or ())
        result: dict[str, Route] = {}
        for message_type in sorted(types):
            funcs: list[CheckFunc] = []
            key_func = found.keys.get((direction, message_type))  # type: ignore[arg-type]
            unknown = message_type not in declared
            for check in mine:
                if check.unmatched:
                    if unknown:
                        funcs.append(check.func)
                elif check.types is None or message_type in check.types:
                    funcs.append(check.func)
            result[message_type] = (key_func, tuple(funcs))
        other = tuple(c.func for c in mine if c.types is None or c.unmatched)
        return result, (None, other)

    send, send_other = table("send", found.send_types)
    receive, receive_other = table("receive", found.receive_types)
    registry = pm.rule_registry()
    end_always = tuple(c.func for c in ends if c.on_exception)
    on_return = [c for c in ends if not c.on_exception] + [c for c in ends if c.on_exception]
    return CompiledProtocol(
        scope_type=scope_type,
        machine=machine,
        scope_checks=scope_checks,
        scope_lane=scope_lane.func if scope_lane is not None else None,
        scope_rest=tuple(c for c in scope_checks if scope_lane is None or c not in scope_lane.covers),
        send=send,
        send_other=send_other,
        receive=receive,
        receive_other=receive_other,
        express_send=_lanes(expresses, "send", send, found.disconnect_types),
        express_receive=_lanes(expresses, "receive", receive, found.disconnect_types),
        end_on_return=tuple(c.func for c in on_return),
        end_on_exception=end_always,
        end_on_none=tuple(c.func for c in on_return if c.on_none),
        enabled=enabled,
        rules={rule.id: rule for rule in registry},
        owners=owners,
    )
