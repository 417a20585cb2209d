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
from asgion_core.plugins import AsgionPluginManager
from asgion_core.scenario import (
    DELETE,
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
    "raises",
    "receive",
    "render_scenario",
    "returns",
    "run_scenario",
    "send",
    "sleep",
]


def run_scenario(
    scenario: Scenario,
    *,
    plugins: AsgionPluginManager | Iterable[str | object] | None = None,
    profile: str = "strict",
    config: AsgionConfig | None = None,
) -> list[Violation]:
    """Play ``scenario`` through an Inspector and return its violations (all rules on: profile ``strict``)."""
    base = (config or AsgionConfig()).merged(profile=profile, **dict(scenario.config))
    scope = build_scope(scenario)
    steps = scenario.steps

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
            elif step.kind == "return":
                return step.value
            elif step.kind == "raise":
                raise step.value
        return None

    inbox = [copy.deepcopy(s.value) for s in steps if s.kind == "receive"]
    disconnected = False

    async def server_receive() -> Any:
        nonlocal disconnected
        message = inbox.pop(0) if inbox else {"type": "http.disconnect"}
        if isinstance(message, dict) and str(message.get("type", "")).endswith("disconnect"):
            disconnected = True
        return message

    async def server_send(message: Any) -> None:
        if disconnected and scenario.send_error is not None:
            raise scenario.send_error

    inspector = Inspector(app, config=base, plugins=plugins)

    async def main() -> None:
        with contextlib.suppress(BaseException):
            await inspector(scope, server_receive, server_send)

    asyncio.run(main())
    return inspector.violations


