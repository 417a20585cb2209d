"""The Inspector as a transparent wrapper: messages, order, return values and exceptions pass unchanged."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from asgion import AsgionConfig, ASGIProtocolError, EndCheck, EventCheck, Inspector, hookimpl, inspect
from asgion_core.plugins import create_plugin_manager
from asgion_core.scenario import http_scope
from tests.helpers import RecordingServer, streaming_app


async def buggy(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.body", "body": b"early"})
    await send({"type": "http.response.start", "status": 200, "headers": []})


def test_messages_pass_unchanged_and_in_order() -> None:
    server = RecordingServer()
    bare = RecordingServer()
    bare.run(buggy)
    server.run(Inspector(buggy))
    assert server.sent == bare.sent
    assert all(a is not None for a in server.sent)


def test_the_same_objects_are_forwarded() -> None:
    message = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(message)
        await send({"type": "http.response.body", "body": b"ok"})

    server = RecordingServer()
    server.run(Inspector(app))
    assert server.sent[0] is message


def test_violations_are_recorded_with_location() -> None:
    inspector = Inspector(buggy)
    RecordingServer().run(inspector)
    ids = [v.rule_id for v in inspector.violations]
    assert "HF-002" in ids
    hf002 = next(v for v in inspector.violations if v.rule_id == "HF-002")
    assert hf002.location is not None
    assert hf002.location.file == __file__
    assert hf002.location.function == "buggy"
    assert hf002.location.line == buggy.__code__.co_firstlineno + 2
    assert hf002.path == "/" and hf002.method == "GET" and hf002.scope_type == "http"


def test_app_exception_propagates_unchanged() -> None:
    error = KeyError("boom")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise error

    inspector = Inspector(app)
    with pytest.raises(KeyError) as info:
        RecordingServer().run(inspector)
    assert info.value is error
    assert [v.rule_id for v in inspector.violations] == ["G-021"]
    assert inspector.results[-1].exception is not None
    assert inspector.results[-1].exception.type == "KeyError"


def test_return_value_is_passed_through() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> Any:
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return 7

    inspector = Inspector(app)
    assert RecordingServer().run(inspector) == 7
    assert [v.rule_id for v in inspector.violations] == ["G-015"]


def test_strict_raises_at_the_end_of_a_bad_connection() -> None:
    server = RecordingServer()
    with pytest.raises(ASGIProtocolError) as info:
        server.run(Inspector(buggy, strict=True))
    assert "HF-002" in str(info.value)
    assert len(server.sent) == 2, "strict mode must not stop messages from being forwarded"


def test_strict_never_replaces_the_apps_exception() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.body", "body": b"x"})
        raise ValueError("own error")

    with pytest.raises(ValueError, match="own error"):
        RecordingServer().run(Inspector(app, strict=True))


def test_a_raising_check_is_isolated_and_recorded_once() -> None:
    class Broken:
        @hookimpl
        def asgion_event_checks(self, scope_type: str, config: AsgionConfig) -> list[EventCheck]:
            def explode(conn: Any, message: Any) -> None:
                raise RuntimeError("plugin bug")
            return [EventCheck(explode, (), "send")]

    pm = create_plugin_manager(plugins=[Broken()])
    inspector = Inspector(buggy, plugins=pm)
    server = RecordingServer()
    server.run(inspector)
    server2 = RecordingServer()
    server2.run(inspector)
    assert len(server.sent) == 2
    assert "HF-002" in [v.rule_id for v in inspector.violations], "the other checks carry on"
    errors = inspector.internal_errors
    assert len(errors) == 1
    assert errors[0].plugin == "Broken" and "plugin bug" in errors[0].error


def test_on_violation_callback_errors_are_isolated() -> None:
    seen: list[str] = []

    def callback(violation: Any) -> None:
        seen.append(violation.rule_id)
        raise RuntimeError("callback bug")

    inspector = Inspector(buggy, on_violation=callback)
    RecordingServer().run(inspector)
    assert "HF-002" in seen
    assert any(e.plugin == "on_violation" for e in inspector.internal_errors)


def test_on_result_hears_of_each_filed_connection_and_its_errors_are_isolated() -> None:
    heard: list[Any] = []

    def callback(result: Any) -> None:
        heard.append(result)
        raise RuntimeError("callback bug")

    inspector = Inspector(buggy, on_result=callback)
    RecordingServer().run(inspector)
    RecordingServer().run(inspector)
    assert heard == inspector.results and len(heard) == 2
    assert [e.plugin for e in inspector.internal_errors] == ["on_result"]


def test_exclude_paths_pass_through_unvalidated() -> None:
    inspector = Inspector(buggy, exclude_paths=["/health*"])
    RecordingServer().run(inspector, http_scope(path="/healthz"))
    assert inspector.violations == []


def test_exclude_rules_and_min_severity() -> None:
    inspector = Inspector(buggy, exclude_rules=["HF-002"])
    RecordingServer().run(inspector)
    assert "HF-002" not in [v.rule_id for v in inspector.violations]
    inspector = Inspector(buggy, min_severity="warning")
    RecordingServer().run(inspector)
    assert all(v.severity.rank >= 2 for v in inspector.violations)


def test_violations_are_bounded() -> None:
    inspector = Inspector(buggy, max_violations=3, max_results=2)
    for _ in range(5):
        RecordingServer().run(inspector)
    assert len(inspector.violations) == 3
    assert len(inspector.results) == 2


def test_repeated_rule_occurrences_are_counted_not_kept() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        for _ in range(500):
            await send({"type": "http.response.body", "body": b"x", "more_body": True})

    inspector = Inspector(app)
    RecordingServer().run(inspector)
    result = inspector.results[-1]
    kept = [v for v in result.violations if v.rule_id == "HF-002"]
    assert len(kept) == 50
    assert result.suppressed["HF-002"] == 450


def test_inspect_is_the_middleware_form() -> None:
    inspector = inspect(buggy, exclude_rules=["SEM"])
    assert isinstance(inspector, Inspector)
    RecordingServer().run(inspector)
    assert not any(v.rule_id.startswith("SEM") for v in inspector.violations)


def test_unknown_scope_type_passes_through() -> None:
    calls: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        calls.append(scope["type"])
        await send({"anything": 1})

    inspector = Inspector(app)
    server = RecordingServer()
    asyncio.run(inspector({"type": "custom"}, server.receive, server.send))
    assert calls == ["custom"] and server.sent == [{"anything": 1}]
    assert [v.rule_id for v in inspector.violations] == ["G-004"]


def test_no_pluggy_call_per_message() -> None:
    """Hooks are asked once per scope type; streaming 1,000 chunks calls none of them."""
    calls: list[str] = []

    class Counter:
        @hookimpl
        def asgion_event_checks(self, scope_type: str, config: AsgionConfig) -> list[EventCheck]:
            calls.append("event_checks")
            return []

    pm = create_plugin_manager(plugins=[Counter()])
    monitored: list[str] = []
    undo = pm.add_hookcall_monitoring(lambda name, impls, kwargs: monitored.append(name), lambda *a: None)
    inspector = Inspector(streaming_app(1000), plugins=pm)
    RecordingServer().run(inspector)
    after_first = (len(calls), len(monitored))
    assert after_first[0] == 1
    RecordingServer().run(inspector)
    RecordingServer().run(inspector)
    assert (len(calls), len(monitored)) == after_first, "no hook may run per message or per connection"
    undo()


def test_plugin_changes_recompile() -> None:
    calls: list[str] = []

    class Late:
        @hookimpl
        def asgion_event_checks(self, scope_type: str, config: AsgionConfig) -> list[EventCheck]:
            calls.append(scope_type)
            return []

    pm = create_plugin_manager()
    inspector = Inspector(streaming_app(3), plugins=pm)
    RecordingServer().run(inspector)
    pm.register(Late(), name="late")
    RecordingServer().run(inspector)
    assert calls == ["http"]


def test_exception_chained_from_the_servers_signal_is_not_an_app_error() -> None:
    """Starlette raises ClientDisconnect from send()'s OSError; anyio wraps it in an ExceptionGroup."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        try:
            await send({"type": "http.response.body", "body": b"x", "more_body": True})
        except OSError as exc:
            raise ExceptionGroup("task group", [RuntimeError("translated")]) from exc

    class ClosingServer(RecordingServer):
        async def send(self, message: Any) -> None:
            if message["type"] == "http.response.body":
                raise OSError("client gone")

    inspector = Inspector(app)
    with pytest.raises(ExceptionGroup):
        ClosingServer().run(inspector)
    assert "G-021" not in [v.rule_id for v in inspector.violations]
    result = inspector.results[-1]
    assert result.exception is None and "client left" in result.notes[0]


