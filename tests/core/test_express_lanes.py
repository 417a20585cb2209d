"""The core's side of express lanes: when a lane opens, and what happens when one misbehaves."""

from __future__ import annotations

from typing import Any

from asgion import Inspector, hookimpl
from asgion_core.checks import Direction, EventCheck, ExpressCheck, ExpressScopeCheck, ScopeCheck
from asgion_core.config import AsgionConfig
from asgion_core.plugins import create_plugin_manager
from asgion_core.scenario import http_scope
from asgion_http import plugin as http_plugin
from asgion_http import response
from asgion_http import scope as http_scope_module
from tests.helpers import RecordingServer, streaming_app


def lane_plugin(func: Any, message_type: str = "http.response.body", direction: Direction = "send",
                covers: tuple[Any, ...] = ()) -> object:
    class Lanes:
        @hookimpl
        def asgion_event_checks(self, scope_type: str, config: AsgionConfig) -> list[ExpressCheck]:
            return [ExpressCheck(func, direction, message_type, covers)] if scope_type == "http" else []
    return Lanes()


def compiled(*plugins: object, express: bool = True) -> Any:
    pm = create_plugin_manager(plugins=plugins, entry_points=False, env={})
    return Inspector(streaming_app(1), plugins=pm, express=express)._protocol("http")


def never(conn: Any, message: Any) -> bool:
    return False


class Bookkeeper:
    """A plugin with one check on http.request, which a lane may cover."""

    @staticmethod
    def note(conn: Any, message: Any) -> None:
        conn.extras["requests"] = conn.extras.get("requests", 0) + 1

    @hookimpl
    def asgion_state_machine(self, scope_type: str, config: AsgionConfig) -> Any:
        from asgion_http.fsm import MACHINE
        return MACHINE if scope_type == "http" else None

    @hookimpl
    def asgion_event_checks(self, scope_type: str, config: AsgionConfig) -> list[EventCheck]:
        return [EventCheck(self.note, (), "receive", ("http.request",))]


def test_a_lane_opens_only_over_checks_it_covers() -> None:
    keeper = Bookkeeper()
    covering = lane_plugin(never, "http.request", "receive", covers=(keeper.note,))
    assert compiled(keeper, covering).express_receive == {"http.request": never}
    assert compiled(keeper, lane_plugin(never, "http.request", "receive")).express_receive == {}
    assert compiled(keeper, covering, express=False).express_receive == {}


def test_disconnect_types_and_unknown_types_get_no_lane() -> None:
    keeper = Bookkeeper()
    for message_type in ("http.disconnect", "no.such.type"):
        assert compiled(keeper, lane_plugin(never, message_type, "receive")).express_receive == {}


def test_a_raising_lane_is_isolated_and_the_normal_route_runs() -> None:
    def broken(conn: Any, message: Any) -> bool:
        raise RuntimeError("lane bug")

    # registered after the HTTP plugin, so its lane is asked first and wins the type
    lanes = lane_plugin(broken, covers=(response.on_body,))
    pm = create_plugin_manager(plugins=[http_plugin, lanes], entry_points=False, env={})
    plain = create_plugin_manager(plugins=[http_plugin], entry_points=False, env={})
    inspector = Inspector(streaming_app(10), plugins=pm)
    reference = Inspector(streaming_app(10), plugins=plain)
    assert inspector._protocol("http").express_send["http.response.body"] is broken
    server = RecordingServer()
    server.run(inspector)
    RecordingServer().run(reference)
    assert len(server.sent) == 12
    assert [v.message for v in inspector.violations] == [v.message for v in reference.violations]
    assert [(e.plugin, e.error) for e in inspector.internal_errors] == [("Lanes", "RuntimeError: lane bug")]


def test_messages_a_lane_cannot_look_up_take_the_normal_route() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": ["not", "hashable"]})
        await send({"no": "type"})
        await send(["not a dict"])

    inspector = Inspector(app, plugins=create_plugin_manager(autoload=False, env={}))
    server = RecordingServer()
    server.run(inspector)
    assert len(server.sent) == 3 and inspector.internal_errors == []
    assert {"G-005", "G-006", "G-007"} <= {v.rule_id for v in inspector.violations}


# -- the scope lane ---------------------------------------------------------------------------------------------------
class ScopeWatcher:
    """A third-party scope check the HTTP scope lane does not cover: it must run whether or not the lane is taken."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl
    def asgion_scope_checks(self, scope_type: str, config: AsgionConfig) -> list[ScopeCheck]:
        return [ScopeCheck(lambda conn, scope: self.seen.append(scope["path"]), ())]


def counted_scope_checks(monkeypatch: Any) -> list[str]:
    """Count calls of the http plugin's field check (a lane covers whatever check_scope is at compile time)."""
    calls: list[str] = []
    original = http_scope_module.check_scope

    def check_scope(conn: Any, scope: Any) -> None:
        calls.append(scope["path"])
        original(conn, scope)

    monkeypatch.setattr(http_scope_module, "check_scope", check_scope)
    return calls


def test_the_scope_lane_skips_the_checks_it_covers_and_no_other(monkeypatch: Any) -> None:
    calls = counted_scope_checks(monkeypatch)
    watcher = ScopeWatcher()
    pm = create_plugin_manager(plugins=["general", "http", watcher], autoload=False, env={})
    inspector = Inspector(streaming_app(1), plugins=pm)
    RecordingServer().run(inspector)  # an ordinary scope: the lane proves it clean
    RecordingServer().run(inspector, scope=http_scope(path="/x", headers=[(b"Host", b"a")]))  # not ordinary
    assert calls == ["/x"]
    assert watcher.seen == ["/", "/x"]
    assert [v.rule_id for v in inspector.violations] == ["HS-024"]


def test_a_raising_scope_lane_is_isolated_and_every_check_runs(monkeypatch: Any) -> None:
    calls = counted_scope_checks(monkeypatch)

    def broken(conn: Any, scope: Any) -> bool:
        raise RuntimeError("scope lane bug")

    class Lane:
        @hookimpl(tryfirst=True)
        def asgion_scope_checks(self, scope_type: str, config: AsgionConfig) -> list[ExpressScopeCheck]:
            return [ExpressScopeCheck(broken, covers=(http_scope_module.check_scope,))]

    pm = create_plugin_manager(plugins=["general", "http", Lane()], autoload=False, env={})
    inspector = Inspector(streaming_app(1), plugins=pm)
    assert inspector._protocol("http").scope_lane is broken
    RecordingServer().run(inspector, scope=http_scope(method="get"))
    assert calls == ["/"]
    assert [v.rule_id for v in inspector.violations] == ["HS-007"]
    assert [(e.plugin, e.error) for e in inspector.internal_errors] == [("Lane", "RuntimeError: scope lane bug")]


def test_express_false_closes_the_scope_lane() -> None:
    assert compiled(http_plugin, express=False).scope_lane is None
    assert compiled(http_plugin).scope_lane is not None
