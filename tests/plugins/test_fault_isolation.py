"""Fault isolation: a broken check, reporter or callback never breaks the app or the rest of the run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, CliRun

BROKEN_REPORTER = '''
from asgion import hookimpl

class Broken:
    description = "always fails"
    def render(self, report, options):
        raise RuntimeError("template missing")

@hookimpl
def asgion_register_reporters(register):
    register("broken", Broken())
'''


def test_a_raising_reporter_costs_only_its_own_report(run_cli: CliRun, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken_reporter.py").write_text(BROKEN_REPORTER)
    monkeypatch.syspath_prepend(str(tmp_path))
    report = tmp_path / "r.json"
    code, _out, err = run_cli("check", f"{EXAMPLES / 'buggy_app.py'}:app", "-p", "broken_reporter",
                             "--format", "broken", "--format", f"json:{report}")
    assert code == 2
    assert err.strip() == ("asgion: error: reporter 'broken' (plugin 'broken_reporter') failed: "
                           "RuntimeError: template missing")
    assert "HF-002" in {v["rule_id"] for v in json.loads(report.read_text())["violations"]}


def test_a_raising_check_and_callback_leave_the_app_alone() -> None:
    import asyncio

    from asgion import EventCheck, Inspector, create_plugin_manager, hookimpl
    from asgion_core.scenario import http_scope

    class BrokenCheck:
        @hookimpl
        def asgion_event_checks(self, scope_type: str, config: Any) -> list[EventCheck]:
            def explode(conn: Any, message: Any) -> None:
                raise KeyError("bug")
            return [EventCheck(explode, (), "send"), EventCheck(explode, (), "receive")]

    sent: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> str:
        await receive()
        await send({"type": "http.response.body", "body": b"x"})
        return "returned"

    async def receive() -> Any:
        return {"type": "http.request"}

    async def send(message: Any) -> None:
        sent.append(message)

    def callback(violation: Any) -> None:
        raise ValueError("callback bug")

    inspector = Inspector(app, plugins=create_plugin_manager(plugins=[BrokenCheck()], autoload=False, env={}),
                          on_violation=callback)
    assert asyncio.run(inspector(http_scope(), receive, send)) == "returned"
    assert sent == [{"type": "http.response.body", "body": b"x"}]
    assert {"HF-002", "G-015"} <= {v.rule_id for v in inspector.violations}, "the other checks carry on"
    plugins = sorted(e.plugin for e in inspector.internal_errors)
    assert plugins == ["BrokenCheck", "on_violation"], "one finding per culprit, naming it"
