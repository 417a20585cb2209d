"""The in-process driver: a faithful ASGI server for ``asgion check`` (DESIGN section 6).

It behaves like uvicorn so correct apps are never blamed for the driver's shortcuts: lifespan startup first (and
"lifespan unsupported" when the app raises before answering), the requests one by one with realistic scopes and
the lifespan ``state`` copied into each, ``http.disconnect`` on the receive after the request body once the
response is complete, then shutdown. Timeouts behave like a real client: at the deadline the client disconnects
(a pending or later ``receive()`` returns ``http.disconnect`` and ``send()`` raises ``OSError``), the app gets a
grace period, then it is cancelled, and an app that ignores cancellation is abandoned.

Everything runs on an event loop in a daemon thread, watched from the calling thread, so even an app that blocks
the event loop (``time.sleep`` in a handler) cannot hang the CLI: it is reported as a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from asgion_cli.requests import RequestSpec
from asgion_core.inspector import Inspector
from asgion_core.report import ScopeResult

SPEC_VERSION = "2.4"
CLIENT = ("127.0.0.1", 50123)
SERVER = ("127.0.0.1", 8000)
App = Callable[..., Awaitable[Any]]


@dataclass
class DriveResult:
    """What the driver did, in order, plus how lifespan went."""

    results: list[ScopeResult] = field(default_factory=list)
    lifespan: str = "not run"  # not run, unsupported, complete, failed, unanswered, not validated
    notes: list[str] = field(default_factory=list)
    blocked: bool = False


class Driver:
    """Drive ``inspector`` (wrapping the app) through lifespan and the given requests."""

    def __init__(self, inspector: Inspector, *, timeout: float = 5.0, lifespan: bool = True,
                 grace: float | None = None) -> None:
        self.inspector = inspector
        self.timeout = timeout
        self.lifespan = lifespan
        self.grace = grace if grace is not None else min(1.0, max(0.1, timeout / 5))
        self.outcome = DriveResult()
        self._state: dict[str, Any] = {}
        self._current: tuple[str, str, dict[str, Any] | None, float] | None = None
        self._lock = threading.Lock()

    # -- the thread and its watchdog -------------------------------------------------------------------------------
    def run(self, requests: list[RequestSpec]) -> DriveResult:
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(lambda loop, context: None)
        thread = threading.Thread(target=loop.run_until_complete, args=(self._main(requests),), daemon=True,
                                  name="asgion-driver")
        thread.start()
        budget = self.timeout + 3 * self.grace + 1.0
        while thread.is_alive():
            thread.join(0.05)
            with self._lock:
                current = self._current
            if current is not None and time.monotonic() - current[3] > budget:
                self._blocked(current)
                break
        return self.outcome

    def _blocked(self, current: tuple[str, str, dict[str, Any] | None, float]) -> None:
        label, scope_type, scope, _ = current
        snapshot = self.inspector.open_result(scope) if scope is not None else None
        result = snapshot or ScopeResult(label=label, scope_type=scope_type)
        result.label = label
        result.timed_out = True
        result.notes.append("the app blocked the event loop (synchronous work in async code?); "
                            "the remaining steps were not run")
        self.outcome.results.append(result)
        self.outcome.blocked = True

    def _enter(self, label: str, scope_type: str, scope: dict[str, Any] | None) -> None:
        with self._lock:
            self._current = (label, scope_type, scope, time.monotonic())

    def _leave(self) -> None:
        with self._lock:
            self._current = None

    # -- the run ---------------------------------------------------------------------------------------------------
    async def _main(self, requests: list[RequestSpec]) -> None:
        lifespan: _Lifespan | None = None
        if self.lifespan:
            lifespan = _Lifespan(self)
            proceed = await lifespan.startup()
            if not proceed:
                return
        for request in requests:
            await self._http(request)
        if lifespan is not None:
            await lifespan.shutdown()

    def _record(self, before: int, label: str, scope_type: str, scope: dict[str, Any], timed_out: bool,
                note: str = "") -> None:
        """Take the inspector's result for the scope just driven (or a snapshot if the app never finished)."""
        fresh = self.inspector.results[before:] if before < len(self.inspector.results) else []
        result = next((r for r in fresh if r.scope_type == scope_type), None)
        if result is None:
            result = self.inspector.open_result(scope) or ScopeResult(label=label, scope_type=scope_type)
        result.label = label
        if timed_out:
            result.timed_out = True
        if note:
            result.notes.append(note)
        self.outcome.results.append(result)

    async def _http(self, request: RequestSpec) -> None:
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": SPEC_VERSION},
            "http_version": "1.1",
            "method": request.method,
            "scheme": "http",
            "path": request.path,
            "raw_path": request.raw_path,
            "query_string": request.query_string,
            "root_path": "",
            "headers": _request_headers(request),
            "client": CLIENT,
            "server": SERVER,
            "state": dict(self._state),
        }
        exchange = _Exchange(request)
        before = len(self.inspector.results)
        self._enter(request.label, "http", scope)
        task = asyncio.ensure_future(self.inspector(scope, exchange.receive, exchange.send))
        timed_out, note = await self._wait(task, exchange.disconnect)
        self._leave()
        self._record(before, request.label, "http", scope, timed_out, note)

    async def _wait(self, task: asyncio.Future[Any], disconnect: Callable[[], None]) -> tuple[bool, str]:
        """Wait for the app; on timeout disconnect, then cancel, then abandon. Returns (timed_out, note)."""
        done, _ = await asyncio.wait({task}, timeout=self.timeout)
        if done:
            _consume(task)
            return False, ""
        disconnect()
        done, _ = await asyncio.wait({task}, timeout=self.grace)
        if done:
            _consume(task)
            return True, f"no response within {self.timeout:g}s; the client disconnected and the app then stopped"
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=self.grace)
        if done:
            _consume(task)
            return True, f"no response within {self.timeout:g}s; the app was cancelled"
        return True, f"no response within {self.timeout:g}s; the app ignored cancellation and was abandoned"


