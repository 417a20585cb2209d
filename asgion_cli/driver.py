"""The in-process driver: a faithful ASGI server for ``asgion check`` (DESIGN section 6).

It behaves like uvicorn so correct apps are never blamed for the driver's shortcuts: lifespan startup first
("lifespan unsupported" when the app raises before answering; after ``startup.failed`` no request is made and no
shutdown sent), the connections one by one with realistic scopes and the lifespan ``state`` copied into each,
``http.disconnect`` on the receive after the request body once the response is complete, WebSocket sessions that
wait for the handshake before sending frames, then shutdown. Timeouts behave like a real client: at the deadline
the client disconnects (a pending or later ``receive()`` reports it and ``send()`` raises ``OSError``), the app
gets a grace period, then it is cancelled, and an app that ignores cancellation is abandoned.

Everything runs on an event loop in a daemon thread, watched from the calling thread, so even an app that blocks
the event loop (``time.sleep`` in a handler) cannot hang the CLI: it is reported as a timeout.
"""

from __future__ import annotations

import asyncio
import base64
import os
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from asgion_cli.requests import ConnectionSpec
from asgion_core.inspector import Inspector
from asgion_core.report import ScopeResult
from asgion_core.violation import SourceLocation, Violation

SPEC_VERSION = "2.4"
CLIENT = ("127.0.0.1", 50123)
SERVER = ("127.0.0.1", 8000)
#: How long a WebSocket client waits for more messages from the app before it closes the session.
QUIET_SECONDS = 0.2
Waiter = Callable[[], Awaitable[Any]]


class AppExit(Exception):
    """The app called ``sys.exit()`` or raised KeyboardInterrupt; carried as an ordinary exception by the driver."""


@dataclass
class DriveResult:
    """What the driver did, in order, plus how lifespan went."""

    results: list[ScopeResult] = field(default_factory=list)
    lifespan: str = "not run"  # not run, unsupported, complete, failed, unanswered
    notes: list[str] = field(default_factory=list)
    #: The message of lifespan.startup.failed, when startup failed.
    startup_failure: str | None = None


