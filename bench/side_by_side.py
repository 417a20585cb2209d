"""This checkout beside asgion 0.6.1 on the same workloads, in one run: the table docs/performance.md shows.

Run: ``python bench/side_by_side.py --this PYTHON --old PYTHON [--rounds N] [--repeats K]``, where each PYTHON is
an interpreter whose environment has that asgion installed (CPython 3.12 for both: 0.6.1 needs it), e.g.
``python3.12 -m venv /tmp/v061 && /tmp/v061/bin/pip install asgion==0.6.1``. It runs bench/versus.py in each
environment in turn, ``--repeats`` times, alternating so drift hits both alike, and prints per workload what each
version adds to the bare app and the ratio of the two, next to the targets. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: The largest allowed ratio of this checkout's added cost to 0.6.1's, untraced and traced.
TARGETS = {"small GET": 0.15, "stream 1,000 chunks": 0.15, "stream 10,000 chunks": 0.15,
           "stream 100,000 chunks": 0.15, "websocket echo 1,000": 0.15, "lifespan cycle": 0.5,
           "1,000 concurrent GETs": 0.15}
TRACED_TARGET = 0.30


def run(python: str, rounds: int) -> dict[str, Any]:
    env = {**os.environ, "ASGION_DISABLE_PLUGIN_AUTOLOAD": "1"}
    out = subprocess.run([python, str(HERE / "versus.py"), "--json", "--rounds", str(rounds)], capture_output=True,
                         text=True, check=True, cwd="/", env=env)  # cwd /: no checkout shadows the installed asgion
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--this", required=True, help="interpreter with this checkout installed")
    parser.add_argument("--old", required=True, help="interpreter with asgion 0.6.1 installed")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Any]]] = {"this": [], "old": []}
    for _ in range(args.repeats):
        for key in ("this", "old"):
            runs[key].append(run(getattr(args, key), args.rounds))
    versions = {key: f"{values[0]['version']} (Python {values[0]['python']})" for key, values in runs.items()}
    print(f"this: asgion {versions['this']}   old: asgion {versions['old']}")
    print(f"{'workload':24} {'unit':8} {'added':>10} {'0.6.1':>10} {'ratio':>6} {'target':>6}   "
          f"{'traced':>10} {'0.6.1':>10} {'ratio':>6} {'target':>6}")
    names = [row["workload"] for row in runs["this"][0]["results"]]
    for index, name in enumerate(names):
        figures: dict[str, float] = {}
        for key in ("this", "old"):
            for variant in ("inspected_ns", "traced_ns"):
                figures[f"{key}_{variant}"] = statistics.median(r["results"][index][variant] for r in runs[key])
        ratio = figures["this_inspected_ns"] / figures["old_inspected_ns"]
        traced = figures["this_traced_ns"] / figures["old_traced_ns"]
        unit = runs["this"][0]["results"][index]["unit"]
        print(f"{name:24} {unit:8} {figures['this_inspected_ns']:8,.0f}ns {figures['old_inspected_ns']:8,.0f}ns "
              f"{ratio:6.2f} {TARGETS[name]:6.2f}   {figures['this_traced_ns']:8,.0f}ns "
              f"{figures['old_traced_ns']:8,.0f}ns {traced:6.2f} {TRACED_TARGET:6.2f}")


if __name__ == "__main__":
    main()
