"""Helpers for testing rules and plugins: play a scripted app through an Inspector and get the violations.

A :class:`Scenario` is a scope plus a script of steps the app performs (``send``, ``receive``, ``sleep``,
``call``, then ``returns`` or ``raises``); :func:`run_scenario` plays it through an Inspector with the plugins of
your choice and returns the violations. Plugin authors use it to test their rules without a framework or server.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from collections.abc import Iterable
from typing import Any

from asgion_core.config import AsgionConfig
from asgion_core.inspector import Inspector
from asgion_core.plugins import AsgionPluginManager, create_plugin_manager
from asgion_core.scenario import (
    BASE_SCOPES,
    DELETE,
    LAST_MESSAGE,
    LIFESPAN_STATE,
    LIFESPAN_STATE_COPY,
    Case,
    Scenario,
    Step,
    build_scope,
    call,
    http_scope,
    raises,
    receive,
    render_scenario,
    returns,
    send,
    sleep,
)
from asgion_core.violation import Violation

__all__ = [
    "DELETE",
    "Case",
    "Scenario",
    "Step",
    "call",
    "http_scope",
    "plugin_manager_for",
    "raises",
    "receive",
    "render_scenario",
    "PluginFailure",
    "returns",
    "run_scenario",
    "send",
    "sleep",
]


def plugin_manager_for(*plugins: object, builtins: bool = True) -> AsgionPluginManager:
    """A hermetic plugin manager for tests: the given plugin objects, plus the built-in plugins (which a rule
    plugin usually needs to see its scope types), found through asgion's own entry points like any other; no
    third-party entry point is loaded, so other packages installed in the environment cannot change the result."""
    return create_plugin_manager(plugins=list(plugins), autoload=False, entry_points=builtins, env={})


class _Relay:
    """Hands control between the lifespan script and the main script (pause/resume)."""

    def __init__(self) -> None:
        self.paused = asyncio.Event()
        self.go = asyncio.Event()
        self.released = False

    async def pause(self) -> None:
        if self.released:
            return
        self.paused.set()
        await self.go.wait()
        self.go.clear()

    async def resume(self) -> None:
        self.paused.clear()
        self.go.set()
        await self.paused.wait()

    def release(self) -> None:
        self.released = True
        self.paused.set()
        self.go.set()


def _script(steps: tuple[Step, ...], relay: _Relay) -> Any:
    async def app(scope: Any, receive_: Any, send_: Any) -> Any:
        for step in steps:
            if step.kind == "send":
                await send_(step.value)
            elif step.kind == "receive":
                await receive_()
            elif step.kind == "sleep":
                await asyncio.sleep(step.value)
            elif step.kind == "call":
                step.value(scope)
            elif step.kind == "pause":
                await relay.pause()
            elif step.kind == "resume":
                await relay.resume()
            elif step.kind == "return":
                return step.value
            elif step.kind == "raise":
                raise step.value
        return None

    return app


class _ScriptedServer:
    """Delivers the script's receive messages in order; raises ``send_error`` from send() after a disconnect."""

    def __init__(self, steps: tuple[Step, ...], scope_type: str, send_error: BaseException | None) -> None:
        self.inbox = [copy.deepcopy(s.value) for s in steps if s.kind == "receive"]
        self.last = LAST_MESSAGE.get(scope_type, {"type": f"{scope_type}.disconnect"})
        self.send_error = send_error
        self.disconnected = False

    async def receive(self) -> Any:
        message = self.inbox.pop(0) if self.inbox else dict(self.last)
        if isinstance(message, dict) and str(message.get("type", "")).endswith("disconnect"):
            self.disconnected = True
        return message

    async def send(self, message: Any) -> None:
        if self.disconnected and self.send_error is not None:
            raise self.send_error


def run_scenario(
    scenario: Scenario,
    *,
    plugins: AsgionPluginManager | Iterable[str | object] | None = None,
    profile: str = "strict",
    config: AsgionConfig | None = None,
    express: bool = True,
) -> list[Violation]:
    """Play ``scenario`` through an Inspector and return its violations (all rules on: profile ``strict``).

    ``express=False`` turns the express lanes off; a plugin with lanes can assert both give the same findings.
    """
    base = (config or AsgionConfig()).merged(profile=profile, **dict(scenario.config))
    relay = _Relay()
    main_app = _script(scenario.steps, relay)
    lifespan_app = _script(scenario.lifespan, relay)

    async def app(scope: Any, receive_: Any, send_: Any) -> Any:
        """One app, as in real life: the lifespan script answers the lifespan scope, the main script the rest."""
        is_prelude = scenario.lifespan and isinstance(scope, dict) and scope.get("type") == "lifespan"
        return await (lifespan_app if is_prelude else main_app)(scope, receive_, send_)

    inspector = Inspector(app, config=base, plugins=plugins, express=express)

    async def main() -> None:
        lifespan_task = None
        state: dict[str, Any] = {}
        if scenario.lifespan:
            lifespan_scope = BASE_SCOPES["lifespan"]()
            state = lifespan_scope["state"]
            lifespan_server = _ScriptedServer(scenario.lifespan, "lifespan", None)
            lifespan_task = asyncio.ensure_future(inspector(lifespan_scope, lifespan_server.receive,
                                                             lifespan_server.send))
            lifespan_task.add_done_callback(lambda _: relay.paused.set())
            await relay.paused.wait()
        scope = build_scope(scenario)
        if isinstance(scope, dict):
            for key, value in scope.items():
                if value is LIFESPAN_STATE:
                    scope[key] = state
                elif value is LIFESPAN_STATE_COPY:
                    scope[key] = dict(state)
        server = _ScriptedServer(scenario.steps, scenario.scope_type, scenario.send_error)
        with contextlib.suppress(BaseException):
            await inspector(scope, server.receive, server.send)
        relay.release()
        if lifespan_task is not None:
            with contextlib.suppress(BaseException):
                await lifespan_task

    asyncio.run(main())
    problems = [str(error) for error in inspector.internal_errors] + list(inspector.plugin_manager.plugin_errors)
    if problems:
        raise PluginFailure(problems)
    return inspector.violations


class PluginFailure(AssertionError):
    """A check or plugin failed while a scenario played: the violations would be incomplete, so there are none.

    Plugin authors' tests (``run_scenario``, the ``asgion_runner`` fixture) fail with the plugin's own error
    instead of passing or failing on fewer findings than the plugin would make.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("a plugin failed while the scenario played:\n" + "\n".join(f"  {p}" for p in problems))
