"""The Inspector: a transparent ASGI wrapper that validates every scope and message it sees.

Per connection it routes the scope to the compiled tables of its scope type (built once from the plugins, rebuilt
only when the plugin set changes) and wraps ``receive`` and ``send``. Per message it first offers the message to
the express lane of its type, if a plugin declared one (the ordinary chunks of a stream end there), else it does a
dict lookup, steps the state machine and calls the check functions directly; no pluggy call happens on the hot
path. Messages are forwarded unchanged and in order, the app's exceptions propagate unchanged, and a check (or
lane) that raises is recorded once and otherwise ignored.
"""

from __future__ import annotations

import asyncio
import fnmatch
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from asgion_core.checks import RETURNED_NONE, Outcome, Scope
from asgion_core.config import AsgionConfig, ConfigError
from asgion_core.connection import Connection, ConnectionKind, is_cancellation
from asgion_core.discovery import route_handler
from asgion_core.dispatch import CompiledProtocol, compile_protocol
from asgion_core.errors import ASGIProtocolError
from asgion_core.location import handler_location, set_entry_code, set_send_code
from asgion_core.plugins import (
    BUILTIN_DISTRIBUTION,
    AsgionPluginManager,
    create_plugin_manager,
    default_plugin_manager,
)
from asgion_core.redaction import REDACTED, Redactor
from asgion_core.report import AppException, InternalError, Report, ScopeResult
from asgion_core.router import Router, blame_foreign_value
from asgion_core.rules import Severity
from asgion_core.safe_text import describe_exception, safe_repr
from asgion_core.selection import select_rules
from asgion_core.server_log import ServerLog
from asgion_core.trace import (
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_EVENTS,
    DEFAULT_MAX_TRACE_BYTES,
    DirectoryStorage,
    MemoryStorage,
    Tracer,
    TraceRecord,
    TraceStorage,
    should_trace,
    storages,
)
from asgion_core.violation import SourceLocation, Violation
from asgion_core.wired import Receive, Send, WiredConnection

__all__ = ["Inspector", "inspect"]

ASGIApp = Callable[[Scope, Receive, Send], Awaitable[Any]]
_MISSING = object()
#: Bounds that keep a long-running Inspector's memory flat whatever the traffic.
MAX_UNKNOWN_SCOPE_TYPES = 64
MAX_INTERNAL_ERRORS = 100
#: Handler locations remembered per Inspector (an app has a bounded number of routes; paths with ids are many).
MAX_HANDLERS = 1024


