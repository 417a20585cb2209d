"""Express lanes must not change what asgion finds: the same scenario with and without lanes, same findings."""

from __future__ import annotations

from asgion_core.scenario import Scenario
from asgion_core.testing import run_scenario


def findings(scenario: Scenario, *, express: bool) -> list[tuple[str, str, str]]:
    return [(v.rule_id, v.message, v.side) for v in run_scenario(scenario, express=express)]


def assert_lanes_agree(scenario: Scenario) -> None:
    assert findings(scenario, express=True) == findings(scenario, express=False)
