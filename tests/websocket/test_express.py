"""The WebSocket express lanes: taken for ordinary frames, and never changing what asgion finds."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asgion import Inspector
from asgion_core.plugins import create_plugin_manager
from asgion_core.scenario import Scenario, receive, send, websocket_scope
from asgion_websocket import order
from tests.lanes import assert_lanes_agree


@pytest.mark.parametrize("express", [True, False])
def test_frames_take_the_lanes(monkeypatch: pytest.MonkeyPatch, express: bool) -> None:
    calls: list[str] = []
    for name in ("on_send", "on_receive"):
        original = getattr(order, name)
        monkeypatch.setattr(order, name, lambda conn, message, f=original, n=name: (calls.append(n), f(conn, message)))
    inbox = [{"type": "websocket.connect"}, *[{"type": "websocket.receive", "text": "hi"}] * 100,
             {"type": "websocket.disconnect", "code": 1000}]

    async def echo(scope: Any, receive_: Any, send_: Any) -> None:
        await receive_()
        await send_({"type": "websocket.accept"})
        while (message := await receive_())["type"] == "websocket.receive":
            await send_({"type": "websocket.send", "text": message["text"]})

    async def server_receive() -> Any:
        return inbox.pop(0)

    async def server_send(message: Any) -> None:
        return None

    inspector = Inspector(echo, plugins=create_plugin_manager(autoload=False, env={}), express=express)
    asyncio.run(inspector(websocket_scope(), server_receive, server_send))
    assert inspector.violations == []
    assert len(calls) == (0 if express else 200)


texts = st.sampled_from(["hi", "héllo", "\ud800", "", 5, None, b"raw"])
payloads = st.sampled_from(["hi", "hi", b"data", b"data"]).map(
    lambda value: {"text": value} if isinstance(value, str) else {"bytes": value})
odd_payloads = st.builds(lambda text, data, extra: {
    **({"text": text} if text != 5 else {}), **({"bytes": data} if data is not None else {}),
    **({"extra": [1.5]} if extra else {})}, texts, st.sampled_from([None, b"x", "str"]), st.booleans())


def frame(message_type: str, ordinary: bool) -> Any:
    return st.builds(lambda payload: {"type": message_type, **payload}, payloads if ordinary else odd_payloads)


frames = st.sampled_from([True, True, True, False]).flatmap(lambda ordinary: st.one_of(
    st.builds(send, frame("websocket.send", ordinary)), st.builds(receive, frame("websocket.receive", ordinary))))
others = st.sampled_from([
    send({"type": "websocket.accept"}), send({"type": "websocket.close", "code": 1000}),
    receive({"type": "websocket.disconnect", "code": 1001}), receive({"type": "websocket.connect"}),
])
steps = st.builds(
    lambda opening, rest: [*opening, *rest],
    st.sampled_from([[receive({"type": "websocket.connect"}), send({"type": "websocket.accept"})], []]),
    st.lists(st.sampled_from([True, True, True, False]).flatmap(lambda f: frames if f else others), max_size=12),
)


@settings(deadline=None, max_examples=300)
@given(script=steps)
def test_lanes_never_change_the_findings(script: list[Any]) -> None:
    assert_lanes_agree(Scenario(tuple(script), scope_type="websocket"))
