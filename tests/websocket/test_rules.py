"""Every WebSocket rule, both ways: its triggering scenario reports it, its clean counterpart reports nothing."""

from __future__ import annotations

from asgion_core.testing import run_scenario
from asgion_websocket.cases import CASES, CONNECT, close, ws
from tests.rule_cases import rule_tests

(test_rule_triggers, test_clean_counterpart, test_express_lanes_agree,
 test_every_rule_that_can_fire_has_a_case) = rule_tests(CASES, "websocket")


def test_a_denial_with_code_1006_is_no_reserved_code_finding() -> None:
    """Before accept, websocket.close is answered with HTTP 403: no Close frame, so no code to judge."""

    assert "WE-019" not in {v.rule_id for v in run_scenario(ws(CONNECT, close(code=1006)))}