def test_an_unrelated_exception_is_still_an_app_error() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        with contextlib.suppress(OSError):
            await send({"type": "http.response.start", "status": 200, "headers": []})
        raise ValueError("own bug")

    class ClosingServer(RecordingServer):
        async def send(self, message: Any) -> None:
            raise OSError("client gone")

    inspector = Inspector(app)
    with pytest.raises(ValueError):
        ClosingServer().run(inspector)
    assert "G-021" in [v.rule_id for v in inspector.violations]


def test_end_checks_run_according_to_how_the_app_ended() -> None:
    """on_exception adds the raising end; on_none=False leaves out the end where the app returned None."""
    calls: list[tuple[str, str]] = []

    def recorder(name: str) -> Any:
        def check(conn: Any, outcome: Any) -> None:
            ended = "raised" if outcome.exception else ("none" if outcome.result is None else "value")
            calls.append((name, ended))
        return check

    class Ends:
        @hookimpl
        def asgion_connection_checks(self, scope_type: str, config: AsgionConfig) -> list[EndCheck]:
            return [EndCheck(recorder("normal"), ()),
                    EndCheck(recorder("always"), (), on_exception=True),
                    EndCheck(recorder("not-none"), (), on_exception=True, on_none=False)]

    def ending(how: str) -> Any:
        async def app(scope: Any, receive: Any, send: Any) -> Any:
            await streaming_app(1)(scope, receive, send)
            if how == "raised":
                raise ValueError("own error")
            return None if how == "none" else 42
        return app

    for how in ("none", "value", "raised"):
        calls.clear()
        inspector = Inspector(ending(how), plugins=create_plugin_manager(plugins=[Ends()], autoload=False, env={}))
        with contextlib.suppress(ValueError):
            RecordingServer().run(inspector)
        expected = {"none": ["normal", "always"], "value": ["normal", "always", "not-none"],
                    "raised": ["always", "not-none"]}[how]
        assert calls == [(name, how) for name in expected]