class Inspector:
    """Wrap ``app`` and check every connection that passes through.

    :param app: the ASGI application.
    :param config: an :class:`AsgionConfig`; defaults to the recommended profile (no file is read).
    :param plugins: a plugin manager, or plugin names/objects for :func:`create_plugin_manager`; default: every
        installed plugin.
    :param strict: raise :class:`ASGIProtocolError` at the end of a connection that broke rules (only when the
        app itself did not raise).
    :param on_violation: called with each :class:`Violation` as it is found.
    :param on_result: called with each connection's :class:`ScopeResult` as it is filed (a connection with
        findings, an exception or notes, or every one with ``keep_clean_results``).
    :param exclude_paths: glob patterns of paths that pass through unvalidated.
    :param exclude_rules, include_rules, select, min_severity, profile, categories: rule selection on top of
        ``config`` (``select`` restricts to exactly the named rules, as ``--select`` does).
    :param max_violations: how many violations ``violations`` keeps (oldest dropped first); ``max_results`` the
        same for per-connection results. Long-lived middleware stays bounded; use ``on_violation`` to keep all.
    :param keep_clean_results: also keep a result for connections without findings, exceptions or notes (the
        CLI does, to report every scope; middleware need not pay for it).
    :param keep_details: file what the protocol tells of each connection (response headers, body size) in its
        result's ``details``, secret header values redacted (``asgion check -v``).
    :param trace: record a timeline of every connection (see :mod:`asgion_core.trace`); ``sample_rate`` traces
        that share of connections (per request); records go to ``storage``, else to ``trace_dir`` (one JSON file
        each), else to memory (``traces``: the last ``max_traces``, about ``max_trace_bytes`` at most).
        ``max_body_size`` caps recorded bodies, frames and every other recorded value, ``max_events`` the events
        kept per connection. Sizes and counts must be ints of 0 or more. Secret values
        (see :mod:`asgion_core.redaction`) are redacted: ``redact`` adds name patterns to the defaults (and to
        the config's ``redact``), ``redact_headers`` replaces them (as the config's ``redact_replace`` does).
    :param express: take the plugins' express lanes for ordinary stream messages (``False`` runs every message
        through its full route: the findings are the same, only slower; a switch for checking a lane).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        config: AsgionConfig | None = None,
        plugins: AsgionPluginManager | Iterable[str | object] | None = None,
        strict: bool = False,
        on_violation: Callable[[Violation], Any] | None = None,
        on_result: Callable[[ScopeResult], Any] | None = None,
        exclude_paths: Iterable[str] = (),
        exclude_rules: Iterable[str] = (),
        include_rules: Iterable[str] = (),
        select: Iterable[str] = (),
        min_severity: Severity | str | None = None,
        profile: str | None = None,
        categories: Iterable[str] = (),
        max_violations: int = 10_000,
        max_results: int = 1_000,
        keep_clean_results: bool = False,
        keep_details: bool = False,
        trace: bool = False,
        sample_rate: float = 1.0,
        trace_dir: str | Path | None = None,
        storage: TraceStorage | None = None,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        max_events: int = DEFAULT_MAX_EVENTS,
        redact: Iterable[str] = (),
        redact_headers: Iterable[str] | None = None,
        max_traces: int = 1_000,
        max_trace_bytes: int = DEFAULT_MAX_TRACE_BYTES,
        express: bool = True,
    ) -> None:
        for name, value in (("max_violations", max_violations), ("max_results", max_results),
                            ("max_body_size", max_body_size), ("max_events", max_events),
                            ("max_traces", max_traces), ("max_trace_bytes", max_trace_bytes)):
            if type(value) is not int or value < 0:
                raise ConfigError(f"{name} must be an int of 0 or more, not {value!r}")
        if not isinstance(sample_rate, (int, float)) or isinstance(sample_rate, bool) or not 0 <= sample_rate <= 1:
            raise ConfigError(f"sample_rate must be a number from 0 to 1, not {sample_rate!r}")
        self.app = app
        base = config or AsgionConfig()
        self.config = base.merged(
            profile=profile,
            min_severity=Severity.parse(min_severity) if min_severity is not None else None,
            include_rules=base.include_rules + tuple(include_rules) or None,
            exclude_rules=base.exclude_rules + tuple(exclude_rules) or None,
            categories=tuple(categories) or None,
            select=tuple(select) or None,
            exclude_paths=base.exclude_paths + tuple(exclude_paths) or None,
        )
        if isinstance(plugins, AsgionPluginManager):
            self.plugin_manager = plugins
        elif plugins is None:
            self.plugin_manager = default_plugin_manager()
        else:
            self.plugin_manager = create_plugin_manager(plugins=plugins)
        problems = self.plugin_manager.option_problems(self.config)
        if problems:
            raise ConfigError("; ".join(problems))
        self.strict = strict
        self.keep_clean_results = keep_clean_results
        self.keep_details = keep_details
        self.express = express
        self.on_violation = on_violation
        self.on_result = on_result
        self._violations: deque[Violation] = deque(maxlen=max_violations)
        self._results: deque[ScopeResult] = deque(maxlen=max_results)
        self._internal_errors: list[InternalError] = []
        #: The connections whose app call has not ended (keys; a dict keeps them in arrival order).
        self._open: dict[Connection, None] = {}
        self._shared: dict[str, Any] = {"open": self._open}
        #: One Router (with its compiled protocol) per scope type; None for scope types no plugin handles.
        self._routers: dict[str, Router | None] = {}
        #: Handler locations by (scope type, method, path), as the route-handler plugins named them.
        self._handlers: dict[tuple[Any, Any, Any], SourceLocation | None] = {}
        self._excluding = bool(self.config.exclude_paths)
        self._generation = -1
        self._enabled: frozenset[str] = frozenset()
        self._found = self._sink
        self._trace = trace
        self._sample_rate = sample_rate
        self._max_body_size = max_body_size
        self._max_events = max_events
        replace = redact_headers if redact_headers is not None else self.config.redact_replace
        self._redactor = Redactor((*self.config.redact, *redact), replace)
        self._memory: MemoryStorage | None = None
        if storage is None and trace_dir is None:
            self._memory = MemoryStorage(max_traces, max_trace_bytes)
        self._storages = storages(storage, DirectoryStorage(trace_dir) if trace_dir is not None else None,
                                  self._memory)
        self._refresh()
        self.plugin_manager.collect("asgion_configure", on_error=self._record, config=self.config)

    # -- public results --------------------------------------------------------------------------------------------
    @property
    def violations(self) -> list[Violation]:
        """The most recent violations, oldest first (bounded by ``max_violations``)."""
        return list(self._violations)

    @property
    def traces(self) -> list[TraceRecord]:
        """The trace records kept in memory (empty when records go to a directory or your own storage)."""
        return list(self._memory) if self._memory is not None else []

    @property
    def redactor(self) -> Redactor:
        """What this Inspector redacts (see :mod:`asgion_core.redaction`); drivers use it for their labels."""
        return self._redactor

    @property
    def results(self) -> list[ScopeResult]:
        return list(self._results)

    @property
    def enabled_rules(self) -> frozenset[str]:
        self._refresh()
        return self._enabled

    @property
    def internal_errors(self) -> list[InternalError]:
        return list(self._internal_errors)

    def clear(self) -> None:
        self._violations.clear()
        self._results.clear()

    def report(self, app_name: str = "", results: list[ScopeResult] | None = None) -> Report:
        """A :class:`Report` of the connections seen so far (or of ``results``), ready for any reporter."""
        registry = self.plugin_manager.rule_registry()
        chosen = self.results if results is None else results
        fired = {v.rule_id for r in chosen for v in r.violations}
        distributions = {}
        for rule_id in fired:
            try:
                origin = self.plugin_manager.origins.get(registry.plugin_of(rule_id))
            except KeyError:
                continue
            if origin is not None and origin[0] not in (BUILTIN_DISTRIBUTION, "", "(module)"):
                distributions[rule_id] = origin
        return Report(
            app=app_name or getattr(self.app, "__qualname__", type(self.app).__name__),
            results=chosen,
            internal_errors=self.internal_errors,
            plugin_errors=list(self.plugin_manager.plugin_errors),
            rules={rule_id: registry[rule_id] for rule_id in sorted(fired) if rule_id in registry},
            app_source=_source_file(self.app),
            rule_distributions=distributions,
        )

    def open_result(self, scope: Scope) -> ScopeResult | None:
        """A snapshot of a connection that has not finished (e.g. an app that ignores cancellation)."""
        conn = next((c for c in self._open if c.scope is scope), None)
        return _result(conn, None, time.perf_counter_ns()) if conn is not None else None

    # -- compilation -----------------------------------------------------------------------------------------------
    def _refresh(self) -> None:
        pm = self.plugin_manager
        if pm.generation == self._generation:
            return
        registry = pm.rule_registry()
        cfg = self.config
        self._enabled = select_rules(
            registry,
            profile=cfg.profile,
            profiles=cfg.profiles,
            min_severity=cfg.min_severity,
            categories=cfg.categories,
            include_rules=cfg.include_rules,
            exclude_rules=cfg.exclude_rules,
            select=cfg.select,
        )
        self._routers = {}
        self._generation = pm.generation

    def _router(self, scope_type: str) -> Router | None:
        try:
            return self._routers[scope_type]
        except KeyError:
            try:
                compiled = compile_protocol(self.plugin_manager, scope_type, self.config, self._enabled,
                                            self._record, express=self.express)
            except Exception as exc:  # compiling asks every plugin: whatever one does, the app is still called
                self._record(InternalError.from_exception("core", f"compiling the {scope_type!r} checks", exc))
                compiled = None
            router = None
            if compiled is not None:
                machine = compiled.machine
                kind = ConnectionKind(scope_type, self.config, compiled.enabled, compiled.rules, machine.initial,
                                      machine.final_states, self._found, self._shared, self._route_handler)
                router = Router(compiled, self._isolate, kind, self.trace_failed)
            if router is not None or len(self._routers) < MAX_UNKNOWN_SCOPE_TYPES:
                self._routers[scope_type] = router  # a server inventing scope types cannot grow this forever
            return router

    def _protocol(self, scope_type: str) -> CompiledProtocol | None:
        """The compiled tables of ``scope_type`` (compiled on first use), or None when no plugin handles it."""
        router = self._router(scope_type)
        return router.compiled if router is not None else None

    # -- the ASGI app ----------------------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Any:
        if self.plugin_manager.generation != self._generation:
            self._refresh()
        # Everything up to the app call is guarded: a scope asgion cannot read (a dict subclass whose get() raises,
        # a type whose hash raises) is recorded and passed through unvalidated; the app is called all the same.
        try:
            # the common case first: a dict scope of a compiled type, no excluded paths configured
            try:
                router = self._routers[scope["type"]] if type(scope) is dict and not self._excluding else None
            except Exception:
                router = None
            if router is None:
                router = self._route(scope)
            if router is not None:
                compiled = router.compiled
                conn = WiredConnection(scope, router.kind, router.new_data(scope))
                conn.router, conn.server_receive, conn.server_send = router, receive, send
        except Exception as exc:
            self._record(InternalError.from_exception("input", "reading the scope", exc,
                                                      "passed through unvalidated: "))
            router = None
        if router is None:
            return await self.app(scope, receive, send)
        app = self.app
        self._open[conn] = None
        if self._trace and should_trace(self._sample_rate):
            self._start_trace(conn, scope)
        scope_checks = compiled.scope_checks
        scope_lane = compiled.scope_lane
        if scope_lane is not None:
            try:
                if scope_lane(conn, scope):
                    scope_checks = compiled.scope_rest
            except Exception as exc:
                self._isolate(compiled, scope_lane, exc)
        for check in scope_checks:
            try:
                check(conn, scope)
            except Exception as exc:
                self._scope_check_failed(conn, compiled, check, exc)
        try:
            result = await app(scope, conn.checked_receive, conn.checked_send)
        except BaseException as exc:
            self._finish(conn, compiled, Outcome(None, exc), True)
            raise
        self._finish(conn, compiled, RETURNED_NONE if result is None else Outcome(result), False)
        if self.strict and conn.violations:
            raise ASGIProtocolError(list(conn.violations))
        return result

    def _start_trace(self, conn: Connection, scope: Scope) -> None:
        try:
            conn.trace = Tracer(scope, max_body_size=self._max_body_size, max_events=self._max_events,
                                redactor=self._redactor)
        except Exception as exc:
            self.trace_failed(exc)

    # -- helpers ---------------------------------------------------------------------------------------------------
    def _route(self, scope: Any) -> Router | None:
        """G-001 to G-004 and excluded paths; ``None`` means: pass the connection through unvalidated."""
        if not isinstance(scope, dict):
            self._unrouted(scope, "G-001", f"scope is {type(scope).__name__}, not dict")
            return None
        scope_type = dict.get(scope, "type", _MISSING)  # dict's own get: a subclass's may raise
        if scope_type is _MISSING:
            self._unrouted(scope, "G-002", "scope has no 'type' key")
            return None
        if not isinstance(scope_type, str):
            self._unrouted(scope, "G-003", f"scope['type'] is {type(scope_type).__name__}, not str")
            return None
        router = self._router(str.__str__(scope_type))
        if router is None:
            self._unrouted(scope, "G-004", f"no plugin handles scope type {safe_repr(scope_type)}; not validated")
            return None
        excluded = self.config.exclude_paths
        path = dict.get(scope, "path")
        if excluded and isinstance(path, str) and any(fnmatch.fnmatchcase(str.__str__(path), p) for p in excluded):
            return None
        return router

    def _unrouted(self, scope: Any, rule_id: str, message: str) -> None:
        if rule_id not in self._enabled:
            return
        registry = self.plugin_manager.rule_registry()
        safe_scope = scope if isinstance(scope, dict) else {}
        scope_type = dict.get(safe_scope, "type") if isinstance(dict.get(safe_scope, "type"), str) else "?"
        kind = ConnectionKind(str.__str__(scope_type), self.config, self._enabled, {rule_id: registry[rule_id]},
                              sink=self._found, shared=self._shared)
        conn = Connection(safe_scope, kind)
        self._results.append(_result(conn, None, conn.started_ns))
        conn.report(rule_id, message)

    def _details(self, conn: Connection) -> dict[str, Any]:
        """The protocol's details of ``conn`` as plain data, header values of secret names redacted."""
        router = getattr(conn, "router", None)
        if router is None:
            return {}
        details = dict(router.machine.details_of(conn.data))
        if "headers" in details:
            details["headers"] = [
                [name.decode("latin-1"), REDACTED if self._redactor.is_secret(name) else value.decode("latin-1")]
                for name, value in details["headers"]]
        return details

    def _sink(self, conn: Connection, violation: Violation) -> None:
        """Where connections hand their violations (bound once, as ``_found``: not a new object per connection)."""
        self._violations.append(violation)
        if conn.ended:
            self._late_finding(conn)
        if self.on_violation is not None:
            try:
                self.on_violation(violation)
            except Exception as exc:
                self._record(InternalError.from_exception("on_violation", "on_violation callback", exc))

    def _route_handler(self, scope: Any) -> SourceLocation | None:
        """Where the handler ``scope`` was routed to is, for a framework that keeps that out of the scope (asked of
        the ``asgion_route_handler`` plugins once per scope type, method and path; only when a finding needs it)."""
        try:
            key = (dict.get(scope, "type"), dict.get(scope, "method"), dict.get(scope, "path"))
            hash(key)
        except Exception:  # a scope of odd values: no handler rather than an error
            return None
        if key not in self._handlers:
            handler = route_handler(self.plugin_manager, self.app, scope, on_error=self._record)
            if len(self._handlers) >= MAX_HANDLERS:
                self._handlers.clear()
            self._handlers[key] = handler_location(handler) if handler is not None else None
        return self._handlers[key]

    def _tell(self, on_result: Callable[[ScopeResult], Any], result: ScopeResult) -> None:
        try:
            on_result(result)
        except Exception as exc:
            self._record(InternalError.from_exception("on_result", "on_result callback", exc))

    def _late_finding(self, conn: Connection) -> None:
        """A finding after the app call ended: file the connection's result if it had none, and say why."""
        note = "findings were made after the app call ended (by a task the app left running)"
        if conn.result is None:
            self._results.append(_result(conn, None, time.perf_counter_ns()))
        if note not in conn.result.notes:
            conn.result.notes.append(note)

    def _isolate(self, compiled: CompiledProtocol, check: Callable[..., Any], exc: Exception) -> None:
        plugin = compiled.owners.get(check, "?")
        where = f"{getattr(check, '__module__', '?')}.{getattr(check, '__qualname__', repr(check))}"
        self._record(InternalError.from_exception(plugin, where, exc))

    def _scope_check_failed(self, conn: Connection, compiled: CompiledProtocol, check: Callable[..., Any],
                            exc: Exception) -> None:
        """A scope or end check raised: G-027 when the scope holds a value of no plain type (the likely cause),
        else an internal error of the check's plugin."""
        if not blame_foreign_value(conn, None, check, exc):
            self._isolate(compiled, check, exc)

    def trace_failed(self, exc: Exception) -> None:
        """Record that recording a trace failed (the connection carries on untraced from there)."""
        self._record(InternalError.from_exception("trace", "trace recording", exc))

    def _record(self, error: InternalError) -> None:
        if error not in self._internal_errors and len(self._internal_errors) < MAX_INTERNAL_ERRORS:
            self._internal_errors.append(error)

    def _finish(self, conn: Connection, compiled: CompiledProtocol, outcome: Outcome, raised: bool) -> None:
        """The end checks, the result and the trace; never raises (the app's own exception must pass unchanged)."""
        del self._open[conn]  # added once in __call__, removed once here
        conn.direction = "end"
        if raised:
            checks = compiled.end_on_exception
        else:
            checks = compiled.end_on_none if outcome is RETURNED_NONE else compiled.end_on_return
        for check in checks:
            try:
                check(conn, outcome)
            except Exception as exc:
                self._scope_check_failed(conn, compiled, check, exc)
        try:
            if conn.violations or raised or self.keep_clean_results:
                result = _result(conn, outcome.exception, time.perf_counter_ns())
                if self.keep_details:
                    result.details = self._details(conn)
                self._results.append(result)
                if self.on_result is not None:
                    self._tell(self.on_result, result)
        except Exception as exc:
            self._record(InternalError.from_exception("core", "filing the scope result", exc))
        conn.ended = True  # from here on, a finding comes from a task the app left running
        if conn.trace is not None:
            self._store_trace(conn)

    def _store_trace(self, conn: Connection) -> None:
        try:
            record = conn.trace.finish()
        except Exception as exc:
            self.trace_failed(exc)
            return
        for storage in self._storages:
            try:
                storage.store(record)
            except Exception as exc:
                self._record(InternalError.from_exception("trace storage", type(storage).__name__, exc))


