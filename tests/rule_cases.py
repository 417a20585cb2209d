"""Shared assertions for the per-rule scenario tables (asgion_core.general_cases, asgion_http.cases)."""

from __future__ import annotations

from asgion_core.scenario import Case
from asgion_core.testing import run_scenario


def assert_triggers(rule_id: str, case: Case) -> None:
    found = [v.rule_id for v in run_scenario(case.bad)]
    assert rule_id in found, f"{rule_id} not reported by its triggering scenario; got {found}"


def assert_clean(rule_id: str, case: Case) -> None:
    found = [v.rule_id for v in run_scenario(case.good) if v.rule_id not in case.allow]
    assert found == [], f"clean counterpart of {rule_id} reported {found}"
