"""Discovery of a Litestar app's routes: HTTP routes with typed path parameters, WebSocket and ASGI routes."""

from __future__ import annotations

import json

from tests.conftest import CliRun


def test_every_litestar_route_is_driven(run_cli: CliRun) -> None:
    code, out, err = run_cli("check", "tests.integration.apps.litestar_app:app", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    driven = [s["label"] for s in data["scopes"] if s["scope_type"] != "lifespan"]
    assert {"GET /items", "HEAD /items", "GET /stream", "DELETE /items/1", "WS /ws/echo", "WS /ws/no-close",
            "GET /buggy/send-after-close"} <= set(driven)
    [coverage] = [n for n in data["notes"] if "discovered routes (litestar)" in n]
    assert not any(label.startswith(("GET /schema", "OPTIONS /schema")) for label in driven)
    assert "the framework serves itself (/schema" in coverage, "Litestar's OpenAPI pages are not the user's"
    by_label = {s["label"]: {v["rule_id"] for v in s["violations"]} for s in data["scopes"]}
    assert by_label["WS /ws/no-close"] == {"WF-014"} and "HF-004" in by_label["GET /buggy/send-after-close"]
