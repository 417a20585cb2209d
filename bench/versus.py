"""The same workloads under whichever asgion is importable, to compare versions on one machine.

Run it once in each environment, e.g. this checkout and ``pip install asgion==0.6.1`` (Python 3.12+) in another
virtualenv, and compare the "added" columns: ``python bench/versus.py [--rounds N]``. It imports only
``asgion.Inspector`` and builds its own scopes and messages, so it runs unchanged against any version whose
Inspector wraps an ASGI app. For a fair comparison load only the built-in rules: third-party plugins installed
beside this checkout add their own findings and work (``ASGION_DISABLE_PLUGIN_AUTOLOAD=1`` keeps them out). Each
workload times the bare app and the inspected app in interleaved rounds in one
process and prints medians; the differences are what the inspector adds. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asgion

App = Callable[..., Awaitable[Any]]
HEADERS = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"2")]
CHUNKS = 1_000


def scope() -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": "/", "raw_path": b"/", "query_string": b"",
            "root_path": "", "headers": [(b"host", b"example.com")], "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000)}


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: dict[str, Any]) -> None:
    pass


async def small_get(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": list(HEADERS)})
    await send({"type": "http.response.body", "body": b"ok"})


async def stream(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/octet-stream")]})
    chunk = {"type": "http.response.body", "body": b"x" * 64, "more_body": True}
    for _ in range(CHUNKS):
        await send(chunk)
    await send({"type": "http.response.body", "body": b""})


async def per_call_ns(app: App, calls: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(calls):
        await app(scope(), receive, send)
    return (time.perf_counter_ns() - start) / calls


async def compare(name: str, app: App, calls: int, rounds: int, per: int) -> None:
    variants = {"bare": app, "inspected": asgion.Inspector(app)}
    times: dict[str, list[float]] = {key: [] for key in variants}
    for _ in range(rounds):
        for key, target in variants.items():
            times[key].append(await per_call_ns(target, calls))
    bare, inspected = (statistics.median(times[key]) for key in variants)
    print(f"{name:28} bare {bare / 1000:8.2f} us   inspected {inspected / 1000:8.2f} us   "
          f"added {(inspected - bare) / per / 1000:7.3f} us per {'message' if per > 1 else 'request'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    print(f"asgion {getattr(asgion, '__version__', '?')} on Python {sys.version.split()[0]}")
    asyncio.run(compare("small GET", small_get, 2_000, rounds, 1))
    asyncio.run(compare(f"stream of {CHUNKS:,} chunks", stream, 20, rounds, CHUNKS + 1))


if __name__ == "__main__":
    main()
