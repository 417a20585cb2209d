"""Scenarios: a scope plus a script of what an app does, as data.

Rule authors describe each rule's triggering case and its clean counterpart as scenarios. The same data is shown
as the bad and good example by ``asgion rules ID`` and played through an Inspector by the tests
(:func:`asgion_core.testing.run_scenario`). Nothing here runs an app.
"""

from __future__ import annotations

import copy
import pprint
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from asgion_core.rules import Rule

__all__ = [
    "DELETE",
    "Case",
    "Scenario",
    "Step",
    "build_scope",
    "call",
    "explain",
    "http_scope",
    "raises",
    "receive",
    "register_with_examples",
    "render_scenario",
    "returns",
    "LIFESPAN_STATE",
    "LIFESPAN_STATE_COPY",
    "lifespan_scope",
    "pause",
    "resume",
    "send",
    "sleep",
    "websocket_scope",
    "with_examples",
]

#: Use as a scope override value to remove the key from the base scope.
class _Delete:
    """The marker for "remove this key"; copying keeps the very same object."""

    def __repr__(self) -> str:
        return "DELETE"

    def __copy__(self) -> _Delete:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Delete:
        return self


DELETE: Any = _Delete()
_UNSET: Any = object()


@dataclass(frozen=True)
class Step:
    """One thing the scripted app does; ``text`` is how examples show it."""

    kind: str
    value: Any = None
    text: str = ""


def send(message: Any) -> Step:
    """The app calls ``await send(message)``."""
    return Step("send", message)


def receive(message: Any) -> Step:
    """The app calls ``await receive()`` and the server returns ``message``."""
    return Step("receive", message)


def sleep(seconds: float) -> Step:
    return Step("sleep", seconds)


def call(func: Callable[[dict[str, Any]], None], text: str) -> Step:
    """The app runs ``func(scope)`` (e.g. mutates the scope); ``text`` is the code shown in examples."""
    return Step("call", func, text)


def pause() -> Step:
    """In a ``lifespan`` script: stop here until the main script calls :func:`resume` (or ends)."""
    return Step("pause")


def resume() -> Step:
    """In the main script: let the paused lifespan script run to its next pause (or its end)."""
    return Step("resume")


def returns(value: Any) -> Step:
    return Step("return", value)


def raises(exc: BaseException) -> Step:
    return Step("raise", exc)


@dataclass(frozen=True)
class Scenario:
    """A scope and a script. ``scope`` overrides the base scope of the scope type (``DELETE`` removes a key);
    ``raw_scope`` replaces it entirely (for scopes that are not even dicts). ``send_error`` is raised by the
    server's ``send`` once a disconnect was delivered; ``config`` holds AsgionConfig overrides. ``lifespan`` is
    a lifespan app script started before this scope: it runs until its first ``pause()``, then this scenario runs;
    the scope values ``LIFESPAN_STATE`` and ``LIFESPAN_STATE_COPY`` stand for that lifespan scope's state."""

    steps: tuple[Step, ...]
    scope: Mapping[str, Any] = field(default_factory=dict)
    raw_scope: Any = _UNSET
    config: Mapping[str, Any] = field(default_factory=dict)
    send_error: BaseException | None = None
    scope_type: str = "http"
    #: A lifespan script run first on the same Inspector, concurrently with this one (see pause/resume).
    lifespan: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Case:
    """A rule's triggering scenario and its clean counterpart; ``allow`` lists rules the clean one may raise."""

    bad: Scenario
    good: Scenario
    allow: tuple[str, ...] = ()


