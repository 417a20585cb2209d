"""What asgion adds, measured against the bare app in the same run (DESIGN section 8).

Run: ``python bench/overhead.py [--rounds N] [--quick]``. Not part of the test suite. For each workload the bare
app, ``inspect(app)`` and ``Inspector(app, trace=True)`` run in interleaved rounds inside one process; medians are
compared, so machine noise affects all three alike. Only the built-in plugins are loaded.

Workloads: a small GET; streamed responses of 1,000 / 10,000 / 100,000 body chunks; a 1,000-message WebSocket echo;
a lifespan startup/shutdown cycle; 1,000 concurrent small requests. Printed: time per connection, ns added per
connection and per message, the ratio to bare, and the peak memory of one connection (tracemalloc).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from workloads import App, small_get, streaming

from asgion import Inspector, MemoryStorage, create_plugin_manager
from asgion_core.scenario import http_scope, lifespan_scope, websocket_scope

PLUGINS = create_plugin_manager(autoload=False, env={})


# -- apps -----------------------------------------------------------------------------------------------------------

async def ws_echo(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", "text": message["text"]})


async def lifespan_app(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "lifespan.startup.complete"})
    await receive()
    await send({"type": "lifespan.shutdown.complete"})


# -- servers (as thin as possible, so the numbers are the app's and the inspector's) ----------------------------------
async def _http_receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Any) -> None:
    return None


async def one_http(app: App) -> None:
    await app(http_scope(), _http_receive, _send)


def ws_session(frames: int) -> Callable[[App], Coroutine[Any, Any, None]]:
    async def run(app: App) -> None:
        inbox = [{"type": "websocket.connect"}] + [{"type": "websocket.receive", "text": "hi"}] * frames + [
            {"type": "websocket.disconnect", "code": 1000}]
        position = 0

        async def receive() -> dict[str, Any]:
            nonlocal position
            position += 1
            return inbox[position - 1]

        await app(websocket_scope(), receive, _send)
    return run


async def lifespan_cycle(app: App) -> None:
    inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

    async def receive() -> dict[str, Any]:
        return inbox.pop(0)

    await app(lifespan_scope(), receive, _send)


async def concurrent(app: App, count: int = 1000) -> None:
    await asyncio.gather(*(one_http(app) for _ in range(count)))


@dataclass
class Workload:
    name: str
    app: App
    driver: Callable[[App], Coroutine[Any, Any, None]]
    connections: int
    messages: int  # per connection, for the per-message figure (0: per request only)


def workloads(quick: bool) -> list[Workload]:
    scale = 10 if quick else 1
    return [
        Workload("small GET", small_get, one_http, 5000 // scale, 0),
        Workload("stream 1,000 chunks", streaming(1_000), one_http, 20 // min(scale, 4), 1_000),
        Workload("stream 10,000 chunks", streaming(10_000), one_http, 4 // min(scale, 4), 10_000),
        Workload("stream 100,000 chunks", streaming(100_000), one_http, 1, 100_000),
        Workload("websocket echo 1,000", ws_echo, ws_session(1_000), 10 // min(scale, 5), 2_000),
        Workload("lifespan cycle", lifespan_app, lifespan_cycle, 2000 // scale, 0),
        Workload("1,000 concurrent GETs", small_get, concurrent, 5 // min(scale, 5), 0),
    ]


def timed(workload: Workload, app: App) -> int:
    async def main() -> int:
        start = time.perf_counter_ns()
        for _ in range(workload.connections):
            await workload.driver(app)
        return time.perf_counter_ns() - start
    return asyncio.run(main())


def peak_memory(workload: Workload, app: App) -> int:
    gc.collect()
    tracemalloc.start()
    asyncio.run(workload.driver(app))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def measure(workload: Workload, rounds: int) -> dict[str, Any]:
    variants: dict[str, App] = {
        "bare": workload.app,
        "inspect": Inspector(workload.app, plugins=PLUGINS),
        "trace": Inspector(workload.app, plugins=PLUGINS, trace=True, storage=MemoryStorage(max_records=1)),
    }
    for app in variants.values():
        asyncio.run(workload.driver(app))  # warm-up: compile the dispatch tables
    samples: dict[str, list[int]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, app in variants.items():
            gc.collect()  # every sample starts from the same heap, whatever the previous variant left
            samples[name].append(timed(workload, app))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    per_conn = workload.connections * (1000 if workload.driver is concurrent else 1)
    result: dict[str, Any] = {"workload": workload.name}
    for name in ("inspect", "trace"):
        added = (medians[name] - medians["bare"]) / per_conn
        result[name] = {
            "ratio": medians[name] / medians["bare"],
            "added_ns_per_connection": added,
            "added_ns_per_message": added / workload.messages if workload.messages else None,
            "peak_kib": peak_memory(workload, variants[name]) / 1024,
        }
    result["bare_ns_per_connection"] = medians["bare"] / per_conn
    result["bare_peak_kib"] = peak_memory(workload, variants["bare"]) / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="fewer connections per round (a smoke run)")
    args = parser.parse_args()
    print(f"{'workload':<24} {'bare/conn':>11}  {'variant':<8} {'ratio':>6} {'added/conn':>12} {'added/msg':>10} "
          f"{'peak KiB':>9}")
    for workload in workloads(args.quick):
        result = measure(workload, args.rounds)
        for name in ("inspect", "trace"):
            row = result[name]
            per_msg = f"{row['added_ns_per_message']:8.0f}ns" if row["added_ns_per_message"] is not None else ""
            bare = f"{result['bare_ns_per_connection'] / 1000:9.1f}us" if name == "inspect" else ""
            label = workload.name if name == "inspect" else ""
            added = row["added_ns_per_connection"] / 1000
            print(f"{label:<24} {bare:>11}  {name:<8} {row['ratio']:6.2f} {added:10.2f}us {per_msg:>10} "
                  f"{row['peak_kib']:9.1f}")


if __name__ == "__main__":
    main()
