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
import tracemalloc
from dataclasses import replace
from typing import Any

from workloads import WORKLOADS, App, Workload, timed

from asgion import Inspector, MemoryStorage, create_plugin_manager

PLUGINS = create_plugin_manager(autoload=False, env={})


def workloads(quick: bool) -> list[Workload]:
    scale = 10 if quick else 1
    return [replace(w, connections=max(1, w.connections // scale)) for w in WORKLOADS]


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
    per_conn = workload.connections * (workload.units if workload.unit == "request" else 1)
    per_message = workload.units if workload.unit in ("message", "echo") else 0
    result: dict[str, Any] = {"workload": workload.name}
    for name in ("inspect", "trace"):
        added = (medians[name] - medians["bare"]) / per_conn
        result[name] = {
            "ratio": medians[name] / medians["bare"],
            "added_ns_per_connection": added,
            "added_ns_per_message": added / per_message if per_message else None,
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