def http_scope(**overrides: Any) -> dict[str, Any]:
    """A valid http scope as a server would build it, with ``overrides`` applied."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"example.com")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    return _apply(scope, overrides)


def _apply(scope: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in overrides.items():
        if value is DELETE:
            scope.pop(key, None)
        else:
            scope[key] = value
    return scope


def websocket_scope(**overrides: Any) -> dict[str, Any]:
    """A valid websocket scope as a server would build it (denial responses advertised)."""
    scope: dict[str, Any] = {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "scheme": "ws",
        "path": "/ws",
        "raw_path": b"/ws",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"example.com"), (b"sec-websocket-version", b"13")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "subprotocols": [],
        "extensions": {"websocket.http.response": {}},
    }
    return _apply(scope, overrides)


def lifespan_scope(**overrides: Any) -> dict[str, Any]:
    scope: dict[str, Any] = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    return _apply(scope, overrides)


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __copy__(self) -> _Marker:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Marker:
        return self


#: Scope values that stand for the state dict of the scenario's lifespan scope (the object, or a copy of it).
LIFESPAN_STATE: Any = _Marker("LIFESPAN_STATE")
LIFESPAN_STATE_COPY: Any = _Marker("LIFESPAN_STATE_COPY")

BASE_SCOPES: dict[str, Callable[..., dict[str, Any]]] = {
    "http": http_scope,
    "websocket": websocket_scope,
    "lifespan": lifespan_scope,
}
#: What the scripted server's receive() returns once the script has no more messages.
LAST_MESSAGE: dict[str, dict[str, Any]] = {
    "http": {"type": "http.disconnect"},
    "websocket": {"type": "websocket.disconnect", "code": 1000},
    "lifespan": {"type": "lifespan.shutdown"},
}


def build_scope(scenario: Scenario) -> Any:
    if scenario.raw_scope is not _UNSET:
        return copy.deepcopy(scenario.raw_scope)
    factory = BASE_SCOPES.get(scenario.scope_type)
    base = factory() if factory else {"type": scenario.scope_type, "asgi": {"version": "3.0"}}
    return _apply(base, copy.deepcopy(dict(scenario.scope)))


def render_scenario(scenario: Scenario, contrast: Scenario | None = None) -> str:
    """The scenario as example code: the scope that differs from a normal one, then the app's calls.

    With ``contrast`` (the triggering scenario, when this is its corrected counterpart) the scope keys the
    contrast changes are shown too, with this scenario's values: a correction that only fixes the scope must not
    read exactly like the mistake.
    """
    lines: list[str] = []
    if scenario.raw_scope is not _UNSET:
        lines.append(f"# the server calls the app with scope = {scenario.raw_scope!r}")
    else:
        shown = dict(scenario.scope)
        if contrast is not None and contrast.raw_scope is _UNSET:
            actual = build_scope(scenario)
            for key in contrast.scope:
                if key not in shown:
                    shown[key] = actual.get(key, DELETE) if isinstance(actual, dict) else DELETE
        if shown:
            text = ", ".join(f"{k}={'(missing)' if v is DELETE else _short(v)}" for k, v in shown.items())
            lines.append(f"# scope: {text}")
    for key, value in scenario.config.items():
        lines.append(f"# config: {key} = {value!r}")
    for step in scenario.steps:
        if step.kind == "send":
            lines.append(f"await send({_short(step.value)})")
        elif step.kind == "receive":
            lines.append(f"await receive()  # -> {_short(step.value)}")
        elif step.kind == "sleep":
            lines.append(f"await asyncio.sleep({step.value})")
        elif step.kind == "call":
            lines.append(step.text)
        elif step.kind == "return":
            lines.append(f"return {step.value!r}")
        elif step.kind in ("pause", "resume"):
            lines.append(f"# ... the {'main' if step.kind == 'pause' else 'lifespan'} app runs here ...")
        elif step.kind == "raise":
            lines.append(f"raise {step.value!r}")
    if scenario.lifespan:
        lines[:0] = ["# meanwhile, the lifespan app:"] + [
            "#   " + line for line in render_scenario(Scenario(scenario.lifespan, scope_type="lifespan")).splitlines()
        ]
    if scenario.send_error is not None:
        lines.append(f"# after the disconnect the server's send() raises {scenario.send_error!r}")
    return "\n".join(lines)


class _SortedSet:
    """Shows a set with its items in sorted order, so an example reads the same in every process."""

    def __init__(self, items: set[Any] | frozenset[Any]) -> None:
        self.items, self.kind = items, type(items)

    def __repr__(self) -> str:
        shown = ", ".join(sorted(map(repr, self.items)))
        return f"{{{shown}}}" if self.kind is set and self.items else f"{self.kind.__name__}({{{shown}}})"


def _stable(value: Any) -> Any:
    """``value`` with its (exactly typed) sets, also inside plain dicts, lists and tuples, shown sorted."""
    kind = type(value)
    if kind in (set, frozenset):
        return _SortedSet(value)
    if kind is dict:
        return {key: _stable(item) for key, item in value.items()}
    if kind in (list, tuple):
        return kind(_stable(item) for item in value)
    return value


def _short(value: Any) -> str:
    text = pprint.pformat(_stable(value), width=110, compact=True, sort_dicts=False)
    return text if len(text) <= 300 else text[:297] + "..."


def with_examples(rule: Rule, cases: Mapping[str, Case]) -> Rule:
    """The rule with its bad and good example as the explanation (unchanged when it has no case)."""
    case = cases.get(rule.id)
    return replace(rule, explanation=explain(case)) if case is not None and not rule.explanation else rule


def register_with_examples(registry: Any, rules: Iterable[Rule], cases: Mapping[str, Case]) -> None:
    """Register a plugin's rules, each with the bad and good example of its case as the explanation."""
    for rule in rules:
        registry.register(with_examples(rule, cases))


def explain(case: Case) -> str:
    """Markdown with the bad and the good example of a case."""
    return (
        "Example that triggers it:\n\n```python\n" + render_scenario(case.bad) + "\n```\n\n"
        "Corrected:\n\n```python\n" + render_scenario(case.good, contrast=case.bad) + "\n```\n"
    )
