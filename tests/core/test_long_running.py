"""A long-running ``inspect(app)`` keeps memory bounded: the retention policy of violations, results and traces.

Policy (docs/performance.md): ``violations`` keeps the last ``max_violations`` (10,000), ``results`` the last
``max_results`` (1,000) connections with findings, traces the last ``max_traces`` (1,000); each connection keeps at
most 50 occurrences of a rule; connection state is dropped when the app call ends; ``on_violation`` sees every
violation for whoever wants to keep them all. The 100,000-connection figure is in bench/memory.py.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from typing import Any

from asgion import inspect
from asgion_core.plugins import create_plugin_manager
from asgion_core.scenario import http_scope


async def buggy(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.body", "body": b"early"})
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})


def drive(app: Any, connections: int) -> None:
    async def receive() -> Any:
        return {"type": "http.request"}

    async def send(message: Any) -> None:
        return None

    async def main() -> None:
        for i in range(connections):
            await app(http_scope(path=f"/item/{i}"), receive, send)

    asyncio.run(main())


def test_memory_stays_flat_over_many_connections() -> None:
    seen = 0

    def count(violation: Any) -> None:
        nonlocal seen
        seen += 1

    app = inspect(buggy, plugins=create_plugin_manager(autoload=False, env={}), max_violations=500, max_results=50,
                  trace=True, max_traces=20, on_violation=count)
    drive(app, 2_000)  # reach the steady state: every bounded buffer is full
    gc.collect()
    tracemalloc.start()
    drive(app, 3_000)
    gc.collect()
    after_3k, _ = tracemalloc.get_traced_memory()
    drive(app, 6_000)
    gc.collect()
    after_9k, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert after_9k - after_3k < 64 * 1024, f"grew by {after_9k - after_3k} bytes over 6,000 more connections"
    assert len(app.violations) == 500 and len(app.results) == 50 and len(app.traces) == 20
    assert seen == 11_000 * 3, "on_violation saw every violation (HF-002, SEM-013 and HF-006 per connection)"
    assert app._open == {}


def test_unknown_scope_types_do_not_grow_the_cache() -> None:
    app = inspect(buggy, plugins=create_plugin_manager(autoload=False, env={}), exclude_rules=["G-004"])

    async def main() -> None:
        async def noop(*args: Any) -> Any:
            return {"type": "x"}

        async def plain_app(scope: Any, receive: Any, send: Any) -> None:
            return None

        app.app = plain_app
        for i in range(500):
            await app({"type": f"custom-{i}"}, noop, noop)

    asyncio.run(main())
    assert len(app._routers) <= 64 + 3
