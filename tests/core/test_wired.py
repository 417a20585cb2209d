"""The receive and send an app is given: bound methods of one WiredConnection per app call."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from asgion import Inspector
from asgion_core.scenario import http_scope
from asgion_core.wired import WiredConnection
from tests.helpers import RecordingServer, streaming_app


def test_the_app_gets_bound_methods_of_one_connection_per_call() -> None:
    seen: list[tuple[Any, Any]] = []
    inner = streaming_app(1)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((receive, send))
        await inner(scope, receive, send)

    inspector = Inspector(app)
    RecordingServer().run(inspector)
    RecordingServer().run(inspector)
    (first_receive, first_send), (second_receive, _) = seen
    assert isinstance(first_receive.__self__, WiredConnection)
    assert first_receive.__self__ is first_send.__self__
    assert first_receive.__self__ is not second_receive.__self__
    assert (first_receive.__name__, first_send.__name__) == ("checked_receive", "checked_send")


def test_messages_pass_as_the_same_objects_in_both_directions() -> None:
    request = {"type": "http.request", "body": b"hi"}
    got: list[Any] = []
    start = {"type": "http.response.start", "status": 200,
             "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"2")]}
    body = {"type": "http.response.body", "body": b"ok"}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        got.append(await receive())
        await send(start)
        await send(body)

    server = RecordingServer([request])
    inspector = Inspector(app)
    server.run(inspector)
    assert got[0] is request
    assert server.sent[0] is start and server.sent[1] is body
    assert inspector.violations == []


@pytest.mark.parametrize("side", ["receive", "send"])
def test_what_the_server_raises_reaches_the_app_unchanged_and_is_remembered(side: str) -> None:
    failure = OSError("client went away")
    caught: list[BaseException] = []

    async def receive() -> Any:
        if side == "receive":
            raise failure
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        raise failure

    async def app(scope: Any, receive: Any, send: Any) -> None:
        try:
            await receive()
            await send({"type": "http.response.start", "status": 200, "headers": []})
        except OSError as exc:
            caught.append(exc)
            raise

    inspector = Inspector(app, keep_clean_results=True)
    with pytest.raises(OSError) as raised:
        asyncio.run(inspector(http_scope(), receive, send))
    assert raised.value is failure and caught == [failure]
    (result,) = inspector.results
    assert result.exception is None  # the server's own signal, not an app error
    assert any("OSError" in note for note in result.notes)


def test_a_tracer_that_fails_is_recorded_and_the_messages_still_pass() -> None:
    class BrokenTracer:
        def event(self, direction: str, message: Any) -> None:
            raise RuntimeError("recorder broke")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        receive.__self__.trace = BrokenTracer()
        await streaming_app(2)(scope, receive, send)

    inspector = Inspector(app, trace=True)
    server = RecordingServer()
    server.run(inspector)
    assert [m["type"] for m in server.sent] == ["http.response.start"] + ["http.response.body"] * 3
    errors = [e for e in inspector.internal_errors if e.plugin == "trace"]
    assert errors and "recorder broke" in errors[0].error