def _result(conn: Connection, exception: BaseException | None, now_ns: int) -> ScopeResult:
    """The connection's result. It shares the connection's violations list, so that a finding made later (by a
    task the app left running) lands in the result, and in every report built from it."""
    if not isinstance(conn.violations, list):
        conn.violations = []
    result = ScopeResult(
        label=conn.label,
        scope_type=conn.scope_type,
        path=conn.path,
        method=conn.method,
        violations=conn.violations,
        suppressed=conn.suppressed,
        duration_ns=now_ns - conn.started_ns,
        trace_id=conn.trace.id if conn.trace is not None else "",
    )
    if exception is not None and conn.from_server(exception):
        # the server's own signal (e.g. OSError from send() after the client left) passed through the app
        result.notes.append(f"ended by {type(exception).__name__} after the server's send()/receive() signalled "
                            "that the client left (not an app error)")
    elif exception is not None and is_cancellation(exception):
        result.cancelled = True
    elif exception is not None and conn.excused is not None:
        result.notes.append(f"{conn.excused} ({describe_exception(exception, 200)})")
    elif exception is not None:  # SystemExit and KeyboardInterrupt from an app call are its exception too
        result.exception = AppException.from_exception(exception, conn.config.blame_rules)
    router = getattr(conn, "router", None)
    if router is not None:
        status = router.machine.status_of(conn.data)
        result.status = status if type(status) is int else None
    conn.result = result
    return result


def _source_file(app: Any) -> str | None:
    """The file defining ``app`` (or its class), for findings that have no location of their own."""
    import inspect as inspect_module

    for candidate in (app, type(app)):
        try:
            return inspect_module.getsourcefile(candidate)
        except TypeError:
            continue
    return None


set_send_code(WiredConnection.checked_send.__code__)  # where the source-location walk starts
set_entry_code(Inspector.__call__.__code__)  # and where it ends: beyond are the server's frames,
set_entry_code(asyncio.events.Handle._run.__code__)  # or the event loop's (a task the app spawned sends)


def inspect(app: ASGIApp, **options: Any) -> Inspector:
    """The middleware form: ``app = inspect(app)`` under any ASGI server. Options as for :class:`Inspector`;
    unless ``on_violation`` is given (``None`` to keep quiet), each finding is logged by the ``asgion`` logger
    (:mod:`asgion_core.server_log`), since under a server nobody reads ``inspector.violations``."""
    if "on_violation" not in options:
        options["on_violation"] = ServerLog()
    return Inspector(app, **options)