class Driver:
    """Drive ``inspector`` (wrapping the app) through lifespan and the given connections."""

    def __init__(self, inspector: Inspector, *, timeout: float = 5.0, lifespan: bool = True,
                 grace: float | None = None, on_progress: Callable[[int, str], None] | None = None) -> None:
        self.inspector = inspector
        self.timeout = timeout
        self.lifespan = lifespan
        self.grace = grace if grace is not None else min(1.0, max(0.1, timeout / 5))
        self.outcome = DriveResult()
        self.state: dict[str, Any] = {}
        self._current: tuple[str, str, dict[str, Any], float] | None = None
        self._lifespan: _Lifespan | None = None
        self._lock = threading.Lock()
        #: Called from the watchdog loop (the caller's thread) with the connections done and the current label.
        self.on_progress = on_progress
        self.done = 0

    # -- the thread and its watchdog -------------------------------------------------------------------------------
    def run(self, connections: list[ConnectionSpec]) -> DriveResult:
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(lambda loop, context: None)
        thread = threading.Thread(target=loop.run_until_complete, args=(self._main(connections),), daemon=True,
                                  name="asgion-driver")
        thread.start()
        budget = self.timeout + 3 * self.grace + 1.0
        while thread.is_alive():
            thread.join(0.05)
            with self._lock:
                current = self._current
            if self.on_progress is not None:
                self.on_progress(self.done, current[0] if current is not None else "")
            if current is not None and time.monotonic() - current[3] > budget:
                self._blocked(*current[:3])
                break
        return self.outcome

    def _blocked(self, label: str, scope_type: str, scope: dict[str, Any]) -> None:
        result = self.inspector.open_result(scope) or ScopeResult(label=label, scope_type=scope_type)
        result.label = label
        result.timed_out = True
        result.notes.append("the app blocked the event loop (synchronous work in async code?); "
                            "the remaining steps were not run")
        lifespan = self._lifespan
        if lifespan is not None and scope is not lifespan.scope and not lifespan.filed:
            lifespan.file()  # the loop is stuck: the lifespan scope is filed from here, as it stands
        self.outcome.results.append(result)

    def enter(self, label: str, scope_type: str, scope: dict[str, Any]) -> None:
        with self._lock:
            self._current = (label, scope_type, scope, time.monotonic())

    def leave(self) -> None:
        with self._lock:
            self._current = None

    # -- the run ---------------------------------------------------------------------------------------------------
    async def _main(self, connections: list[ConnectionSpec]) -> None:
        lifespan = self._lifespan = _Lifespan(self) if self.lifespan else None
        try:
            if lifespan is not None and not await lifespan.startup():
                return
            for spec in connections:
                if spec.websocket:
                    await self._websocket(spec)
                else:
                    await self._http(spec)
                self.done += 1
            if lifespan is not None:
                await lifespan.shutdown()
        finally:
            if lifespan is not None:
                await lifespan.finish()  # whatever happened, the lifespan scope is in the report

    def base_scope(self, spec: ConnectionSpec, scope_type: str) -> dict[str, Any]:
        return {
            "type": scope_type,
            "asgi": {"version": "3.0", "spec_version": SPEC_VERSION},
            "http_version": "1.1",
            "scheme": spec.scheme,
            "path": spec.path,
            "raw_path": spec.raw_path,
            "query_string": spec.query_string,
            "root_path": "",
            "client": CLIENT,
            "server": SERVER,
            "state": dict(self.state),
        }

    async def _http(self, spec: ConnectionSpec) -> None:
        scope = self.base_scope(spec, "http")
        scope["method"] = spec.method
        scope["headers"] = _http_headers(spec)
        exchange = _HttpExchange(spec)
        await self._drive(spec, scope, exchange.receive, exchange.send, exchange.disconnect)

    async def _websocket(self, spec: ConnectionSpec) -> None:
        scope = self.base_scope(spec, "websocket")
        scope["headers"] = _websocket_headers(spec)
        scope["subprotocols"] = list(spec.subprotocols)
        scope["extensions"] = {"websocket.http.response": {}}
        session = _WebSocketSession(spec)
        talker = asyncio.ensure_future(session.talk(close_first=spec.scenario == "client closes first"))
        await self._drive(spec, scope, session.receive, session.send, session.disconnect)
        talker.cancel()

    async def _drive(self, spec: ConnectionSpec, scope: dict[str, Any], receive: Waiter,
                     send: Callable[[Any], Awaitable[None]], disconnect: Callable[[], None]) -> None:
        before = len(self.inspector.results)
        label = self.inspector.redactor.label(spec.label)  # no credential of the query string in the report
        self.enter(label, scope["type"], scope)
        task = asyncio.ensure_future(self.call(scope, receive, send))
        timed_out, note = await self.wait(task, disconnect)
        self.leave()
        self.record(before, label, scope, timed_out, note)
        if spec.handler is not None:
            result = self.outcome.results[-1]
            result.violations = [_at_handler(v, spec.handler) for v in result.violations]

    async def call(self, scope: dict[str, Any], receive: Waiter, send: Callable[[Any], Awaitable[None]]) -> None:
        """The app call through the inspector. ``sys.exit()`` or KeyboardInterrupt in the app ends only its own
        connection (the inspector has recorded it as the scope's exception); asyncio would stop the whole loop."""
        try:
            await self.inspector(scope, receive, send)
        except (SystemExit, KeyboardInterrupt) as exc:
            raise AppExit(exc) from exc

    async def wait(self, task: asyncio.Future[Any], disconnect: Callable[[], None]) -> tuple[bool, str]:
        """Wait for the app; on timeout disconnect, then cancel, then abandon. Returns (timed_out, note)."""
        done, _ = await asyncio.wait({task}, timeout=self.timeout)
        if done:
            _consume(task)
            return False, ""
        disconnect()
        done, _ = await asyncio.wait({task}, timeout=self.grace)
        if done:
            _consume(task)
            return True, f"no answer within {self.timeout:g}s; the client disconnected and the app then stopped"
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=self.grace)
        if done:
            _consume(task)
            return True, f"no answer within {self.timeout:g}s; the app was cancelled"
        return True, f"no answer within {self.timeout:g}s; the app ignored cancellation and was abandoned"

    def record(self, before: int, label: str, scope: dict[str, Any], timed_out: bool, note: str = "") -> None:
        """Take the inspector's result for the scope just driven (or a snapshot if the app never finished)."""
        fresh = self.inspector.results[before:]
        result = next((r for r in fresh if r.scope_type == scope["type"]), None)
        if result is None:
            result = self.inspector.open_result(scope) or ScopeResult(label=label, scope_type=scope["type"])
        result.label = label
        result.timed_out = result.timed_out or timed_out
        if note:
            result.notes.append(note)
        self.outcome.results.append(result)


def _at_handler(violation: Violation, handler: SourceLocation) -> Violation:
    """A finding the framework's code sent, or one with no place (the app ended or stayed silent), pointed at
    the handler of the route the connection was made for, the framework frame kept as "sent from"."""
    if violation.owner == "framework" and violation.sent_from is None:
        return replace(violation, location=handler, sent_from=violation.location)
    if violation.owner == "app" and violation.location is None:
        return replace(violation, location=handler)
    return violation


def _consume(task: asyncio.Future[Any]) -> None:
    """Retrieve the task's exception so asyncio does not log it; the inspector has already recorded it."""
    if not task.cancelled():
        task.exception()


