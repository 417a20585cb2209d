"""Where a finding points: the route's endpoint read from the scope, the line that raised, whose code a frame is."""

from __future__ import annotations

import contextlib
import functools
import sys
from typing import Any

from asgion_core.location import DEFAULT_BLAME, Blame, endpoint_location, installed_code, raise_origin


async def handler(request: Any) -> None:
    """A user's endpoint."""


class ClassEndpoint:
    """A user's class-based endpoint (Starlette's HTTPEndpoint style)."""

    def __init__(self, scope: Any, receive: Any, send: Any) -> None:
        pass


class AsgiObject:
    """A user's ASGI app object, mounted as a route's app."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        pass


class Route:
    def __init__(self, endpoint: Any) -> None:
        self.endpoint = endpoint


class Hostile:
    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("no attributes here")


def test_the_endpoint_is_found_through_routes_partials_and_wrappers() -> None:
    line = handler.__code__.co_firstlineno

    @functools.wraps(handler)
    async def decorated(request: Any) -> None:
        pass

    for value in (handler, functools.partial(handler), Route(handler)):
        found = endpoint_location({"endpoint": value})
        assert found is not None and (found.file, found.line, found.function) == (__file__, line, "handler")
    wrapped = endpoint_location({"route": Route(decorated)})
    assert wrapped is not None and wrapped.file == __file__
    assert endpoint_location({"route_handler": Route(Route(handler))}) == endpoint_location({"endpoint": handler})


def test_classes_and_app_objects_point_at_their_class() -> None:
    found = endpoint_location({"endpoint": ClassEndpoint})
    assert found is not None and found.function == "ClassEndpoint"
    instance = endpoint_location({"endpoint": AsgiObject()})
    assert instance is not None and instance.function == "AsgiObject"


def test_no_endpoint_or_a_hostile_one_gives_no_location() -> None:
    assert endpoint_location({}) is None
    assert endpoint_location({"endpoint": Hostile()}) is None
    assert endpoint_location({"endpoint": len}) is None, "a builtin has no source file"
    assert endpoint_location({"endpoint": 42}) is None


def test_installed_code_is_told_apart_from_the_users() -> None:
    from starlette.responses import PlainTextResponse
    from starlette.staticfiles import StaticFiles

    assert installed_code(PlainTextResponse) and installed_code(StaticFiles(directory=".", check_dir=False))
    assert not installed_code(handler) and not installed_code(AsgiObject())
    assert not installed_code(Hostile())


def test_the_raise_in_the_users_code_wins_over_library_frames() -> None:
    def fail() -> None:
        import json

        json.loads("{")  # raises inside the standard library, below the user's frame

    try:
        fail()
    except ValueError as exc:
        origin = raise_origin(exc)
    assert origin.user and origin.location is not None
    assert origin.location.function == "fail" and origin.location.file == __file__


def test_blame_settings_move_modules_across_the_line() -> None:
    frame = sys._getframe()
    assert DEFAULT_BLAME.kind(frame) == "user"
    assert Blame.of(library_packages=["tests"]).kind(frame) == "library"
    assert Blame.of(user_packages=["tests"], library_packages=["other"]).kind(frame) == "user"


def test_a_send_from_a_task_is_never_blamed_on_whoever_runs_the_loop() -> None:
    """The frames beyond an event loop's callback are the loop's caller (here this test), not the app."""
    import asyncio

    from asgion_core.inspector import Inspector

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        # the send runs as a task of its own: only the loop's frames are above it
        await asyncio.ensure_future(send({"type": "http.response.body", "body": b"early"}))

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        return None

    inspector = Inspector(app)
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "", "headers": [],
             "client": None, "server": None}
    asyncio.run(inspector(scope, receive, send))
    [hf002] = [v for v in inspector.violations if v.rule_id == "HF-002"]
    assert hf002.location is None or "test_location" not in hf002.location.file, hf002.location


class Forwarding:
    """A pure ASGI middleware of the user's that only passes the connection on."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


async def short_body(request: Any) -> Any:
    from starlette.responses import Response

    return Response(b"abc", media_type="text/plain; charset=utf-8", headers={"content-length": "10"})


def test_a_middleware_that_only_forwards_is_not_blamed_for_what_the_framework_sent() -> None:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.base import BaseHTTPMiddleware
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from asgion_core.inspector import Inspector

    class Noop(BaseHTTPMiddleware):
        async def dispatch(self, request: Any, call_next: Any) -> Any:
            return await call_next(request)

    found = {}
    for name, middleware in {"plain": [Middleware(Noop)],
                             "forwarding": [Middleware(Forwarding), Middleware(Noop)]}.items():
        inspector = Inspector(Starlette(routes=[Route("/", short_body)], middleware=middleware))
        TestClient(inspector).get("/")
        [sem003] = [v for v in inspector.violations if v.rule_id == "SEM-003"]
        found[name] = sem003
    for sem003 in found.values():
        assert sem003.owner == "framework" and sem003.location is not None
        assert (sem003.location.function, sem003.location.file) == ("short_body", __file__)
        assert sem003.sent_from is not None and "starlette" in sem003.sent_from.file
    assert found["plain"].sent_from == found["forwarding"].sent_from


def test_a_users_own_app_that_calls_a_framework_response_keeps_the_blame() -> None:
    """The user's line that built and called the response is the place to look, whatever the scope names."""
    from starlette.responses import Response
    from starlette.testclient import TestClient

    from asgion_core.inspector import Inspector

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await Response(b"abc", headers={"content-length": "10"})(scope, receive, send)

    inspector = Inspector(app)
    TestClient(inspector).get("/")
    [sem003] = [v for v in inspector.violations if v.rule_id == "SEM-003"]
    assert sem003.location is not None and sem003.location.function == "app" and sem003.location.file == __file__
    assert sem003.owner == "app", "the response object is the user's choice, not an app the user's code wraps"


def test_a_middleware_that_sends_a_response_of_its_own_is_blamed_after_routing_too() -> None:
    """The router wrote the endpoint into the scope, but the bad second response is the middleware's own."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from asgion_core.inspector import Inspector

    class Again:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await self.app(scope, receive, send)
            if scope["type"] == "http":
                await PlainTextResponse("again")(scope, receive, send)

    inspector = Inspector(Starlette(routes=[Route("/", short_body)], middleware=[Middleware(Again)]))
    with contextlib.suppress(Exception):  # the test client may refuse the second start
        TestClient(inspector).get("/")
    [hf003] = [v for v in inspector.violations if v.rule_id == "HF-003"]
    assert hf003.owner == "app" and hf003.location is not None and hf003.location.function == "__call__"
    assert hf003.location.file == __file__ and hf003.sent_from is None
