"""The HTTP express lanes: taken for ordinary stream chunks, and never changing what asgion finds."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asgion import Inspector
from asgion_core.plugins import create_plugin_manager
from asgion_core.scenario import DELETE, Scenario, http_scope, receive, send
from asgion_http import response
from tests.helpers import RecordingServer, streaming_app
from tests.lanes import assert_lanes_agree


def counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Count calls of a normal-route check of ``response`` (a lane covers whatever the check is at compile time)."""
    calls: list[int] = []
    original = getattr(response, name)

    def check(conn: Any, message: Any) -> None:
        calls.append(1)
        original(conn, message)

    monkeypatch.setattr(response, name, check)
    return calls


def counted_on_body(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return counted(monkeypatch, "on_body")


@pytest.mark.parametrize("express", [True, False])
def test_ordinary_exchanges_take_the_lanes(monkeypatch: pytest.MonkeyPatch, express: bool) -> None:
    body_calls, start_calls = counted_on_body(monkeypatch), counted(monkeypatch, "on_start")
    request_calls = counted(monkeypatch, "on_request")
    inspector = Inspector(streaming_app(1_000), plugins=create_plugin_manager(autoload=False, env={}),
                          express=express)
    RecordingServer().run(inspector)
    # with lanes, the request, the start, every chunk and the final one skip the normal route
    assert (len(request_calls), len(start_calls), len(body_calls)) == ((0, 0, 0) if express else (1, 1, 1_001))
    # the lanes did the counting and judged the complete body: SEM-011 (a chunk-count hint) counts every message
    assert [v.message for v in inspector.violations] == ["response used 1001 body messages"]


def test_a_start_with_findings_takes_the_normal_route(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counted(monkeypatch, "on_start")

    async def app(scope: Any, receive_: Any, send_: Any) -> None:
        await receive_()
        await send_({"type": "http.response.start", "status": 200, "headers": [(b"Content-Type", b"text/plain")]})
        await send_({"type": "http.response.body", "body": b"ok"})

    inspector = Inspector(app, plugins=create_plugin_manager(autoload=False, env={}))
    RecordingServer().run(inspector)
    assert len(calls) == 1
    assert "HE-009" in {v.rule_id for v in inspector.violations}


def test_a_third_party_check_on_the_same_type_closes_the_lane(monkeypatch: pytest.MonkeyPatch) -> None:
    from asgion import EventCheck, hookimpl

    seen: list[Any] = []

    class Watcher:
        @hookimpl
        def asgion_event_checks(self, scope_type: str, config: Any) -> list[EventCheck]:
            return [EventCheck(lambda conn, message: seen.append(message), (), "send", ("http.response.body",))]

    calls = counted_on_body(monkeypatch)
    pm = create_plugin_manager(plugins=["http", "general", Watcher()], autoload=False, env={})
    RecordingServer().run(Inspector(streaming_app(100), plugins=pm))
    assert len(seen) == len(calls) == 101, "the plugin's check sees every chunk, so the lane stays closed"


def test_content_length_stream_stays_on_the_lane_until_it_overflows() -> None:
    async def app(scope: Any, receive_: Any, send_: Any) -> None:
        await receive_()
        await send_({"type": "http.response.start", "status": 200,
                     "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"10")]})
        for _ in range(12):
            await send_({"type": "http.response.body", "body": b"x", "more_body": True})
        await send_({"type": "http.response.body", "body": b""})

    for express in (True, False):
        inspector = Inspector(app, plugins=create_plugin_manager(autoload=False, env={}), express=express)
        RecordingServer().run(inspector)
        assert [v.rule_id for v in inspector.violations] == ["HF-018"]


# -- same findings with and without lanes, for stream-shaped scripts ------------------------------------------------
# weighted towards the lane's own form, so most scripts reach it and leave it again
bodies = st.sampled_from([b"", b"abc", b"abc", b"x" * 40, b"x" * 40, "text", None, bytearray(b"ab")])
flags = st.sampled_from([True, True, True, True, False, None, 1, "absent"])
extras = st.sampled_from([False, False, False, True])


def chunk(message_type: str, body: Any, more: Any, extra: bool) -> dict[str, Any]:
    message: dict[str, Any] = {"type": message_type, "body": body}
    if more != "absent":
        message["more_body"] = more
    if body is None:
        del message["body"]
    if extra:
        message["extra"] = float("nan")
    return message


odd_body_chunks = st.builds(chunk, st.just("http.response.body"), bodies, flags, extras)
ordinary_body_chunks = st.builds(lambda body: {"type": "http.response.body", "body": body, "more_body": True},
                                 st.sampled_from([b"", b"abc", b"x" * 40]))
body_chunks = st.sampled_from([True, True, False]).flatmap(
    lambda ordinary: ordinary_body_chunks if ordinary else odd_body_chunks)
request_chunks = st.builds(chunk, st.just("http.request"), bodies, flags, extras)


def start(status: Any, length: bytes | None, typed: bool, trailers: Any, form: str) -> dict[str, Any]:
    message: dict[str, Any] = {"type": "http.response.start", "status": status, "trailers": trailers,
                               "headers": [*([(b"content-type", b"text/plain")] if typed else []),
                                           *([(b"content-length", length)] if length else [])]}
    if trailers == "absent":
        del message["trailers"]
    if form == "tuple":
        message["headers"] = tuple(message["headers"])
    elif form == "absent":
        del message["headers"]
    elif form == "upper":
        message["headers"] = [(b"Server", b"x"), *message["headers"]]
    elif form == "lists":
        message["headers"] = [list(item) for item in message["headers"]]
    return message


starts = st.builds(
    start, st.sampled_from([200, 200, 200, 204, 304, 404, 103, 700, True, "200"]),
    st.sampled_from([None, None, b"0", b"3", b"100"]), st.sampled_from([True, True, False]),
    st.sampled_from(["absent", "absent", False, True]),
    st.sampled_from(["list", "list", "tuple", "absent", "upper", "lists"]))
others = st.one_of(
    st.builds(send, starts), st.builds(receive, request_chunks),
    st.builds(receive, st.just({"type": "http.disconnect"})),
    st.builds(send, st.just({"type": "http.response.trailers", "headers": [], "more_trailers": False})),
)
# mostly the shape of a real exchange (request chunks, a start, a stream of chunks), with anything mixed in
steps = st.builds(
    lambda requests, start, stream: [*requests, *start, *stream],
    st.lists(st.builds(receive, request_chunks), max_size=4),
    st.lists(st.builds(send, starts), max_size=1),
    st.lists(st.sampled_from([True, True, True, False]).flatmap(
        lambda chunk_next: st.builds(send, body_chunks) if chunk_next else others), max_size=12),
)


@settings(deadline=None, max_examples=400)
@given(script=steps, method=st.sampled_from(["GET", "HEAD"]))
def test_lanes_never_change_the_findings(script: list[Any], method: str) -> None:
    assert_lanes_agree(Scenario(tuple(script), scope={"method": method}))


# -- the scope lane: same findings for ordinary and odd scopes -------------------------------------------------------
_TLS = {"server_cert": None, "tls_version": 0x0304, "cipher_suite": 0x1301}
SCOPE_VALUES: dict[str, list[Any]] = {
    "asgi": [{"version": "3.0"}, {"version": "2.0", "spec_version": None}, {"version": "3.0", "spec_version": "2.5"},
             {"version": "4.0"}, {"spec_version": 2.4}, {"spec_version": "9.9"}, {"spec_version": ["2.4"]}, "3.0"],
    "http_version": ["2", "3", "1.2", 1.1],
    "method": ["POST", "get", "OPTIONS", "CONNECT", 5, "M-SEARCH", "123", ""],
    "scheme": ["https", "", "ftp", None],
    "path": ["/a b", "*", "x", b"/", ""],
    "raw_path": [None, b"/?q", "/"],
    "query_string": [b"a=1", "a=1", None],
    "root_path": ["/api", None],
    "headers": [[], [(b"Host", b"a")], [(b"host", b"a"), (b"host", b"b")], [(b":authority", b"a")], [[b"host", b"a"]],
                ((b"host", b"a"),), [(b"host", "a")], "x", [(b"", b"a")], [(b"1", b"a")], [(b"x-1", b"a")],
                [(b"host",)], [(b"host", b"a", b"b")], [[b"host"]], [(b"host", b"a"), ()]],
    "client": [["h", 1], ("h", "1"), None, ("h", True), ("h", 1, 2)],
    "server": [("/sock", None), ("s", 80, 1), None, ["s", 80]],
    "extensions": [None, {}, {"http.response.trailers": {}}, {"tls": _TLS}, {"x": 1}, []],
    "state": [{}, {"a": 1}, []],
}
EXCHANGE = (receive({"type": "http.request", "body": b""}),
            send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}),
            send({"type": "http.response.body", "body": b"ok"}))
SINGLE_CHANGES = [(key, value) for key, values in SCOPE_VALUES.items() for value in [*values, DELETE]]


@pytest.mark.parametrize(("key", "value"), SINGLE_CHANGES, ids=[f"{k}={v!r}" for k, v in SINGLE_CHANGES])
def test_the_scope_lane_agrees_on_every_single_change(key: str, value: Any) -> None:
    assert_lanes_agree(Scenario(EXCHANGE, scope={key: value}))


# pairs of changes: a lane that looked at one field too few would be caught where the other field is ordinary
scope_overrides = st.lists(st.sampled_from(sorted(SCOPE_VALUES)), max_size=3, unique=True).flatmap(
    lambda keys: st.fixed_dictionaries({key: st.sampled_from([*SCOPE_VALUES[key], DELETE]) for key in keys}))


@settings(deadline=None, max_examples=200)
@given(overrides=scope_overrides)
def test_the_scope_lane_never_changes_the_findings(overrides: dict[str, Any]) -> None:
    assert_lanes_agree(Scenario(EXCHANGE, scope=overrides))


def test_clean_starts_are_remembered_boundedly_and_only_when_clean() -> None:
    from asgion_http import start_cache

    def app_with(headers: list[tuple[bytes, bytes]]) -> Any:
        async def app(scope: Any, receive_: Any, send_: Any) -> None:
            await receive_()
            await send_({"type": "http.response.start", "status": 200,
                         "headers": [*headers, (b"x-path", scope["path"].encode())]})
            await send_({"type": "http.response.body", "body": b"ok"})
        return app

    inspector = Inspector(app_with([(b"content-type", b"text/plain; charset=utf-8")]),
                          plugins=create_plugin_manager(autoload=False, env={}))
    for n in range(start_cache.MAX_ENTRIES + 10):
        RecordingServer().run(inspector, scope=http_scope(path=f"/{n}"))
    assert inspector.violations == []
    cache = start_cache.cache_of(inspector._shared)
    assert 0 < len(cache.clean) <= start_cache.MAX_ENTRIES
    # a start with a finding (HE-009: an upper-case name) is reported, and not remembered as clean
    inspector = Inspector(app_with([(b"Content-Type", b"text/plain; charset=utf-8")]),
                          plugins=create_plugin_manager(autoload=False, env={}))
    for _ in range(2):
        RecordingServer().run(inspector)
    assert [v.rule_id for v in inspector.violations].count("HE-009") == 2
    assert start_cache.cache_of(inspector._shared).clean == {}


def test_the_start_cache_is_bounded_in_bytes_and_belongs_to_its_inspector() -> None:
    from asgion_http import start_cache

    def app_with(size: int) -> Any:
        async def app(scope: Any, receive_: Any, send_: Any) -> None:
            await receive_()
            await send_({"type": "http.response.start", "status": 200,
                         "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                     (b"x-big", scope["path"].encode() * size)]})
            await send_({"type": "http.response.body", "body": b"ok"})
        return app

    big = Inspector(app_with(100_000), plugins=create_plugin_manager(autoload=False, env={}))
    medium = Inspector(app_with(500), plugins=create_plugin_manager(autoload=False, env={}))
    for n in range(50):
        RecordingServer().run(big, scope=http_scope(path=f"/{n:04d}"))
        RecordingServer().run(medium, scope=http_scope(path=f"/{n:04d}"))
    assert start_cache.cache_of(big._shared).entries == {}, "a start larger than MAX_ENTRY_BYTES is not kept"
    kept = start_cache.cache_of(medium._shared)
    assert 0 < kept.bytes <= start_cache.MAX_BYTES and 0 < kept.clean_bytes <= start_cache.MAX_BYTES
    assert start_cache.cache_of(big._shared) is not kept


def test_clean_asgi_dicts_are_remembered_boundedly_and_only_when_clean() -> None:
    from asgion_http import express

    express._clean_asgi.clear()
    inspector = Inspector(streaming_app(1), plugins=create_plugin_manager(autoload=False, env={}))
    for n in range(express.MAX_CLEAN_ASGI + 5):  # extra keys make each dict distinct
        RecordingServer().run(inspector, scope=http_scope(asgi={"version": "3.0", "spec_version": "2.4", "n": str(n)}))
    assert inspector.violations == []
    assert len(express._clean_asgi) == express.MAX_CLEAN_ASGI
    # a dict holding anything but short strs is clean but never remembered: comparing with it could call an
    # object's own __eq__, and a remembered dict must stay small
    express._clean_asgi.clear()
    for extra in (1, "x" * 1000, ["list"]):
        RecordingServer().run(inspector, scope=http_scope(asgi={"version": "3.0", "extra": extra}))
    assert express._clean_asgi == []
    # odd dicts are judged by the full check every time and never remembered, equal or not to a clean one
    express._clean_asgi[:] = [{"version": "3.0", "spec_version": "2.4"}]
    for asgi in ({"version": "4.0", "spec_version": "2.4"}, {"version": "3.0", "spec_version": "9.9"},
                 {"version": "3.0", "spec_version": 2.4}):
        for _ in range(2):
            RecordingServer().run(inspector, scope=http_scope(asgi=asgi))
    found = sorted(v.rule_id for v in inspector.violations if v.rule_id.startswith("G-"))
    assert found == ["G-012", "G-012", "G-013", "G-013", "G-022", "G-022"]
    assert express._clean_asgi == [{"version": "3.0", "spec_version": "2.4"}]


def test_plain_addresses_are_remembered_by_identity_and_odd_ones_never() -> None:
    from asgion_http import express

    class Address(tuple):  # type: ignore[type-arg]
        pass

    client = ("127.0.0.1", 4321)
    inspector = Inspector(streaming_app(1), plugins=create_plugin_manager(autoload=False, env={}))
    RecordingServer().run(inspector, scope=http_scope(client=client))
    assert express._plain_addresses[0] is client
    # equal or not to the remembered one, an address that is not a plain (str, int) tuple is judged in full each time
    for odd in (["127.0.0.1", 4321], ("127.0.0.1", True), Address(("127.0.0.1", 4321))):
        for _ in range(2):
            RecordingServer().run(inspector, scope=http_scope(client=odd))
    assert express._plain_addresses[0] is client
    assert [v.rule_id for v in inspector.violations] == ["HS-025", "HS-025"]  # the bool port
