"""Memory: one connection as its message count grows, and one long-running inspect(app) over many connections.

Run: python bench/memory.py. Not part of the test suite. tracemalloc counts Python allocations (its own
bookkeeping included); what matters is that the figures stay flat as the counts grow.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from overhead import PLUGINS
from workloads import discard as _send
from workloads import http_receive as _http_receive
from workloads import small_get, streaming

from asgion import Inspector, MemoryStorage, inspect
from asgion_core.scenario import http_scope


def peak_kib(chunks: int, trace: bool) -> float:
    app: Any = Inspector(streaming(chunks), plugins=PLUGINS, trace=trace, storage=MemoryStorage(max_records=1))
    asyncio.run(app(http_scope(), _http_receive, _send))  # warm-up: compile tables
    gc.collect()
    tracemalloc.start()
    asyncio.run(app(http_scope(), _http_receive, _send))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


async def early_body(scope: Any, receive: Any, send: Any) -> None:
    """A buggy app, so that every connection adds violations and results."""
    await receive()
    await send({"type": "http.response.body", "body": b"x"})


def middleware_kib(app: Any, checkpoints: tuple[int, ...]) -> list[float]:
    """Memory held after each checkpoint of connections through one inspector."""

    async def run(count: int) -> None:
        for i in range(count):
            await app(http_scope(path=f"/item/{i}"), _http_receive, _send)

    figures = []
    done = 0
    tracemalloc.start()
    for target in checkpoints:
        asyncio.run(run(target - done))
        done = target
        gc.collect()
        figures.append(tracemalloc.get_traced_memory()[0] / 1024)
    tracemalloc.stop()
    return figures


def main() -> None:
    print("one connection, peak memory")
    print(f"{'chunks':>8}  {'trace off':>12}  {'trace on':>12}")
    for chunks in (1_000, 10_000, 100_000):
        print(f"{chunks:>8}  {peak_kib(chunks, False):>9.1f} KiB  {peak_kib(chunks, True):>9.1f} KiB")
    checkpoints = (10_000, 50_000, 100_000)
    print("\none inspect(app), memory held after N connections (defaults: 10,000 violations, 1,000 results kept)")
    for name, target in (("clean app", small_get), ("buggy app", early_body)):
        for trace in (False, True):
            app = inspect(target, plugins=PLUGINS, trace=trace, on_violation=None)  # what is kept, not logged
            figures = middleware_kib(app, checkpoints)
            label = f"{name}, trace {'on' if trace else 'off'}"
            print(f"  {label:<24} " + "  ".join(f"{n:>7,}: {kib:8.0f} KiB" for n, kib in zip(checkpoints, figures,
                                                                                           strict=True)))


if __name__ == "__main__":
    main()
