"""The cross-scope state rule beyond its catalogue case: a request's state copy that lacks lifespan keys."""

from __future__ import annotations

from asgion_core.testing import run_scenario
from asgion_lifespan.cases import COMPLETE, STARTUP, STORE, request_during


def ls006(state: dict[str, str]) -> list[str]:
    violations = run_scenario(request_during(STARTUP, STORE, COMPLETE, state=state))
    return [v.message for v in violations if v.rule_id == "LS-006"]


def test_a_state_copy_without_the_startup_keys_is_reported_with_them() -> None:
    assert ls006({}) == ["the request's state lacks lifespan state keys ['db']"]
    assert ls006({"other": "x"}) == ["the request's state lacks lifespan state keys ['db']"]


def test_a_state_copy_with_the_startup_keys_is_clean() -> None:
    assert ls006({"db": "connected"}) == []
    assert ls006({"db": "connected", "more": "x"}) == []
