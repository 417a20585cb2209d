"""The test clients ``pytest --asgi-auto`` wraps out of the box, as a plugin of the ``asgion_test_transports`` hook.

Each entry patches a class of an installed framework (imported only when auto inspection is on) so that the app it
drives is the Inspector, while the user's objects keep the user's app: ``client.app`` is untouched, and where the
framework's own code reads ``client.app`` it is handed a :class:`~asgion_core.pytest_auto.ClientView` instead.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from types import ModuleType
from typing import Any

from asgion_core.hookspecs import hookimpl
from asgion_core.pytest_auto import AppView, ClientView, TestTransport, Wrap

_INSPECTOR = "_asgion_inspector"


@hookimpl
def asgion_test_transports() -> list[TestTransport]:
    return [
        TestTransport("starlette.testclient.TestClient", "starlette.testclient", _starlette_test_client),
        TestTransport("httpx.ASGITransport", "httpx", _httpx_asgi_transport),
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


def _starlette_test_client(module: ModuleType, wrap: Wrap) -> Callable[[], None]:
    """Starlette's (and FastAPI's) TestClient: its transport gets the Inspector for HTTP and WebSocket, and the
    lifespan it runs in ``with TestClient(app)`` sees a client view whose ``app`` is the Inspector."""
    cls = module.TestClient
    init, lifespan = cls.__dict__["__init__"], cls.__dict__["lifespan"]

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        transport: Any = getattr(self, "_transport", None)
        if transport is not None and getattr(transport, "app", None) is self.app:
            inspector = wrap(self.app)
            transport.app = inspector
            self.__dict__[_INSPECTOR] = inspector

    async def run_lifespan(self: Any) -> None:
        inspector = self.__dict__.get(_INSPECTOR)
        await lifespan(self if inspector is None else ClientView(self, inspector))

    return _undo_all(_patch(cls, "__init__", __init__), _patch(cls, "lifespan", run_lifespan))


def _httpx_asgi_transport(module: ModuleType, wrap: Wrap) -> Callable[[], None]:
    """httpx's ASGITransport (``AsyncClient(transport=ASGITransport(app))``): the transport drives the Inspector."""
    return _wrap_app_attribute(module.ASGITransport, wrap)


def _wrap_app_attribute(cls: type, wrap: Wrap) -> Callable[[], None]:
    """Patch ``cls`` so that the ``app`` attribute its constructor sets is wrapped."""
    init = cls.__dict__["__init__"]

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.app = wrap(self.app)

    return _patch(cls, "__init__", __init__)


def _litestar_test_clients(module: ModuleType, wrap: Wrap) -> Callable[[], None]:
    """Litestar's TestClient and AsyncTestClient (``create_test_client`` too): their transport, WebSocket sessions
    and lifespan handler read ``client.app``; each is given a client view whose ``app`` is the client's Inspector."""
    transport_module = __import__("litestar.testing.transport", fromlist=["TestClientTransport"])
    lifespan_module = __import__("litestar.testing.life_span_handler", fromlist=["LifeSpanHandler"])
    undo = []
    for cls in (transport_module.TestClientTransport, lifespan_module.LifeSpanHandler):
        init = cls.__dict__["__init__"]

        def __init__(self: Any, client: Any, *args: Any, _original: Any = init, **kwargs: Any) -> None:
            _original(self, _viewed(client, wrap), *args, **kwargs)

        undo.append(_patch(cls, "__init__", __init__))
    return _undo_all(*undo)


def _viewed(client: Any, wrap: Wrap) -> Any:
    """``client`` seen through a view whose ``app`` is its Inspector (one Inspector per client, made once)."""
    if isinstance(client, ClientView) or not hasattr(client, "app"):
        return client
    inspector = client.__dict__.get(_INSPECTOR)
    if inspector is None:
        inspector = client.__dict__[_INSPECTOR] = wrap(client.app)
    return ClientView(client, inspector)


def _quart_test_connections(module: ModuleType, wrap: Wrap) -> Callable[[], None]:
    """Quart's test client: each HTTP and WebSocket test connection calls ``self.app`` and reads its attributes
    (``response_class``); it gets an :class:`AppView`, called through the app's Inspector (one per app)."""
    inspectors: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
    undo = []
    for cls in (module.TestHTTPConnection, module.TestWebsocketConnection):
        init = cls.__dict__["__init__"]

        def __init__(self: Any, app: Any, *args: Any, _original: Any = init, **kwargs: Any) -> None:
            _original(self, app, *args, **kwargs)
            if self.app is app and not isinstance(app, AppView):
                if app not in inspectors:
                    inspectors[app] = wrap(app)
                self.app = AppView(app, inspectors[app])

        undo.append(_patch(cls, "__init__", __init__))
    return _undo_all(*undo)


def _lifespan_manager(module: ModuleType, wrap: Wrap) -> Callable[[], None]:
    """asgi-lifespan's LifespanManager: the app it runs (``manager.app``, the user's app with lifespan state) is
    the Inspector, so requests a test then sends through ``ASGITransport(app=manager.app)`` share it."""
    return _wrap_app_attribute(module.LifespanManager, wrap)
