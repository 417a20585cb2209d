"""Every HTTP rule, both ways: its triggering scenario reports it, its clean counterpart reports nothing."""

from __future__ import annotations

from asgion_core.scenario import Scenario
from asgion_core.testing import run_scenario
from asgion_http.cases import CASES, CT, REQ, body, start
from tests.rule_cases import rule_tests

(test_rule_triggers, test_clean_counterpart, test_express_lanes_agree,
 test_every_rule_that_can_fire_has_a_case) = rule_tests(CASES, "http")


def test_a_bytes_like_body_is_counted_by_its_length() -> None:
    """A memoryview or bytearray body is the wrong type (HE-012) but still carries its bytes: no SEM-003."""

    for data in (memoryview(b"x"), bytearray(b"x")):
        found = {v.rule_id for v in run_scenario(Scenario((REQ, start(headers=(CT, (b"content-length", b"1"))),
                                                           body(data))))}
        assert "HE-012" in found and "SEM-003" not in found and "HF-018" not in found


def test_a_body_that_cannot_be_counted_stops_the_length_rules() -> None:

    found = {v.rule_id for v in run_scenario(Scenario((REQ, start(headers=(CT, (b"content-length", b"1"))),
                                                       body("x"))))}
    assert "HE-012" in found and "SEM-003" not in found


def test_headers_in_a_one_shot_iterator_are_not_judged_missing() -> None:
    """Sanic sends headers as a generator: G-010 says so, but no rule may claim a header is absent (it is unread)."""

    for status in (200, 405):
        headers = ((name, value) for name, value in ((b"content-type", b"text/plain"), (b"allow", b"GET")))
        found = {v.rule_id for v in run_scenario(Scenario((REQ, start(status, headers=headers), body(b"abc"))))}
        assert "G-010" in found
        assert not found & {"SEM-002", "SEM-025"}, found