def _host(spec: ConnectionSpec) -> list[tuple[bytes, bytes]]:
    names = {name for name, _ in spec.headers}
    return [] if b"host" in names else [(b"host", f"{SERVER[0]}:{SERVER[1]}".encode())]


def _http_headers(spec: ConnectionSpec) -> list[tuple[bytes, bytes]]:
    names = {name for name, _ in spec.headers}
    headers = _host(spec) + list(spec.headers)
    if spec.body and b"content-length" not in names:
        headers.append((b"content-length", str(len(spec.body)).encode()))
    if b"user-agent" not in names:
        headers.append((b"user-agent", b"asgion"))
    return headers


def _websocket_headers(spec: ConnectionSpec) -> list[tuple[bytes, bytes]]:
    headers = [
        *_host(spec),
        (b"connection", b"Upgrade"),
        (b"upgrade", b"websocket"),
        (b"sec-websocket-version", b"13"),
        (b"sec-websocket-key", base64.b64encode(os.urandom(16))),
    ]
    if spec.subprotocols:
        headers.append((b"sec-websocket-protocol", ", ".join(spec.subprotocols).encode()))
    return headers + list(spec.headers)


class _HttpExchange:
    """The client side of one HTTP request: request body chunks, then waiting for the response to finish.

    Under the "client disconnect" scenario the client goes away after the first body message of the response.
    """

    def __init__(self, spec: ConnectionSpec) -> None:
        self.chunks = list(spec.chunks) or [b""]
        self.closed = asyncio.Event()
        self.leave_early = spec.scenario == "client disconnect"
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

    async def send(self, message: Any) -> None:
        if self.closed.is_set():
            raise OSError("the client has disconnected")
        message_type = message.get("type") if isinstance(message, dict) else None
        if message_type == "http.response.start" and not self.started:
            self.started = True
            self.trailers = bool(message.get("trailers", False))
        elif message_type in ("http.response.body", "http.response.zerocopysend") and self.started:
            if not message.get("more_body", False):
                self.body_done = True
            elif self.leave_early:
                self.closed.set()  # the client leaves while the response streams
        elif message_type == "http.response.pathsend" and self.started:
            self.body_done = True
        elif message_type == "http.response.trailers" and self.body_done and not message.get("more_trailers"):
            self.trailers = False
        if self.body_done and not self.trailers:
            self.closed.set()  # the response is complete: the connection closes, and the next receive() says so


class _WebSocketSession:
    """The client side of one WebSocket session.

    ``websocket.connect`` first; frames only after the app accepted (as a real server holds them until the
    handshake is done); then the client reads until the app is quiet and closes with 1000. Under "client closes
    first" it closes with 1001 as soon as its frames are delivered, whatever the app still wants to send.
    """

    def __init__(self, spec: ConnectionSpec) -> None:
        self.frames = [frame.message() for frame in spec.frames]
        self.connected = False
        self.handshake = asyncio.Event()
        self.accepted = False
        self.closed = asyncio.Event()
        self.close_code = 1000
        self.frames_done = asyncio.Event()
        self.activity = asyncio.Event()

    def disconnect(self, code: int = 1006) -> None:
        if not self.closed.is_set():
            self.close_code = code
            self.closed.set()

    async def receive(self) -> dict[str, Any]:
        if not self.connected:
            self.connected = True
            return {"type": "websocket.connect"}
        await _first(self.handshake.wait, self.closed.wait)
        if self.accepted and self.frames and not self.closed.is_set():
            frame = self.frames.pop(0)
            if not self.frames:
                self.frames_done.set()
            return frame
        self.frames_done.set()
        await self.closed.wait()
        return {"type": "websocket.disconnect", "code": self.close_code, "reason": ""}

    async def send(self, message: Any) -> None:
        if self.closed.is_set():
            raise OSError("the client has closed the connection")
        message_type = message.get("type") if isinstance(message, dict) else None
        self.activity.set()
        if message_type == "websocket.accept":
            self.accepted = True
            self.handshake.set()
        elif message_type == "websocket.close":
            self.handshake.set()
            code = message.get("code", 1000)
            self.disconnect(code if isinstance(code, int) else 1000)
        elif message_type == "websocket.http.response.start":
            self.handshake.set()
        elif message_type == "websocket.http.response.body" and not message.get("more_body", False):
            self.disconnect(1000)

    async def talk(self, *, close_first: bool) -> None:
        """Decide when the client closes: after the app went quiet, or right after the frames (scenario)."""
        await _first(self.handshake.wait, self.closed.wait)
        if not self.accepted:
            return
        await _first(self.frames_done.wait, self.closed.wait)
        if close_first:
            self.disconnect(1001)
            return
        while not self.closed.is_set():
            self.activity.clear()
            try:
                await asyncio.wait_for(self.activity.wait(), QUIET_SECONDS)
            except TimeoutError:
                self.disconnect(1000)


