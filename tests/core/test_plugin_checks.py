"""A broken plugin breaks only itself: each mistake is one plugin error naming the plugin, the other plugins and
the app carry on, and the plugin authors' helpers fail loudly instead of returning fewer findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asgion import EventCheck, Inspector, hookimpl, inspect
from asgion_core.plugins import create_plugin_manager
from asgion_core.scenario import Scenario, http_scope, receive, send
from asgion_core.testing import PluginFailure, run_scenario
from tests.conftest import CliRun
from tests.helpers import RecordingServer


def noop(conn: Any, message: Any) -> None:
    pass


class NonList:
    @hookimpl
    def asgion_event_checks(self, scope_type: str, config: Any) -> Any:
        return EventCheck(noop, (), "send")


class BadDirection:
    @hookimpl
    def asgion_event_checks(self, scope_type: str, config: Any) -> Any:
        return [EventCheck(noop, (), "sideways")]  # type: ignore[arg-type]


class RulesAsString:
    @hookimpl
    def asgion_event_checks(self, scope_type: str, config: Any) -> Any:
        return [EventCheck(noop, "HF-001", "send")]  # type: ignore[arg-type]


class MisspelledType:
    @hookimpl
    def asgion_event_checks(self, scope_type: str, config: Any) -> Any:
        return [EventCheck(noop, (), "send", ("http.response.strat",))]


class WrongArguments:
    @hookimpl
    def asgion_event_checks(self, scope: str, cfg: Any) -> Any:
        return []


class MisspelledHook:
    @hookimpl
    def asgion_event_check(self, scope_type: str, config: Any) -> Any:
        return []


class NotACheck:
    @hookimpl
    def asgion_event_checks(self, scope_type: str, config: Any) -> Any:
        return [42]


class NoStateMachine:
    @hookimpl(tryfirst=True)
    def asgion_state_machine(self, scope_type: str, config: Any) -> Any:
        return "http"


BROKEN = {
    NonList: "returned EventCheck, not a list of checks",
    BadDirection: "direction 'sideways'",
    RulesAsString: "rules='HF-001'",
    MisspelledType: "did you mean 'http.response.start'?",
    WrongArguments: "does not match the hookspec",
    MisspelledHook: "did you mean asgion_event_checks?",
    NotACheck: "42 is a int",
    NoStateMachine: "not a StateMachine",
}


async def buggy(scope: Any, receive_: Any, send_: Any) -> None:
    await receive_()
    await send_({"type": "http.response.body", "body": b"early"})
    await send_({"type": "http.response.start", "status": 200, "headers": []})


@pytest.mark.parametrize("plugin", list(BROKEN), ids=lambda p: p.__name__)
def test_a_broken_plugin_is_one_plugin_error_and_nothing_else(plugin: type) -> None:
    pm = create_plugin_manager(plugins=["http", plugin()], autoload=False, env={})
    inspector = inspect(buggy, plugins=pm)
    server = RecordingServer()
    server.run(inspector)
    assert len(server.sent) == 2, "the app ran as ever"
    assert "HF-002" in {v.rule_id for v in inspector.violations}, "the http plugin still checks"
    [error] = [e for e in pm.plugin_errors if plugin.__name__ in e]
    assert BROKEN[plugin] in error and "\n" not in error
    assert inspector.internal_errors == []


def test_plugin_errors_name_the_distribution() -> None:
    pm = create_plugin_manager(autoload=False, env={})
    pm.origins["acme"] = ("acme-asgion", "1.0")
    pm.plugin_problem("acme", "something is off")
    assert pm.plugin_errors[-1] == "plugin 'acme' (distribution acme-asgion): something is off"


def broken(conn: Any, message: Any) -> None:
    raise RuntimeError("bug in my check")


class Raises:
    """A plugin whose check raises on every message."""

    @hookimpl
    def asgion_event_checks(self, scope_type: str, config: Any) -> Any:
        return [EventCheck(broken, (), "send")]


def test_internal_errors_say_where_they_were_raised() -> None:
    inspector = Inspector(buggy, plugins=create_plugin_manager(plugins=["http", Raises()], autoload=False, env={}))
    RecordingServer().run(inspector)
    [error] = inspector.internal_errors
    assert error.at.startswith(f"{__file__}:") and error.at.endswith("in broken")
    assert "RuntimeError: bug in my check" in str(error)


class Framework:
    """Stands for Starlette, which puts itself, its router and the endpoint into the scope."""


def test_a_scope_holding_the_apps_own_objects_does_not_excuse_a_broken_check() -> None:
    scope = http_scope()
    scope.update(app=Framework(), endpoint=buggy, state={"pool": Framework()})
    inspector = Inspector(buggy, plugins=create_plugin_manager(plugins=["http", Raises()], autoload=False, env={}))
    RecordingServer().run(inspector, scope)
    assert "G-027" not in {v.rule_id for v in inspector.violations}, "not the scope's fault"
    assert [e.error for e in inspector.internal_errors] == ["RuntimeError: bug in my check"]


def test_a_foreign_value_in_a_spec_key_is_still_blamed() -> None:
    scope = http_scope()
    scope["headers"] = [(b"host", Framework())]
    inspector = Inspector(buggy, plugins=create_plugin_manager(plugins=["http", Raises()], autoload=False, env={}))
    RecordingServer().run(inspector, scope)
    assert any(v.rule_id == "G-027" and "['headers'][0][1] (Framework)" in v.message for v in inspector.violations)
    assert inspector.internal_errors == []


def test_run_scenario_fails_with_the_plugins_error() -> None:
    scenario = Scenario((receive({"type": "http.request", "body": b""}),
                         send({"type": "http.response.start", "status": 200, "headers": []}),
                         send({"type": "http.response.body", "body": b""})))
    with pytest.raises(PluginFailure, match="bug in my check"):
        run_scenario(scenario, plugins=create_plugin_manager(plugins=["http", Raises()], autoload=False, env={}))


def test_strict_fails_on_a_plugin_error(run_cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken_asgion_plugin.py").write_text(
        "from asgion import hookimpl\n"
        "@hookimpl\n"
        "def asgion_event_check(scope_type, config):\n"
        "    return []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    clean = "tests.cli.apps:echo"
    code, out, err = run_cli("check", clean, "-p", "broken_asgion_plugin", "--strict")
    assert code == 1, (out, err)
    assert "asgion_event_check is no asgion hook" in out


class UnprintableKey:
    def __str__(self) -> str:
        raise RuntimeError("no str")


def test_a_foreign_key_in_the_lifespan_state_is_blamed() -> None:
    """The lifespan checks read the state's keys: a server's key that cannot be read is the scope's fault."""
    import asyncio

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})

    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

    async def receive() -> Any:
        return messages.pop(0)

    async def send(message: Any) -> None:
        return None

    inspector = Inspector(app, plugins=create_plugin_manager(autoload=False, env={}))
    asyncio.run(inspector({"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
                           "state": {UnprintableKey(): 1}}, receive, send))
    assert any(v.rule_id == "G-027" and "['state'] key (UnprintableKey)" in v.message for v in inspector.violations)
    assert inspector.internal_errors == []
