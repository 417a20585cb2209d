"""The workloads of bench/overhead.py under whichever asgion is importable, to compare versions on one machine.

It imports only ``asgion.Inspector`` (the apps come from bench/workloads.py, which imports nothing from asgion)
and builds its own scopes and messages, so it runs unchanged against any version whose Inspector wraps an ASGI
app, asgion 0.6.1 included. Each workload times the bare app, ``Inspector(app)`` and ``Inspector(app,
trace=True)`` in interleaved rounds in one process and reports medians; the differences are what the inspector
adds. ``--json`` prints them for bench/side_by_side.py, which runs this script in several environments and puts
the figures next to each other. Load only the built-in rules (``ASGION_DISABLE_PLUGIN_AUTOLOAD=1``): third-party
plugins add their own work. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
from typing import Any

from workloads import WORKLOADS, App, Workload, timed

import asgion


def measure(workload: Workload, rounds: int) -> dict[str, Any]:
    variants: dict[str, App] = {
        "bare": workload.app,
        "inspected": asgion.Inspector(workload.app),
        "traced": asgion.Inspector(workload.app, trace=True),
    }
    for app in variants.values():
        asyncio.run(workload.driver(app))  # warm-up: compile the dispatch tables
    samples: dict[str, list[int]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, app in variants.items():
            gc.collect()  # every sample starts from the same heap, whatever the previous variant left
            samples[name].append(timed(workload, app))
    per_unit = workload.connections * workload.units
    medians = {name: statistics.median(values) / per_unit for name, values in samples.items()}
    return {"workload": workload.name, "unit": workload.unit, "bare_ns": medians["bare"],
            "inspected_ns": medians["inspected"] - medians["bare"], "traced_ns": medians["traced"] - medians["bare"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.add_argument("--only", action="append", default=[], help="run only the named workload (repeatable)")
    args = parser.parse_args()
    chosen = [w for w in WORKLOADS if not args.only or w.name in args.only]
    results = [measure(workload, args.rounds) for workload in chosen]
    if args.json:
        json.dump({"version": getattr(asgion, "__version__", "?"), "python": sys.version.split()[0],
                   "results": results}, sys.stdout)
        return
    print(f"asgion {getattr(asgion, '__version__', '?')} on Python {sys.version.split()[0]}")
    for row in results:
        print(f"{row['workload']:24} bare {row['bare_ns']:10,.0f} ns   added {row['inspected_ns']:9,.0f} ns   "
              f"traced {row['traced_ns']:9,.0f} ns   per {row['unit']}")


if __name__ == "__main__":
    main()
