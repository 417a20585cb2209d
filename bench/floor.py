"""How low can a Python inspector go? A floor for the per-request target, measured next to the real thing.

Run: ``python bench/floor.py [--rounds N]``. Not part of the test suite. In one process, interleaved rounds,
medians: the bare small GET; a wrapper that only passes receive() and send() through; a hand-written inspector in
one function that checks a handful of fields (scope type and method, the request's body, the start's status and
header pairs, the body's types, the order) and keeps no rule objects, locations or plugins; and ``inspect(app)``.
The gap between the first two is the cost of wrapping at all; the third is roughly the least any validating
wrapper written in Python can add on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from workloads import discard as send  # the same workload as bench/versus.py
from workloads import http_receive as receive
from workloads import http_scope as scope
from workloads import small_get

from asgion import Inspector, create_plugin_manager

App = Callable[..., Awaitable[Any]]


def pass_through(app: App) -> App:
    async def wrapper(scope: Any, receive: Any, send: Any) -> None:
        async def checked_receive() -> Any:
            return await receive()

        async def checked_send(message: Any) -> None:
            await send(message)

        await app(scope, checked_receive, checked_send)
    return wrapper


def minimal_inspector(app: App) -> App:
    async def wrapper(scope: Any, receive: Any, send: Any) -> None:
        found: list[str] = []
        if type(scope) is not dict or scope.get("type") != "http" or type(scope.get("method")) is not str:
            found.append("scope")
        state = 0

        async def checked_receive() -> Any:
            message = await receive()
            if not (type(message) is dict and message.get("type") == "http.request"
                    and type(message.get("body", b"")) is bytes and type(message.get("more_body", False)) is bool):
                found.append("request")
            return message

        async def checked_send(message: Any) -> None:
            nonlocal state
            kind = message.get("type") if type(message) is dict else None
            if kind == "http.response.body" and state == 1:
                if type(message.get("body", b"")) is not bytes or type(message.get("more_body", False)) is not bool:
                    found.append("body")
                if not message.get("more_body", False):
                    state = 2
            elif kind == "http.response.start" and state == 0:
                status = message.get("status")
                if type(status) is not int or not 200 <= status < 600:
                    found.append("status")
                for item in message.get("headers", ()):
                    if type(item) is not tuple or len(item) != 2:
                        found.append("header")
                state = 1
            else:
                found.append("order")
            await send(message)

        result = await app(scope, checked_receive, checked_send)
        if result is not None or state != 2:
            found.append("end")
    return wrapper


async def per_call_ns(app: App, calls: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(calls):
        await app(scope(), receive, send)
    return (time.perf_counter_ns() - start) / calls


async def measure(rounds: int) -> None:
    variants: dict[str, App] = {
        "bare": small_get,
        "pass-through": pass_through(small_get),
        "minimal inspector": minimal_inspector(small_get),
        "inspect(app)": Inspector(small_get, plugins=create_plugin_manager(autoload=False, env={})),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, app in variants.items():
            times[name].append(await per_call_ns(app, 2_000))
    bare = statistics.median(times["bare"])
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:18} {median / 1000:7.2f} us per small GET   added {(median - bare) / 1000:6.2f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    asyncio.run(measure(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
