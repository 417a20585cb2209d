"""The per-rule scenario tables (``CASES`` of each plugin) turned into tests: every rule both ways, and coverage."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from asgion_core.plugins import create_plugin_manager
from asgion_core.scenario import Case
from asgion_core.testing import run_scenario
from tests.lanes import assert_lanes_agree


def assert_triggers(rule_id: str, case: Case) -> None:
    found = [v.rule_id for v in run_scenario(case.bad)]
    assert rule_id in found, f"{rule_id} not reported by its triggering scenario; got {found}"


def assert_clean(rule_id: str, case: Case) -> None:
    found = [v.rule_id for v in run_scenario(case.good) if v.rule_id not in case.allow]
    assert found == [], f"clean counterpart of {rule_id} reported {found}"


def rule_tests(cases: Mapping[str, Case], plugin: str) -> tuple[Callable[..., Any], ...]:
    """Four tests for a plugin's cases: each triggers its rule, each clean one is clean, both give the same
    findings with and without express lanes, and every rule that can fire has a case (and no case names a rule
    that cannot)."""

    @pytest.mark.parametrize("rule_id", sorted(cases))
    def test_rule_triggers(rule_id: str) -> None:
        assert_triggers(rule_id, cases[rule_id])

    @pytest.mark.parametrize("rule_id", sorted(cases))
    def test_clean_counterpart(rule_id: str) -> None:
        assert_clean(rule_id, cases[rule_id])

    @pytest.mark.parametrize("rule_id", sorted(cases))
    def test_express_lanes_agree(rule_id: str) -> None:
        assert_lanes_agree(cases[rule_id].bad)
        assert_lanes_agree(cases[rule_id].good)

    def test_every_rule_that_can_fire_has_a_case() -> None:
        registry = create_plugin_manager(autoload=False, env={}).rule_registry()
        assert {r.id for r in registry.by_plugin(plugin) if r.can_fire} == set(cases)

    return (test_rule_triggers, test_clean_counterpart, test_express_lanes_agree,
            test_every_rule_that_can_fire_has_a_case)
