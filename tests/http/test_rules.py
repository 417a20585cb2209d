"""Every HTTP rule, both ways: its triggering scenario reports it, its clean counterpart reports nothing."""

from __future__ import annotations

from asgion_http.cases import CASES
from tests.rule_cases import rule_tests

(test_rule_triggers, test_clean_counterpart, test_express_lanes_agree,
 test_every_rule_that_can_fire_has_a_case) = rule_tests(CASES, "http")