def _consume(task: asyncio.Future[Any]) -> None:
    """Retrieve the task's exception so asyncio does not log it; the inspector has already recorded it."""
    if not task.cancelled():
        task.exception()


def _request_headers(request: RequestSpec) -> list[tuple[bytes, bytes]]:
    names = {name for name, _ in request.headers}
    headers = list(request.headers)
    if b"host" not in names:
        headers.insert(0, (b"host", f"{SERVER[0]}:{SERVER[1]}".encode()))
    if request.body and b"content-length" not in names:
        headers.append((b"content-length", str(len(request.body)).encode()))
    if b"user-agent" not in names:
        headers.append((b"user-agent", b"asgion"))
    return headers


class _Exchange:
    """The client side of one HTTP request: request body chunks, then waiting for the response to finish."""

    def __init__(self, request: RequestSpec) -> None:
        self.chunks = list(request.chunks) or [b""]
        self.closed = asyncio.Event()
        self.started = False
        self.trailers = False
        self.body_done = False

    def disconnect(self) -> None:
        self.closed.set()

    async def receive(self) -> dict[str, Any]:
        if self.chunks and not self.closed.is_set():
            chunk = self.chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(self.chunks)}
        await self.closed.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        if self.closed.is_set():
            raise OSError("the client has disconnected")
        message_type = message.get("type") if isinstance(message, dict) else None
        if message_type == "http.response.start" and not self.started:
            self.started = True
            self.trailers = bool(message.get("trailers", False))
        elif message_type in ("http.response.body", "http.response.zerocopysend") and self.started:
            if not message.get("more_body", False):
                self.body_done = True
        elif message_type == "http.response.pathsend" and self.started:
            self.body_done = True
        elif message_type == "http.response.trailers" and self.body_done and not message.get("more_trailers"):
            self.trailers = False
        if self.body_done and not self.trailers:
            # the response is complete: the connection closes, and the next receive() reports it
            self.closed.set()


class _Lifespan:
    """The lifespan protocol from the server side (specs/lifespan.rst)."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[Any] = asyncio.Queue()
        self.task: asyncio.Future[Any] | None = None
        self.scope: dict[str, Any] = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
                                      "state": {}}
        self.before = 0
        self.validated = driver.inspector.handles("lifespan")

    async def startup(self) -> bool:
        """Run startup; return whether the requests should run."""
        driver = self.driver
        app = driver.inspector if self.validated else driver.inspector.app
        self.before = len(driver.inspector.results)
        driver._enter("lifespan", "lifespan", self.scope)
        self.task = asyncio.ensure_future(app(self.scope, self.to_app.get, self.from_app.put))
        await self.to_app.put({"type": "lifespan.startup"})
        reply = await self._reply()
        driver._leave()
        if reply is None:
            return True
        if reply == "lifespan.startup.complete":
            state = self.scope.get("state")
            driver._state = state if isinstance(state, dict) else {}
            driver.outcome.lifespan = "complete" if self.validated else "not validated"
            return True
        if reply == "lifespan.startup.failed":
            driver.outcome.lifespan = "failed"
            driver.outcome.notes.append("lifespan startup failed: no requests were made and no shutdown was sent")
            self._finish()
            return False
        return True

    async def _reply(self) -> str | None:
        """The next lifespan reply type, or None when the app ended or did not answer in time."""
        assert self.task is not None
        getter = asyncio.ensure_future(self.from_app.get())
        done, _ = await asyncio.wait({getter, self.task}, timeout=self.driver.timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if getter in done:
            message = getter.result()
            return message.get("type") if isinstance(message, dict) else "?"
        getter.cancel()
        if self.task in done:
            exc = None if self.task.cancelled() else self.task.exception()
            if exc is not None and self.driver.outcome.lifespan == "not run":
                self.driver.outcome.lifespan = "unsupported"
                self.driver.outcome.notes.append(
                    f"lifespan unsupported: the app raised {type(exc).__name__} on the lifespan scope")
                self._forget()
            else:
                self.driver.outcome.lifespan = "unanswered"
                self._finish()
            return None
        self.driver.outcome.lifespan = "unanswered"
        self.driver.outcome.notes.append(f"lifespan: no reply within {self.driver.timeout:g}s")
        return None

    def _forget(self) -> None:
        """A lifespan-unsupported app: its scope result is no finding and is not shown."""
        results = self.driver.inspector.results[self.before:]
        for result in results:
            if result.scope_type == "lifespan":
                result.notes.append("lifespan unsupported")

    async def shutdown(self) -> None:
        if self.task is None or self.task.done():
            return
        driver = self.driver
        driver._enter("lifespan", "lifespan", self.scope)
        await self.to_app.put({"type": "lifespan.shutdown"})
        await self._reply()
        done, _ = await asyncio.wait({self.task}, timeout=driver.grace)
        if not done:
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.wait({self.task}, timeout=driver.grace)
        driver._leave()
        self._finish()

    def _finish(self, note: str = "") -> None:
        if not self.validated:
            return
        driver = self.driver
        fresh = driver.inspector.results[self.before:]
        result = next((r for r in fresh if r.scope_type == "lifespan"), None)
        if result is None:
            result = driver.inspector.open_result(self.scope)
        if result is not None:
            if note:
                result.notes.append(note)
            driver.outcome.results.insert(0, result)
