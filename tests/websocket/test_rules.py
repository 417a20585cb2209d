"""Every WebSocket rule, both ways: its triggering scenario reports it, its clean counterpart reports nothing."""

from __future__ import annotations

import pytest

from asgion_core.plugins import create_plugin_manager
from asgion_websocket.cases import CASES
from tests.rule_cases import assert_clean, assert_triggers


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_triggers(rule_id: str) -> None:
    assert_triggers(rule_id, CASES[rule_id])


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_clean_counterpart(rule_id: str) -> None:
    assert_clean(rule_id, CASES[rule_id])


def test_every_websocket_rule_that_can_fire_has_a_case() -> None:
    registry = create_plugin_manager().rule_registry()
    assert {r.id for r in registry.by_plugin("websocket") if r.can_fire} == set(CASES)
