"""Every check declares exactly the rule ids it may report, read from the source of the plugin modules."""

from __future__ import annotations

from typing import Any

import pytest

from asgion_core.checks import EventCheck
from asgion_core.config import AsgionConfig
from asgion_core.dispatch import compile_protocol
from asgion_core.hookspecs import hookimpl
from asgion_core.plugins import create_plugin_manager
from tests.ownership import check_source, is_readable, reported_by

SCOPE_TYPES = ("http", "websocket", "lifespan")
HOOKS = ("asgion_scope_checks", "asgion_event_checks", "asgion_connection_checks")
#: Rules the core reports itself, outside any check: routing (G-001 to G-007), the send wrapper (G-020) and a
#: scope check that could not read the scope (G-027).
CORE_REPORTED = {"G-001", "G-002", "G-003", "G-004", "G-005", "G-006", "G-007", "G-020", "G-027"}


def every_check() -> list[tuple[str, str, Any]]:
    pm = create_plugin_manager(autoload=False, env={})
    found = []
    for scope_type in SCOPE_TYPES:
        for hook in HOOKS:
            for plugin, checks in pm.collect(hook, scope_type=scope_type, config=AsgionConfig()):
                # express lanes stand in for the checks they cover and declare no rules of their own
                found.extend((plugin, scope_type, check) for check in checks if hasattr(check, "rules"))
    return found


@pytest.mark.parametrize(("plugin", "scope_type", "check"), every_check(),
                         ids=lambda v: v if isinstance(v, str) else check_source(v.func)[1])
def test_a_check_declares_what_it_reports_and_nothing_else(plugin: str, scope_type: str, check: Any) -> None:
    module, name = check_source(check.func)
    assert is_readable(module, name), f"{module}.{name} is not a top-level def: its reports cannot be read"
    reported = reported_by(module, name)
    declared = set(check.rules)
    assert reported - declared == set(), f"{check.func.__qualname__} reports undeclared {sorted(reported - declared)}"
    assert declared - reported == set(), f"{check.func.__qualname__} never reports {sorted(declared - reported)}"


def test_every_hook_answered() -> None:
    """A hook that raised would leave its checks out of the parametrized test above without failing it."""
    errors: list[object] = []
    pm = create_plugin_manager(autoload=False, env={})
    for scope_type in SCOPE_TYPES:
        for hook in HOOKS:
            pm.collect(hook, errors.append, scope_type=scope_type, config=AsgionConfig())
    assert errors == []
    assert len(every_check()) > 50


def test_every_rule_that_can_fire_has_an_owner() -> None:
    pm = create_plugin_manager(autoload=False, env={})
    owned = set(CORE_REPORTED)
    for _, _, check in every_check():
        owned.update(check.rules)
    for scope_type in SCOPE_TYPES:
        for _, machine in pm.collect("asgion_state_machine", scope_type=scope_type, config=AsgionConfig()):
            owned.update(error.rule_id for error in machine.errors.values())
    firing = {rule.id for rule in pm.rule_registry() if rule.can_fire}
    assert firing - owned == set()


def test_the_analysis_sees_a_report_through_a_helper() -> None:
    """The reading follows calls: on_body reports HF-018 through _check_overflow, and a rule id it never names
    is not attributed to it."""
    reported = reported_by("asgion_http.response", "on_body")
    assert "HF-018" in reported
    assert "WE-001" not in reported


def test_checks_whose_rules_are_all_off_are_dropped_and_state_keepers_stay() -> None:
    pm = create_plugin_manager(autoload=False, env={})
    everything = frozenset(rule.id for rule in pm.rule_registry())
    full = compile_protocol(pm, "http", AsgionConfig(), everything)
    without_trailer_rules = everything - {"HE-015", "HE-034", "HE-035", "HE-024", "HE-025", "HE-026", "HE-027",
                                          "HE-028"}
    fewer = compile_protocol(pm, "http", AsgionConfig(), frozenset(without_trailer_rules))
    none = compile_protocol(pm, "http", AsgionConfig(), frozenset())
    assert full is not None and fewer is not None and none is not None
    trailers = "http.response.trailers"
    names = {f.__name__ for f in full.send[trailers][1]}
    assert {"check_trailers", "on_trailers"} <= names
    assert "check_trailers" not in {f.__name__ for f in fewer.send[trailers][1]}
    # with every rule off only the checks that keep state are left
    assert {f.__name__ for f in none.send[trailers][1]} == {"on_trailers"}
    assert sum(len(route[1]) for route in none.send.values()) < sum(len(route[1]) for route in full.send.values())


def test_a_third_party_check_that_keeps_state_survives_its_rules_being_off() -> None:
    def remember(conn: Any, message: Any) -> None:
        pass

    def judge(conn: Any, message: Any) -> None:
        pass

    class Plugin:
        @hookimpl
        def asgion_event_checks(self, scope_type: str, config: AsgionConfig) -> list[EventCheck]:
            return [EventCheck(remember, ("G-008",), "send", ("http.response.body",), keeps_state=True),
                    EventCheck(judge, ("G-008",), "send", ("http.response.body",))]

    pm = create_plugin_manager(plugins=[Plugin()], autoload=False, env={})
    compiled = compile_protocol(pm, "http", AsgionConfig(), frozenset())
    assert compiled is not None
    funcs = compiled.send["http.response.body"][1]
    assert remember in funcs
    assert judge not in funcs
