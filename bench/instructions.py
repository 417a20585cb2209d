"""CPU instructions asgion adds per body message and per small request, counted with valgrind's callgrind.

Run: python bench/instructions.py. Not part of the test suite; needs valgrind. Wall-clock figures on a machine
whose speed drifts are noisy; instruction counts are repeatable, so they compare two versions of the hot path
reliably. Each figure is a difference of two runs (N and N + 10,000 body messages; M and M + 1,000 requests)
divided by the extra work, so start-up costs cancel out. "passthrough" is the floor: a wrapper that only awaits
the server's send.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VARIANTS = ("bare", "passthrough", "inspect", "trace")


def run(workload: str, variant: str, count: int) -> None:
    sys.path.insert(0, str(HERE))
    from overhead import PLUGINS
    from workloads import discard as _send
    from workloads import http_receive as _http_receive
    from workloads import small_get, streaming

    from asgion import Inspector
    from asgion_core.scenario import http_scope

    app = streaming(count) if workload == "stream" else small_get

    async def passthrough(scope: Any, receive: Any, send: Any) -> None:
        async def wrapped(message: Any) -> None:
            await send(message)
        await app(scope, receive, wrapped)

    targets = {"bare": app, "passthrough": passthrough}
    target: Any = targets.get(variant) or Inspector(app, plugins=PLUGINS, trace=variant == "trace")

    async def main() -> None:
        for _ in range(1 if workload == "stream" else count):
            await target(http_scope(), _http_receive, _send)

    asyncio.run(main())


def instructions(workload: str, variant: str, count: int) -> int:
    # a fixed hash seed: str hashing decides dict and set layouts, which moves the counts by about 1 % otherwise
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                          __file__, workload, variant, str(count)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "0"}).stderr
    match = re.search(r"Collected : (\d+)", out)
    if match is None:
        raise RuntimeError(out)
    return int(match.group(1))


def per_unit(workload: str, variant: str) -> float:
    low, extra = (1_000, 10_000) if workload == "stream" else (200, 1_000)
    return (instructions(workload, variant, low + extra) - instructions(workload, variant, low)) / extra


def main() -> None:
    if len(sys.argv) == 4:
        run(sys.argv[1], sys.argv[2], int(sys.argv[3]))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    chosen = sys.argv[1:] or ["stream", "get"]
    for workload, label in (("stream", "body message"), ("get", "small GET")):
        if workload not in chosen:
            continue
        per = {variant: per_unit(workload, variant) for variant in VARIANTS}
        bare = per["bare"]
        print(f"instructions per {label}: bare {bare:,.0f}; added by "
              + ", ".join(f"{v} +{per[v] - bare:,.0f}" for v in VARIANTS[1:]))


if __name__ == "__main__":
    main()
