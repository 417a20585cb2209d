"""The inspector under hostile values: the app's exception passes unchanged, messages pass unchanged and in order,
and nothing asgion does with a value (truth, hash, text, item access) lets an exception escape."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asgion import Inspector
from asgion_core.plugins import create_plugin_manager
from asgion_core.report import AppException
from asgion_core.safe_text import MAX_MESSAGE_CHARS, describe_exception, format_traceback, safe_repr, safe_str
from asgion_core.scenario import http_scope
from tests.helpers import RecordingServer
from tests.hostile import HOSTILE_KINDS, Boom, HostileDict, HostileException, HostileStr, RaisingBool, make

PM = create_plugin_manager(autoload=False, env={})


class AppError(Exception):
    """The issue's reproducer: ``__str__`` reads an attribute that was never set."""

    def __str__(self) -> str:
        return self.detail  # type: ignore[attr-defined,no-any-return]


def run_app(app: Any, scope: dict[str, Any] | None = None, **options: Any) -> tuple[Inspector, RecordingServer, Any]:
    inspector = Inspector(app, plugins=PM, keep_clean_results=True, **options)
    server = RecordingServer()
    raised = None
    try:
        asyncio.run(inspector(http_scope() if scope is None else scope, server.receive, server.send))
    except BaseException as exc:
        raised = exc
    return inspector, server, raised


@pytest.mark.parametrize("trace", [False, True])
def test_an_exception_whose_str_raises_reaches_the_server_unchanged(trace: bool) -> None:
    error = AppError()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise error

    inspector, _, raised = run_app(app, trace=trace)
    assert raised is error
    [result] = inspector.results
    assert result.exception is not None and result.exception.type == "AppError"
    assert "str() raised AttributeError" in result.exception.message
    assert "raise error" in result.exception.traceback
    assert [v.rule_id for v in result.violations].count("G-021") == 1
    assert inspector.internal_errors == []
    if trace:
        assert len(inspector.traces) == 1


@given(st.sampled_from(["str", "repr", "format", "args"]), st.integers(0, 3))
def test_text_helpers_never_raise(which: str, size: int) -> None:
    exc = HostileException("x" * (10 ** size))
    for text in (safe_str(exc), safe_repr(exc), describe_exception(exc), format_traceback(exc),
                 safe_str(make("text")), safe_repr(make("str")), safe_str(make("int"))):
        assert isinstance(text, str)
    record = AppException.from_exception(exc)
    assert record.type == "HostileException"


def test_exception_text_is_clipped() -> None:
    exc = ValueError("x" * 100_000)
    record = AppException.from_exception(exc)
    assert len(record.message) < MAX_MESSAGE_CHARS + 50
    assert len(describe_exception(exc)) < MAX_MESSAGE_CHARS + 80


def test_more_body_whose_bool_raises_is_forwarded_and_reported() -> None:
    messages = [
        {"type": "http.response.start", "status": 200, "headers": []},
        {"type": "http.response.body", "body": b"a", "more_body": RaisingBool()},
        {"type": "http.response.body", "body": b""},
    ]

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        for message in messages:
            await send(message)

    inspector, server, raised = run_app(app)
    assert raised is None
    assert server.sent == messages and all(a is b for a, b in zip(server.sent, messages, strict=True))
    assert "HE-003" in {v.rule_id for v in inspector.violations} or inspector.violations


@pytest.mark.parametrize("trace", [False, True])
@pytest.mark.parametrize("kind", HOSTILE_KINDS)
def test_a_hostile_message_type_is_forwarded(kind: str, trace: bool) -> None:
    message = {"type": make(kind, "http.response.start"), "status": 200, "headers": []}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send(message)
        await send({"type": "http.response.body", "body": b""})

    inspector, server, raised = run_app(app, trace=trace)
    assert raised is None
    assert server.sent[0] is message and len(server.sent) == 2
    assert inspector.internal_errors == []  # the value is reported (G-007/G-010), no plugin is blamed


@pytest.mark.parametrize("trace", [False, True])
def test_a_scope_whose_get_raises_still_reaches_the_app(trace: bool) -> None:
    scope = HostileDict()
    for key, value in http_scope().items():
        dict.__setitem__(scope, key, value)
    seen: list[Any] = []

    async def app(scope_: Any, receive: Any, send: Any) -> None:
        seen.append(scope_)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    inspector, server, raised = run_app(app, scope, trace=trace)  # type: ignore[arg-type]
    assert raised is None
    assert seen == [scope] and seen[0] is scope
    assert len(server.sent) == 2
    assert [error.plugin for error in inspector.internal_errors] == ["input"]


@pytest.mark.parametrize("kind", HOSTILE_KINDS)
@pytest.mark.parametrize("field", ["path", "method", "type", "headers", "asgi", "query_string", "client"])
def test_hostile_scope_fields_never_stop_the_app(kind: str, field: str) -> None:
    scope = http_scope()
    scope[field] = make(kind, scope.get(field))
    called: list[bool] = []

    async def app(scope_: Any, receive: Any, send: Any) -> None:
        called.append(scope_ is scope)
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    for trace in (False, True):
        _, server, raised = run_app(app, scope, trace=trace)
        assert raised is None
        assert len(server.sent) == 2
    assert called == [True, True]


def test_a_hostile_app_exception_is_kept_with_its_trace() -> None:
    error = HostileException()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise error

    inspector, _, raised = run_app(app, trace=True)
    assert raised is error
    assert inspector.results[0].exception is not None
    assert len(inspector.traces) == 1


def test_str_subclass_scope_values_are_read_as_plain_str() -> None:
    scope = http_scope(path=HostileStr("/items"), method=HostileStr("GET"))

    async def app(scope_: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    inspector, _, raised = run_app(app, scope)
    assert raised is None
    assert inspector.results[0].label == "GET /items"


def test_the_hostile_error_class_is_not_one_asgion_catches_by_name() -> None:
    assert not issubclass(Boom, (KeyError, TypeError, ValueError, AttributeError))


@settings(deadline=None, max_examples=150)
@given(kind=st.sampled_from(HOSTILE_KINDS), where=st.sampled_from(["status", "headers", "body", "more_body",
                                                                    "trailers", "extra"]),
       trace=st.booleans(), raise_at_end=st.booleans())
def test_hostile_message_fields_pass_through(kind: str, where: str, trace: bool, raise_at_end: bool) -> None:
    start = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
    body = {"type": "http.response.body", "body": b"ok"}
    target = start if where in ("status", "headers", "trailers") else body
    target[where] = make(kind, target.get(where, b"x"))
    sent = [start, body, {"type": "http.response.body", "body": b""}]
    error = RuntimeError("app")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        for message in sent:
            await send(message)
        if raise_at_end:
            raise error

    inspector = Inspector(app, plugins=PM, profile="strict", trace=trace)
    server = RecordingServer()

    async def main() -> None:
        try:
            await asyncio.wait_for(inspector(http_scope(), server.receive, server.send), 10)
        except RuntimeError as exc:
            assert exc is error
        else:
            assert not raise_at_end

    asyncio.run(main())
    assert len(server.sent) == len(sent) and all(a is b for a, b in zip(server.sent, sent, strict=True))
