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


def test_findings_point_at_the_view_without_the_cli(run_cli: CliRun) -> None:
    """Under a test client or a server (no discovery), the view Quart matched is named by asgion_route_handler."""
    import asyncio

    import httpx

    from asgion import Inspector
    from tests.cli.framework_apps import quart_app

    async def main() -> Inspector:
        inspector = Inspector(quart_app.build(buggy=True))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=inspector), base_url="http://t") as client:
            assert (await client.get("/api/items/3")).status_code == 204
        return inspector

    inspector = asyncio.run(main())
    [hf012] = [v for v in inspector.violations if v.rule_id == "HF-012"]
    assert hf012.owner == "framework" and hf012.location is not None
    assert (hf012.location.function, hf012.location.file) == ("read_item_no_content", quart_app.__file__)
    assert hf012.sent_from is not None and "quart" in hf012.sent_from.file
