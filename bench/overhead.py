"""Measure what the Inspector adds per request and per body message, as ratios against the bare app.

Run: python bench/overhead.py [--rounds N]. Not part of the test suite. Rounds interleave bare and inspected runs
in one process and report medians, so machine noise affects both sides alike.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from asgion import Inspector
from asgion_core.scenario import http_scope

App = Callable[..., Awaitable[Any]]


async def small_get(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def streaming(chunks: int) -> App:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/octet-stream")]})
        message = {"type": "http.response.body", "body": b"x" * 64, "more_body": True}
        for _ in range(chunks):
            await send(message)
        await send({"type": "http.response.body", "body": b""})
    return app


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Any) -> None:
    return None


async def run(app: App, connections: int) -> int:
    scope = http_scope()
    start = time.perf_counter_ns()
    for _ in range(connections):
        await app(dict(scope), _receive, _send)
    return time.perf_counter_ns() - start


def measure(name: str, bare: App, connections: int, messages: int, rounds: int) -> None:
    inspected = Inspector(bare)
    bare_times, insp_times = [], []
    for _ in range(rounds):
        bare_times.append(asyncio.run(run(bare, connections)))
        insp_times.append(asyncio.run(run(inspected, connections)))
    b, i = statistics.median(bare_times), statistics.median(insp_times)
    per_conn = (i - b) / connections
    line = f"{name:<28} bare {b / connections / 1e3:9.2f} us/conn  inspected {i / connections / 1e3:9.2f} us/conn  " \
           f"added {per_conn / 1e3:8.2f} us/conn  ratio {i / b:5.2f}"
    if messages:
        line += f"  added/message {per_conn / messages:6.0f} ns"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    measure("small GET", small_get, 2000, 0, args.rounds)
    for chunks in (1_000, 10_000, 100_000):
        measure(f"stream {chunks} chunks", streaming(chunks), max(1, 100_000 // chunks // 10), chunks, args.rounds)


if __name__ == "__main__":
    main()
