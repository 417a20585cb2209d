"""The test clients ``pytest --asgi-auto`` wraps out of the box, as a plugin of the ``asgion_test_transports`` hook.

Each entry patches a method of an installed framework's class (imported only when auto inspection is on) so that
the code which calls the app is handed a :class:`~asgion_core.pytest_auto.ClientView` of its object, whose ``app``
is the Inspector of the object's current app. Nothing the user holds is changed: ``client.app``,
``transport.app`` and ``manager.app`` stay theirs.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

from asgion_core.hookspecs import hookimpl
from asgion_core.pytest_auto import AppView, ClientView, TestTransport, Wrap


@hookimpl
def asgion_test_transports() -> list[TestTransport]:
    return [
        TestTransport("starlette.testclient.TestClient", "starlette.testclient", _starlette_test_client),
        TestTransport("httpx.ASGITransport", "httpx", _httpx_asgi_transport),
        TestTransport("httpx2.ASGITransport", "httpx2", _httpx_asgi_transport),  # httpx's successor, same API
        TestTransport("litestar.testing (TestClient, AsyncTestClient)", "litestar.testing", _litestar_test_clients),
        TestTransport("quart test client", "quart.testing.connections", _quart_test_connections),
        TestTransport("asgi_lifespan.LifespanManager", "asgi_lifespan", _lifespan_manager),
    ]


def _patch(owner: type, name: str, replacement: Callable[..., Any]) -> Callable[[], None]:
    """Set ``owner.name`` to ``replacement`` and return how to put the original back."""
    original = owner.__dict__[name]
    setattr(owner, name, functools.wraps(original)(replacement))
    return lambda: setattr(owner, name, original)


def _undo_all(*undo: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        for step in reversed(undo):
            step()

    return run


def _viewed_method(owner: type, name: str, wrap: Wrap) -> Callable[[], None]:
    """Patch the method ``owner.name`` (sync or async) to run on a view of its object whose ``app`` is inspected."""
    original = owner.__dict__[name]
    if inspect.iscoroutinefunction(original):

        async def async_method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return await original(ClientView(self, wrap), *args, **kwargs)

        return _patch(owner, name, async_method)

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return original(ClientView(self, wrap), *args, **kwargs)

    return _patch(owner, name, method)


def _starlette_test_client(module: ModuleType, wrap: Wrap) -> Callable[[], None]:
    """Starlette's (and FastAPI's) TestClient: its transport's requests and WebSocket sessions, and the lifespan it
    runs in ``with TestClient(app)``."""
    return _undo_all(_viewed_method(module._TestClientTransport, "handle_request", wrap),
                     _viewed_method(module.TestClient, "lifespan", wrap))


def _httpx_asgi_transport(module: ModuleType, wrap: Wrap) -> Callable[[], None]:
    """httpx's (or httpx2's) ASGITransport (``AsyncClient(transport=ASGITransport(app))``)."""
    return _viewed_method(module.ASGITransport, "handle_async_request", wrap)


def _litestar_test_clients(module: ModuleType, wrap: Wrap) -> Callable[[], None]:
    """Litestar's TestClient and AsyncTestClient (``create_test_client`` too): their transport, WebSocket sessions
    and lifespan handler read ``client.app``; each is given a view of the client."""
    transport_module = __import__("litestar.testing.transport", fromlist=["TestClientTransport"])
    lifespan_module = __import__("litestar.testing.life_span_handler", fromlist=["LifeSpanHandler"])
    undo = []
    for cls in (transport_module.TestClientTransport, lifespan_module.LifeSpanHandler):
        init = cls.__dict__["__init__"]

        def __init__(self: Any, client: Any, *args: Any, _original: Any = init, **kwargs: Any) -> None:
            viewed = client if isinstance(client, ClientView) else ClientView(client, wrap)
            _original(self, viewed, *args, **kwargs)

        undo.append(_patch(cls, "__init__", __init__))
    return _undo_all(*undo)


def _quart_test_connections(module: ModuleType, wrap: Wrap) -> Callable[[], None]:
    """Quart's test client: each HTTP and WebSocket test connection (made per request, never the user's) calls its
    ``app`` and reads its attributes (``response_class``); it gets an :class:`AppView` called through the
    Inspector."""
    undo = []
    for cls in (module.TestHTTPConnection, module.TestWebsocketConnection):
        init = cls.__dict__["__init__"]

        def __init__(self: Any, app: Any, *args: Any, _original: Any = init, **kwargs: Any) -> None:
            _original(self, app, *args, **kwargs)
            if self.app is app and not isinstance(app, AppView):
                self.app = AppView(app, wrap(app))

        undo.append(_patch(cls, "__init__", __init__))
    return _undo_all(*undo)


def _lifespan_manager(module: ModuleType, wrap: Wrap) -> Callable[[], None]:
    """asgi-lifespan's LifespanManager: the lifespan it runs is inspected by the Inspector of ``manager.app``,
    the same one the transport a test builds on ``manager.app`` uses."""
    return _viewed_method(module.LifespanManager, "run_app", wrap)

