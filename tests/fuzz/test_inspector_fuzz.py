"""Fuzzing the Inspector with hypothesis: arbitrary scopes, messages and message sequences.

Whatever the app sends and the server delivers (non-dicts, wrong types, NaN, deep nesting, huge headers), the
Inspector never raises into the app, never changes a message or its order, never hangs, never records an
internal error, and reports only registered rule ids.

The suite runs the fast profile (set by ``tests/fuzz/conftest.py``); for a long run:
``HYPOTHESIS_PROFILE=long pytest tests/fuzz``.
"""

from __future__ import annotations

import asyncio
import copy
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from asgion import Inspector
from asgion_core.plugins import create_plugin_manager
from tests.hostile import hostile_values

PM = create_plugin_manager(autoload=False, env={})


REGISTERED = {rule.id for rule in PM.rule_registry()}

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20), st.binary(max_size=40),
                    hostile_values)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(st.text(max_size=8), inner, max_size=4),
    st.frozensets(st.integers(), max_size=3), st.dictionaries(st.integers(), inner, max_size=2)), max_leaves=12)
header_pairs = st.lists(st.one_of(st.tuples(st.binary(max_size=30), st.binary(max_size=60)),
                                  st.lists(st.binary(max_size=10), max_size=3), values), max_size=8)
huge_headers = st.builds(lambda n: [(b"x-h%d" % i, b"v" * 200) for i in range(n)], st.integers(0, 300))
SCOPE_TYPES = ["http", "websocket", "lifespan", "custom"]
MESSAGE_TYPES = [
    "http.request", "http.disconnect", "http.response.start", "http.response.body", "http.response.trailers",
    "http.response.push", "http.response.zerocopysend", "http.response.pathsend", "http.response.early_hint",
    "http.response.debug", "websocket.connect", "websocket.receive", "websocket.disconnect", "websocket.accept",
    "websocket.send", "websocket.close", "websocket.http.response.start", "websocket.http.response.body",
    "lifespan.startup", "lifespan.shutdown", "lifespan.startup.complete", "lifespan.startup.failed",
    "lifespan.shutdown.complete", "lifespan.shutdown.failed", "unknown.type",
]
FIELDS = ["body", "more_body", "status", "headers", "trailers", "more_trailers", "text", "bytes", "code", "reason",
          "subprotocol", "path", "links", "info", "file", "count", "offset", "message"]


def nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


messages = st.one_of(
    st.builds(lambda t, fields: {"type": t, **fields}, st.sampled_from(MESSAGE_TYPES),
              st.dictionaries(st.sampled_from(FIELDS), st.one_of(values, header_pairs), max_size=5)),
    values,
    st.dictionaries(st.one_of(st.just("type"), st.text(max_size=5)), values, max_size=3),
    st.builds(lambda d: {"type": "http.response.start", "status": 200, "deep": nested(d)}, st.integers(0, 60)),
    st.builds(lambda h: {"type": "http.response.start", "status": 200, "headers": h}, huge_headers),
)
scopes = st.one_of(
    st.builds(lambda t, fields: {"type": t, **fields}, st.sampled_from(SCOPE_TYPES),
              st.dictionaries(st.sampled_from(["asgi", "http_version", "method", "scheme", "path", "raw_path",
                                               "query_string", "root_path", "headers", "client", "server",
                                               "subprotocols", "extensions", "state"]),
                              st.one_of(values, header_pairs, huge_headers), max_size=8)),
    values,
)
steps = st.lists(st.tuples(st.sampled_from(["send", "receive"]), messages), max_size=12)


PLAIN = {bytes, str, int, float, bool, type(None), list, tuple, dict}


def same(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to itself (identity is checked separately); objects of other types than
    the plain ones (hostile ones among them) are compared by identity or type, never by their own ``==``."""
    if a is b:
        return True
    if type(a) not in PLAIN or type(b) not in PLAIN:
        return type(a) is type(b) and type(a) not in PLAIN
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def snapshot(value: Any) -> Any:
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


@settings(deadline=None)
@given(scope=scopes, script=steps, raise_at_end=st.booleans(), trace=st.booleans())
def test_inspector_is_transparent_and_robust(scope: Any, script: list[tuple[str, Any]], raise_at_end: bool,
                                             trace: bool) -> None:
    inbox = [message for kind, message in script if kind == "receive"]
    delivered: list[Any] = []
    forwarded: list[Any] = []
    app_saw: list[Any] = []
    app_error = RuntimeError("the app's own error")

    async def receive() -> Any:
        message = inbox.pop(0) if inbox else {"type": "http.disconnect"}
        delivered.append(message)
        return message

    async def send(message: Any) -> None:
        forwarded.append(message)

    async def app(scope_: Any, receive_: Any, send_: Any) -> None:
        for kind, message in script:
            if kind == "send":
                await send_(message)
            else:
                app_saw.append(await receive_())
        if raise_at_end:
            raise app_error

    sent_by_app = [message for kind, message in script if kind == "send"]
    before = [snapshot(m) for m in sent_by_app]
    inspector = Inspector(app, plugins=PM, profile="strict", trace=trace, max_body_size=16)

    async def main() -> None:
        try:
            await asyncio.wait_for(inspector(scope, receive, send), timeout=10)
        except RuntimeError as exc:
            assert exc is app_error, "only the app's own exception may come out"
        else:
            assert not raise_at_end

    asyncio.run(main())
    assert len(forwarded) == len(sent_by_app)
    assert all(a is b for a, b in zip(forwarded, sent_by_app, strict=True)), "same objects, same order"
    assert all(same(a, b) for a, b in zip(sent_by_app, before, strict=True)), "messages are not modified"
    assert all(a is b for a, b in zip(app_saw, delivered, strict=True)), "received messages pass unchanged"
    assert inspector.internal_errors == [], inspector.internal_errors
    assert {v.rule_id for v in inspector.violations} <= REGISTERED
