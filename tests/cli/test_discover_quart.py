"""Discovery of a Quart app's routes: werkzeug rules with converters, and websocket rules."""

from __future__ import annotations

import json

from tests.conftest import CliRun


def test_every_quart_route_is_driven(run_cli: CliRun) -> None:
    code, out, err = run_cli("check", "tests.integration.apps.quart_app:app", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    by_label = {s["label"]: {v["rule_id"] for v in s["violations"]} for s in data["scopes"]}
    assert {"GET /items", "GET /stream", "DELETE /items/1", "WS /ws/echo"} <= set(by_label)
    assert "SEM-014" in by_label["DELETE /default-204/1"], "a bug on a parametrized route is found"
    [coverage] = [n for n in data["notes"] if "discovered routes (quart)" in n]
    assert "GET /static/x" not in by_label and "the framework serves itself (/static/<path:filename>)" in coverage
