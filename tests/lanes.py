"""Express lanes must not change what asgion finds: the same scenario with and without lanes, same findings."""

from __future__ import annotations

import re

from asgion_core.scenario import Scenario
from asgion_core.testing import run_scenario

#: Durations in finding texts ("response completed 0.11s after ..."): two runs of a timed scenario differ there.
_SECONDS = re.compile(r"\d+\.\d+s\b")


def findings(scenario: Scenario, *, express: bool) -> list[tuple[str, str, str]]:
    return [(v.rule_id, _SECONDS.sub("<seconds>", v.message), v.side)
            for v in run_scenario(scenario, express=express)]


def assert_lanes_agree(scenario: Scenario) -> None:
    assert findings(scenario, express=True) == findings(scenario, express=False)
