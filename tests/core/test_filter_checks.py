"""asgion_filter_checks: a plugin turns one built-in check off or puts its own in its place."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from asgion_core.checks import EndCheck, EventCheck, ScopeCheck
from asgion_core.config import AsgionConfig
from asgion_core.hookspecs import hookimpl
from asgion_core.inspector import Inspector
from asgion_core.plugins import create_plugin_manager
from asgion_core.scenario import http_scope
from asgion_core.testing import run_scenario
from asgion_http import events, response
from asgion_http.cases import CASES

AnyCheck = ScopeCheck | EventCheck | EndCheck


def test_removing_a_built_in_check_silences_its_rule() -> None:
    class NoEarlyHintCheck:
        @hookimpl
        def asgion_filter_checks(self, scope_type: str, config: AsgionConfig,
                                 checks: Sequence[AnyCheck]) -> list[AnyCheck]:
            return [c for c in checks if c.func is not events.check_early_hint]

    bad = CASES["HE-022"].bad
    found = [v.rule_id for v in run_scenario(bad)]
    assert "HE-022" in found
    plugins = create_plugin_manager(plugins=[NoEarlyHintCheck()], autoload=False, env={})
    assert [v.rule_id for v in run_scenario(bad, plugins=plugins)] == [r for r in found if r != "HE-022"]


def streaming(chunks: int) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"3")]})
        for _ in range(chunks):
            await send({"type": "http.response.body", "body": b"x", "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    return app


def play(inspector: Inspector) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        pass

    asyncio.run(inspector(http_scope(), receive, send))


def test_a_replacement_runs_on_every_message_even_where_a_lane_stood() -> None:
    calls: list[Any] = []

    def counted_body(conn: Any, message: Any) -> None:
        calls.append(message)
        response.on_body(conn, message)

    class CountingBody:
        @hookimpl
        def asgion_filter_checks(self, scope_type: str, config: AsgionConfig,
                                 checks: Sequence[AnyCheck]) -> list[AnyCheck]:
            return [replace(c, func=counted_body) if c.func is response.on_body else c for c in checks]

    plain = Inspector(streaming(5), plugins=create_plugin_manager(autoload=False, env={}))
    replaced = Inspector(streaming(5), plugins=create_plugin_manager(plugins=[CountingBody()], autoload=False, env={}))
    play(plain)
    play(replaced)
    assert len(calls) == 6
    found = [v.rule_id for v in plain.violations]
    assert "HF-018" in found
    assert [v.rule_id for v in replaced.violations] == found
    compiled = replaced._protocol("http")
    assert compiled is not None and "http.response.body" not in compiled.express_send
    assert compiled.owners[counted_body] != "http"


def test_a_failing_filter_changes_nothing_and_is_recorded() -> None:
    class Broken:
        @hookimpl
        def asgion_filter_checks(self, scope_type: str, config: AsgionConfig,
                                 checks: Sequence[AnyCheck]) -> list[AnyCheck]:
            raise RuntimeError("filter broke")

    class WrongAnswer:
        @hookimpl
        def asgion_filter_checks(self, scope_type: str, config: AsgionConfig, checks: Sequence[AnyCheck]) -> Any:
            return ["not a check"]

    plain = Inspector(streaming(2), plugins=create_plugin_manager(autoload=False, env={}))
    play(plain)
    for plugin, text in ((Broken(), "filter broke"), (WrongAnswer(), "must return")):
        inspector = Inspector(streaming(2), plugins=create_plugin_manager(plugins=[plugin], autoload=False, env={}))
        play(inspector)
        assert [v.rule_id for v in inspector.violations] == [v.rule_id for v in plain.violations]
        assert [e.where for e in inspector.internal_errors] == ["asgion_filter_checks"]
        assert text in inspector.internal_errors[0].error


def test_a_filter_adding_an_unhashable_callable_is_recorded_and_changes_nothing() -> None:
    class Wrap:
        __hash__ = None  # type: ignore[assignment]

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __call__(self, conn: Any, message: Any) -> None:
            self.inner(conn, message)

    class Wrapping:
        @hookimpl
        def asgion_filter_checks(self, scope_type: str, config: AsgionConfig,
                                 checks: Sequence[AnyCheck]) -> list[AnyCheck]:
            return [replace(c, func=Wrap(c.func)) if c.func is response.on_body else c for c in checks]

    plain = Inspector(streaming(2), plugins=create_plugin_manager(autoload=False, env={}))
    wrapped = Inspector(streaming(2), plugins=create_plugin_manager(plugins=[Wrapping()], autoload=False, env={}))
    play(plain)
    play(wrapped)
    assert [v.rule_id for v in wrapped.violations] == [v.rule_id for v in plain.violations]
    assert [e.where for e in wrapped.internal_errors] == ["asgion_filter_checks"]