async def _first(*waiters: Waiter) -> None:
    """Wait until the first of several awaitables completes; cancel the rest."""
    tasks = [asyncio.ensure_future(w()) for w in waiters]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


class _Lifespan:
    """The lifespan protocol from the server side (specs/lifespan.rst), as uvicorn runs it.

    Startup is over when the app answers ``lifespan.startup.complete`` (requests get a copy of the state) or
    ``lifespan.startup.failed`` (no request is made). Anything else (the app raises, returns, sends another message
    type, or stays silent) means "lifespan unsupported": the requests are made without lifespan state and no
    shutdown is sent. Whatever happened, :meth:`finish` files the lifespan scope's result first in the report.
    """

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[Any] = asyncio.Queue()
        self.task: asyncio.Future[Any] | None = None
        self.scope: dict[str, Any] = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
                                      "state": {}}
        self.before = 0
        #: Whether the app completed startup, so that shutdown is sent.
        self.running = False
        self.filed = False

    async def startup(self) -> bool:
        """Run startup; return whether the connections should be made."""
        driver = self.driver
        self.before = len(driver.inspector.results)
        driver.enter("lifespan", "lifespan", self.scope)
        self.task = asyncio.ensure_future(driver.call(self.scope, self.to_app.get, self.from_app.put))
        await self.to_app.put({"type": "lifespan.startup"})
        reply = await self._reply()
        driver.leave()
        outcome = driver.outcome
        reply_type = reply.get("type") if reply is not None else None
        if reply_type == "lifespan.startup.complete":
            state = self.scope.get("state")
            driver.state = state if isinstance(state, dict) else {}
            outcome.lifespan = "complete"
            self.running = True
        elif reply_type == "lifespan.startup.failed":
            outcome.lifespan = "failed"
            reason = reply.get("message") if reply is not None else None
            outcome.startup_failure = f"lifespan startup failed: {reason or 'no message given'}"
            outcome.notes.append(f"lifespan startup failed ({reason or 'no message given'}): no connection was made "
                                 "and no shutdown was sent")
            await self.finish()
            return False
        elif reply is not None:
            outcome.lifespan = "unsupported"
            outcome.notes.append(f"lifespan unsupported: the app answered lifespan.startup with {_type_text(reply)}; "
                                 "as uvicorn does, the connections run without lifespan and no shutdown is sent")
        return True

    async def _reply(self) -> dict[str, Any] | None:
        """The app's next lifespan message, or None when the app ended or did not answer in time."""
        assert self.task is not None
        getter = asyncio.ensure_future(self.from_app.get())
        done, _ = await asyncio.wait({getter, self.task}, timeout=self.driver.timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if getter in done:
            message = getter.result()
            return message if isinstance(message, dict) else {"type": f"<{type(message).__name__}>"}
        getter.cancel()
        outcome = self.driver.outcome
        if self.task in done:
            exc = None if self.task.cancelled() else self.task.exception()
            if exc is not None and outcome.lifespan == "not run":
                outcome.lifespan = "unsupported"
                outcome.notes.append(f"lifespan unsupported: the app raised {type(exc).__name__} on the lifespan "
                                     "scope before answering, so it runs without lifespan")
                return None
            if outcome.lifespan == "not run":
                outcome.lifespan = "unanswered"
            return None
        if outcome.lifespan == "not run":
            outcome.lifespan = "unanswered"
        outcome.notes.append(f"lifespan: no answer within {self.driver.timeout:g}s")
        return None

    async def shutdown(self) -> None:
        """Send lifespan.shutdown to an app that completed startup and is still running."""
        if not self.running or self.task is None or self.task.done():
            return
        driver = self.driver
        driver.enter("lifespan", "lifespan", self.scope)
        await self.to_app.put({"type": "lifespan.shutdown"})
        await self._reply()
        driver.leave()

    async def finish(self) -> None:
        """Let the lifespan app end (cancel it after the grace period), then file its result (once)."""
        if self.filed or self.task is None:
            return
        if not self.task.done():
            await asyncio.wait({self.task}, timeout=self.driver.grace)
        if not self.task.done():
            self.task.cancel()
            await asyncio.wait({self.task}, timeout=self.driver.grace)
        if self.task.done():
            _consume(self.task)
        self.file()

    def file(self) -> None:
        """Put the lifespan scope's result first in the report: its final result, or a snapshot if it is open."""
        driver = self.driver
        fresh = driver.inspector.results[self.before:]
        result = next((r for r in fresh if r.scope_type == "lifespan"), None) or driver.inspector.open_result(
            self.scope)
        if result is not None and not self.filed:
            driver.outcome.results.insert(0, result)
            self.filed = True


def _type_text(message: dict[str, Any]) -> str:
    kind = message.get("type")
    return repr(kind) if isinstance(kind, str) else "a message without a str type"
