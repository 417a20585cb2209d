"""Inspectors share nothing through the plugin manager: no replayed configs, no retained Inspectors, own errors."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

from asgion_core.checks import EventCheck
from asgion_core.config import AsgionConfig
from asgion_core.hookspecs import hookimpl
from asgion_core.inspector import Inspector
from asgion_core.plugins import create_plugin_manager
from asgion_core.scenario import http_scope


async def hello(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def test_ten_thousand_inspectors_leave_nothing_behind() -> None:
    pm = create_plugin_manager(autoload=False, env={})
    refs = [weakref.ref(Inspector(hello, plugins=pm)) for _ in range(10_000)]
    gc.collect()
    assert sum(ref() is not None for ref in refs) == 0
    assert pm.hook.asgion_configure._call_history is None  # nothing kept to replay


def test_a_plugin_registered_later_is_not_replayed_old_configs() -> None:
    pm = create_plugin_manager(autoload=False, env={})
    Inspector(hello, plugins=pm, profile="strict")
    seen: list[str] = []

    class Late:
        @hookimpl
        def asgion_configure(self, config: AsgionConfig) -> None:
            seen.append(config.profile)

    pm.register(Late())
    assert seen == []
    Inspector(hello, plugins=pm, profile="minimal")
    assert seen == ["minimal"]


def test_internal_errors_belong_to_the_inspector_that_met_them() -> None:
    class FailsWhenStrict:
        @hookimpl
        def asgion_event_checks(self, scope_type: str, config: AsgionConfig) -> list[EventCheck]:
            if config.profile == "strict":
                raise RuntimeError("strict is too much for me")
            return []

    pm = create_plugin_manager(plugins=[FailsWhenStrict()], autoload=False, env={})
    strict, relaxed = Inspector(hello, plugins=pm, profile="strict"), Inspector(hello, plugins=pm)

    async def drive(app: Any) -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        async def send(message: Any) -> None:
            pass

        await app(http_scope(), receive, send)

    asyncio.run(drive(strict))
    asyncio.run(drive(relaxed))
    assert [e.where for e in strict.internal_errors] == ["asgion_event_checks"]
    assert "strict is too much" in strict.internal_errors[0].error
    assert relaxed.internal_errors == []
    assert pm.internal_errors == []
