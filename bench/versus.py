"""The same workloads under whichever asgion is importable, to compare versions on one machine.

Run it once in each environment, e.g. this checkout and ``pip install asgion==0.6.1`` (Python 3.12+) in another
virtualenv, and compare the "added" columns: ``python bench/versus.py [--rounds N]``. It imports only
``asgion.Inspector`` (the apps come from bench/workloads.py, which imports nothing from asgion) and builds its own
scopes and messages, so it runs unchanged against any version whose Inspector wraps an ASGI app. For a fair
comparison load only the built-in rules: third-party plugins installed beside this checkout add their own findings
and work (``ASGION_DISABLE_PLUGIN_AUTOLOAD=1`` keeps them out). Each workload times the bare app and the inspected
app in interleaved rounds in one process and prints medians; the differences are what the inspector adds.
``--instructions`` counts CPU instructions with valgrind's callgrind instead (repeatable where wall-clock time
drifts). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from typing import Any

from workloads import App, small_get, streaming

import asgion

CHUNKS = 1_000
stream = streaming(CHUNKS)


def scope() -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": "/", "raw_path": b"/", "query_string": b"",
            "root_path": "", "headers": [(b"host", b"example.com")], "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000)}


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: dict[str, Any]) -> None:
    pass


async def per_call_ns(app: App, calls: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(calls):
        await app(scope(), receive, send)
    return (time.perf_counter_ns() - start) / calls


async def compare(name: str, app: App, calls: int, rounds: int, per: int) -> None:
    variants: dict[str, App] = {"bare": app, "inspected": asgion.Inspector(app)}
    times: dict[str, list[float]] = {key: [] for key in variants}
    for _ in range(rounds):
        for key, target in variants.items():
            times[key].append(await per_call_ns(target, calls))
    bare, inspected = (statistics.median(times[key]) for key in variants)
    print(f"{name:28} bare {bare / 1000:8.2f} us   inspected {inspected / 1000:8.2f} us   "
          f"added {(inspected - bare) / per / 1000:7.3f} us per {'message' if per > 1 else 'request'}")


async def run_only(app: App, calls: int) -> None:
    for _ in range(calls):
        await app(scope(), receive, send)


def instructions(workload: str, variant: str, calls: int) -> int:
    """CPU instructions of one whole run of this script (a fixed hash seed keeps dict layouts, and counts, fixed)."""
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
                          "--run", workload, variant, str(calls)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "0"}).stderr
    match = re.search(r"Collected : (\d+)", out)
    if match is None:
        raise RuntimeError(out)
    return int(match.group(1))


def count(name: str, workload: str, low: int, extra: int, per: int, variant: str) -> None:
    """Instructions added per request (or message): differences of two run lengths, so start-up cancels out."""
    added = {}
    for kind in ("bare", variant):
        added[kind] = (instructions(workload, kind, low + extra) - instructions(workload, kind, low)) / extra
    print(f"{name:28} bare {added['bare'] / per:10,.0f}   added {(added[variant] - added['bare']) / per:10,.0f} "
          f"instructions per {'message' if per > 1 else 'request'}{' (traced)' if variant == 'traced' else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--instructions", action="store_true", help="count CPU instructions (needs valgrind)")
    parser.add_argument("--trace", action="store_true", help="with --instructions: Inspector(app, trace=True)")
    parser.add_argument("--run", nargs=3, metavar=("WORKLOAD", "VARIANT", "CALLS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    apps = {"get": small_get, "stream": stream}
    if args.run:
        workload, variant, calls = args.run
        app = apps[workload]
        wrapped = asgion.Inspector(app, trace=True) if variant == "traced" else asgion.Inspector(app)
        asyncio.run(run_only(app if variant == "bare" else wrapped, int(calls)))
        return
    print(f"asgion {getattr(asgion, '__version__', '?')} on Python {sys.version.split()[0]}")
    if args.instructions:
        if shutil.which("valgrind") is None:
            raise SystemExit("valgrind is not installed (apt-get install valgrind)")
        variant = "traced" if args.trace else "inspected"
        count("small GET", "get", 200, 1_000, 1, variant)
        count(f"stream of {CHUNKS:,} chunks", "stream", 2, 10, CHUNKS + 1, variant)
        return
    asyncio.run(compare("small GET", small_get, 2_000, args.rounds, 1))
    asyncio.run(compare(f"stream of {CHUNKS:,} chunks", stream, 20, args.rounds, CHUNKS + 1))


if __name__ == "__main__":
    main()
