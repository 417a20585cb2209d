"""Inspection of an unmodified test suite (``pytest --asgi-auto``).

Every app a test hands to a known test client or transport is wrapped with an Inspector, and each finding goes to
the test that was running when it was made. The transports are named by plugins (``asgion_test_transports``; the
built-in ones live in :mod:`asgion_core.test_transports`), imported only when auto inspection is on.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from asgion_core.config import AsgionConfig
from asgion_core.inspector import MAX_INTERNAL_ERRORS, Inspector
from asgion_core.plugins import AsgionPluginManager
from asgion_core.report import AppException, InternalError, ScopeResult
from asgion_core.rules import Severity
from asgion_core.violation import SourceLocation, Violation

__all__ = ["AppView", "AutoInspection", "ClientView", "Finding", "TestTransport", "violation_from_dict"]

Wrap = Callable[[Any], Any]
#: Inspectors kept for reuse (one per app object); a suite that builds an app per test needs only the recent ones.
MAX_INSPECTORS = 256


@dataclass(frozen=True)
class TestTransport:
    """A test client or transport ``--asgi-auto`` wraps: see the ``asgion_test_transports`` hook."""

    __test__ = False  # not a test class, whatever pytest's naming rules say

    name: str
    module: str
    attach: Callable[[ModuleType, Wrap], Callable[[], None]]


@dataclass(frozen=True)
class Finding:
    """One finding of the session: the test that was running (its node id, "" outside any test) and the transport
    whose Inspector made it."""

    nodeid: str
    transport: str
    violation: Violation

    def to_dict(self) -> dict[str, Any]:
        return {"nodeid": self.nodeid, "transport": self.transport, "violation": self.violation.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(str(data["nodeid"]), str(data["transport"]), violation_from_dict(data["violation"]))


def violation_from_dict(data: dict[str, Any]) -> Violation:
    """A :class:`Violation` back from its ``to_dict`` form (how findings travel from pytest-xdist workers)."""

    def location(value: Any) -> SourceLocation | None:
        return SourceLocation(value["file"], int(value["line"]), value["function"]) if value else None

    return Violation(rule_id=data["rule_id"], severity=Severity.parse(data["severity"]), message=data["message"],
                     hint=data.get("hint", ""), scope_type=data.get("scope_type", ""), path=data.get("path", ""),
                     method=data.get("method", ""), side=data.get("side", "app"), layer=data.get("layer", ""),
                     location=location(data.get("location")), scope_label=data.get("scope", ""),
                     owner=data.get("owner", "app"), sent_from=location(data.get("sent_from")))


class ClientView:
    """A test client or transport as its framework's own code sees it while asgion inspects: ``app`` is the
    Inspector of the object's current ``app`` (so reassigning ``client.app`` still changes what runs); every other
    attribute, read or written, is the object's own. The user's objects are never changed."""

    __slots__ = ("_asgion_inspect", "_asgion_target")

    def __init__(self, target: Any, inspect: Wrap) -> None:
        object.__setattr__(self, "_asgion_target", target)
        object.__setattr__(self, "_asgion_inspect", inspect)

    @property
    def app(self) -> Any:
        return self._asgion_inspect(self._asgion_target.app)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._asgion_target, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._asgion_target, name, value)


def _installed(module: str) -> bool:
    """Whether ``module`` can be imported (its parent packages first: find_spec of a submodule imports them)."""
    parts = module.split(".")
    return all(importlib.util.find_spec(".".join(parts[:i])) is not None for i in range(1, len(parts) + 1))


class AppView:
    """An app as a test connection sees it while asgion inspects: calling it calls the Inspector, every attribute
    is the app's (Quart's test connections read ``app.response_class``)."""

    __slots__ = ("_asgion_app", "_asgion_inspector")

    def __init__(self, app: Any, inspector: Any) -> None:
        object.__setattr__(self, "_asgion_app", app)
        object.__setattr__(self, "_asgion_inspector", inspector)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        return await self._asgion_inspector(scope, receive, send)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._asgion_app, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._asgion_app, name, value)


class AutoInspection:
    """The session's auto inspection: the patched transports and the findings, by the test that was running."""

    def __init__(self, config: AsgionConfig, pm: AsgionPluginManager) -> None:
        self.config = config
        self.pm = pm
        #: The node id of the running test (None between tests); findings of a test's clients land under it.
        self.current: str | None = None
        self.findings: list[Finding] = []
        #: The first exception an app raised while each test ran ("" between tests), for the report.
        self.exceptions: dict[str, AppException] = {}
        #: Transports that could not be patched, with why (shown in the terminal summary).
        self.problems: list[str] = []
        self._undo: list[Callable[[], None]] = []
        self._lock = threading.Lock()  # test clients run the app in their own threads
        self._inspectors: dict[int, Inspector] = {}
        #: What the checks of inspectors no longer kept raised (those of the kept ones are read at the end).
        self._evicted_errors: list[InternalError] = []
        #: The transports patched, and the tests ("" between tests) whose clients handed an app to one of them.
        self.patched: list[str] = []
        self.inspected: set[str] = set()

    def install(self, transports: Iterable[TestTransport]) -> list[str]:
        """Patch every transport whose module is installed; returns the names of those patched."""
        patched = []
        for transport in transports:
            try:
                if not _installed(transport.module):
                    continue
                module = importlib.import_module(transport.module)
                self._undo.append(transport.attach(module, self.wrapper(transport.name)))
            except Exception as exc:  # a transport that changed shape costs only itself
                self.problems.append(f"{transport.name}: not inspected ({type(exc).__name__}: {exc})")
                continue
            patched.append(transport.name)
        self.patched += patched
        return patched

    def uninstall(self) -> None:
        while self._undo:
            self._undo.pop()()

    def wrapper(self, transport: str) -> Wrap:
        """What a transport calls on the app it drives: that app's Inspector (one per app object, so a lifespan
        manager and the transport a test then builds on its app share one; an Inspector stays as it is)."""

        def inspect(app: Any) -> Any:
            with self._lock:
                self.inspected.add(self.current or "")
                if isinstance(app, Inspector):
                    return app
                inspector = self._inspectors.pop(id(app), None)
                if inspector is None or inspector.app is not app:
                    inspector = Inspector(app, config=self.config, plugins=self.pm,
                                          on_violation=lambda violation: self.record(violation, transport),
                                          on_result=self.record_result)
                self._inspectors[id(app)] = inspector  # most recently used last
                while len(self._inspectors) > MAX_INSPECTORS:
                    evicted = self._inspectors.pop(next(iter(self._inspectors)))
                    self._evicted_errors = _distinct(self._evicted_errors, evicted.internal_errors)
            return inspector

        return inspect

    def record(self, violation: Violation, transport: str) -> None:
        with self._lock:
            self.findings.append(Finding(self.current or "", transport, violation))

    def record_result(self, result: ScopeResult) -> None:
        if result.exception is not None:
            with self._lock:
                self.exceptions.setdefault(self.current or "", result.exception)

    def take_all(self) -> list[Finding]:
        """Every finding not yet taken (those of the session's own teardown, say)."""
        with self._lock:
            pending, self.findings = self.findings, []
        return pending

    def internal_errors(self) -> list[InternalError]:
        """What any inspector's checks raised this session (each once): those checks found nothing there."""
        with self._lock:
            found = self._evicted_errors
            for inspector in self._inspectors.values():
                found = _distinct(found, inspector.internal_errors)
        return found

    def take(self, nodeid: str) -> list[Finding]:
        """The findings made while ``nodeid`` ran, removed from the pending list."""
        with self._lock:
            mine = [f for f in self.findings if f.nodeid == nodeid]
            if mine:
                self.findings = [f for f in self.findings if f.nodeid != nodeid]
        return mine


def _distinct(kept: list[InternalError], more: Iterable[InternalError]) -> list[InternalError]:
    """``kept`` and then each of ``more`` not in it, up to the Inspector's own cap."""
    merged = list(kept)
    for error in more:
        if error not in merged and len(merged) < MAX_INTERNAL_ERRORS:
            merged.append(error)
    return merged
